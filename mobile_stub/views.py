"""Serve the mobile client at ``/app``: a plain Flask blueprint, kept out of the OpenAPI docs.

The client is static files with no build step. The app shell (index.html) and the service
worker are revalidated on every load so a deploy reaches phones on their next visit; other
assets are cached briefly and refreshed by the service worker's shell cache version.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

STATIC_DIR = Path(__file__).parent / "static"

# Explicit types: the platform's mimetypes table varies (``.webmanifest``, ``.js``).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest"}

blp = Blueprint("mobile_stub", __name__, url_prefix="/app")


def _send(filename: str) -> Response:
    response = send_from_directory(STATIC_DIR, filename)
    content_type = CONTENT_TYPES.get(Path(filename).suffix)
    if content_type:
        response.headers["Content-Type"] = content_type
    if filename in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    if filename == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.get("")
@blp.get("/")
def index() -> Response:
    """The app shell."""
    return _send("index.html")


@blp.get("/<path:filename>")
def asset(filename: str) -> Response:
    """A static asset of the client (404 when missing or outside the folder)."""
    return _send(filename)
