"""The blueprint serving the mobile client at /app, and the client's use of the OpenAPI spec."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

import mobile_stub

STATIC = Path(mobile_stub.__file__).parent / "static"

# Operations the client is wired for while they are still being built: the screens show
# "not available yet" until they are in the spec. Every operation has landed, so the set is
# empty; one added here must be removed again as soon as it lands (the test below fails).
OPTIONAL_OPERATIONS: set[str] = set()
SPEC_URL = "/api/openapi.json"  # the one /api/ string that is not an operation

OPERATION_RE = re.compile(r'"(GET|POST|PUT|PATCH|DELETE)",\s*"(/api/[^"]*)"')
PATH_RE = re.compile(r'"(/api/[^"]*)"')


def shape(operation: str) -> str:
    """``POST /api/lots/{id}/bids`` and ``POST /api/lots/{lot_id}/bids`` are the same."""
    return re.sub(r"\{[^}]+\}", "{}", operation)


def client_operations() -> tuple[set[str], set[str]]:
    """``METHOD /api/path`` pairs the client declares, and every ``"/api/..."`` string."""
    operations: set[str] = set()
    paths: set[str] = set()
    for source in STATIC.rglob("*.js"):
        text = source.read_text()
        operations |= {f"{m} {p}" for m, p in OPERATION_RE.findall(text)}
        paths |= set(PATH_RE.findall(text))
    return operations, paths - {SPEC_URL}


def spec_operations(client) -> set[str]:
    """Every operation of the served spec, by shape."""
    spec = client.get(SPEC_URL).get_json()
    return {
        shape(f"{method.upper()} {path}")
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_the_client_declares_its_operations():
    """The scan finds the client's operations (so the spec checks below cannot pass empty)."""
    operations, paths = client_operations()
    assert {"POST /api/auth/codes", "POST /api/bookings", "GET /api/slots"} <= operations
    assert {p for _, p in (o.split(" ", 1) for o in operations)} == paths


def test_every_api_operation_the_client_uses_is_in_the_spec(client):
    """Each method and path in the client's JS is an operation of /api/openapi.json, except
    the collector and plant operations still being built."""
    served = spec_operations(client)
    operations, paths = client_operations()
    missing = sorted(
        op for op in operations if shape(op) not in served and op not in OPTIONAL_OPERATIONS
    )
    assert not missing, f"the client calls operations the API does not have: {missing}"
    served_paths = {op.split(" ", 1)[1] for op in served}
    optional_paths = {op.split(" ", 1)[1] for op in OPTIONAL_OPERATIONS}
    stray = sorted(p for p in paths if shape(p) not in served_paths and p not in optional_paths)
    assert not stray, f"the client names paths the API does not have: {stray}"


def test_optional_operations_are_ones_the_client_uses(client):
    """OPTIONAL_OPERATIONS names real client calls, none of which has landed yet."""
    operations, _ = client_operations()
    assert operations >= OPTIONAL_OPERATIONS
    landed = sorted(op for op in OPTIONAL_OPERATIONS if shape(op) in spec_operations(client))
    assert landed == [], f"landed, remove from OPTIONAL_OPERATIONS: {landed}"


def test_app_serves_the_shell(client):
    """/app and /app/ serve index.html, revalidated on every load, loading the ES modules."""
    for url in ("/app", "/app/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "text/html"
        assert response.headers["Cache-Control"] == "no-cache"
        html = response.get_data(as_text=True)
        assert '<script type="module" src="/app/app.js">' in html
        assert '<link rel="manifest" href="/app/manifest.webmanifest">' in html


def test_manifest_makes_the_app_installable(client):
    """The manifest has the fields install prompts need, and each icon is served at the size
    it claims."""
    response = client.get("/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert manifest["start_url"] == manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    purposes = {icon["purpose"] for icon in manifest["icons"]}
    assert {"any", "maskable"} <= purposes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        assert served.mimetype == icon["type"]
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", served.get_data()[16:24])  # PNG IHDR
            assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_is_served_for_the_app_scope(client):
    """sw.js is JavaScript, never cached by HTTP, allowed to control /app/."""
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/app/"


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/app/app.js", "text/javascript"),
        ("/app/screens/book.js", "text/javascript"),
        ("/app/app.css", "text/css"),
        ("/app/icons/icon.svg", "image/svg+xml"),
    ],
)
def test_assets_have_their_content_types(client, path, mimetype):
    """ES modules must be served as JavaScript or browsers refuse to run them."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/app/nothing.js", "/app/%2e%2e/views.py", "/app/../api/db.py"])
def test_missing_or_outside_files_are_404(client, path):
    """Only files inside static/ are served."""
    assert client.get(path).status_code == 404


def test_service_worker_caches_exactly_the_app_shell():
    """The shell list names files that exist, covers every module and stylesheet (so the app
    opens offline) and never the API."""
    source = (STATIC / "sw.js").read_text()
    listed = set(
        re.findall(r'"(/app/[^"]*)"', source.split("const SHELL = [", 1)[1].split("];")[0])
    )
    files = {"index.html" if p == "/app/" else p.removeprefix("/app/") for p in listed}
    assert all((STATIC / f).is_file() for f in files), files
    code = {
        str(p.relative_to(STATIC)) for p in STATIC.rglob("*") if p.suffix in {".js", ".css"}
    } - {"sw.js"}
    assert code <= files, f"not cached by the service worker: {sorted(code - files)}"
    assert not any(p.startswith("/api") for p in listed)


def test_app_is_not_in_the_api_docs(client):
    """The client's blueprint is plain Flask, outside the OpenAPI document."""
    paths = client.get(SPEC_URL).get_json()["paths"]
    assert not any(p.startswith("/app") for p in paths)
