"""Render the PNG icons of the PWA from ``static/icons/icon.svg`` with headless Chromium.

The SVG is the one source; run this after changing it and commit the PNGs::

    .venv/bin/python -m mobile_stub.render_icons

The maskable icon fills the whole square (launchers cut their own shape) and shrinks the
glyph into the central safe zone.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

ICONS = Path(__file__).parent / "static" / "icons"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]

PLAIN = "<style>html,body{margin:0;background:transparent}</style><img src='{src}' width='{n}'>"
MASKABLE = (
    "<style>html,body{{margin:0}}body{{width:{n}px;height:{n}px;display:grid;place-items:center;"
    "background:linear-gradient(135deg,#22a050,#11683a)}}</style>"
    "<img src='{src}' width='{inner}'>"
)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_icons() -> list[Path]:
    """Write icon-192.png, icon-512.png and maskable-512.png next to icon.svg."""
    from playwright.sync_api import sync_playwright

    # A data URI: a page made by set_content may not load file:// images.
    svg = (ICONS / "icon.svg").read_text()
    src = _data_uri(svg)
    glyph = _data_uri(svg.replace('fill="url(#bg)"', 'fill="none"'))  # the page is the plate
    jobs = [
        ("icon-192.png", 192, PLAIN.replace("{src}", src).replace("{n}", "192")),
        ("icon-512.png", 512, PLAIN.replace("{src}", src).replace("{n}", "512")),
        ("maskable-512.png", 512, MASKABLE.format(n=512, inner=410, src=glyph)),
    ]
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for name, size, html in jobs:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(html)
            page.wait_for_function("document.images[0].complete")
            out = ICONS / name
            page.screenshot(path=str(out), omit_background=True)
            written.append(out)
            page.close()
        browser.close()
    return written


if __name__ == "__main__":
    for path in render_icons():
        print(path)
