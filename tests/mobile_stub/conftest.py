"""Browser-test fixtures: the real app on a free port over a seeded SQLite file, and Chromium.

The app runs in a background thread (werkzeug ``make_server``), so the browser talks HTTP to
the same code as production. One app serves a module and one browser the whole run; each
test gets fresh browser contexts (a fresh phone: storage, service worker, permissions).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from api import create_app
from api.db import Base, session_scope
from api.extensions import limiter
from api.seed import seed_city
from tests.mobile_stub.pages import Phone

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Where the demo city's xuhui-s zone is: "use my location" lands here.
HOME_GEO = {"latitude": 31.205, "longitude": 121.445}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def find_chromium() -> str | None:
    """The system Chromium (Playwright's own download is not used)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class LiveApp:
    """The running app: its URL, and the codes its SMS sender captured."""

    app: Flask
    url: str

    def last_code(self, phone: str) -> str:
        """The last login code texted to ``phone``."""
        return self.app.extensions["sms_sender"].last_code(phone)

    def client(self) -> FlaskClient:
        """An in-process API client on the same app and database (for test set-up)."""
        return self.app.test_client()

    def login(self, phone: str) -> dict[str, str]:
        """Sign ``phone`` in through the API; returns its auth headers."""
        client = self.client()
        assert client.post("/api/auth/codes", json={"phone": phone}).status_code == 201
        response = client.post(
            "/api/auth/tokens",
            json={"grant_type": "phone_code", "phone": phone, "code": self.last_code(phone)},
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory) -> Iterator[LiveApp]:
    """create_app over a fresh seeded SQLite file, served on 127.0.0.1 in a thread."""
    db_file = tmp_path_factory.mktemp("mobile_stub") / "app.sqlite3"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{db_file}",
            "TESTING": True,
            "SMS_SENDER": "capture",
            "CELERY_BROKER_URL": None,
            "LOGIN_CODE_RESEND_SECONDS": 0,
        }
    )
    Base.metadata.create_all(app.extensions["db_engine"])
    with session_scope(app) as session:
        seed_city(session)
    limiter.reset()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    try:
        yield LiveApp(app=app, url=f"http://127.0.0.1:{server.port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["db_engine"].dispose()
        limiter.reset()


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium, one per run; browser tests skip when there is none."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium binary on PATH (install it with .ci/install-browser.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@dataclass
class PhoneFactory:
    """Opens phones (browser contexts at 360×740) and checks none threw a page error."""

    browser: object
    live_app: LiveApp
    phones: list[Phone] = field(default_factory=list)

    def __call__(self, locale: str = "en-US") -> Phone:
        context = self.browser.new_context(
            base_url=self.live_app.url,
            viewport={"width": 360, "height": 740},
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            timezone_id="Asia/Shanghai",
            geolocation=HOME_GEO,
            permissions=["geolocation"],
        )
        context.set_default_timeout(10_000)
        phone = Phone(context.new_page(), live_app=self.live_app, screenshots=SCREENSHOTS)
        self.phones.append(phone)
        return phone


@pytest.fixture
def open_phone(browser, live_app) -> Iterator[Callable[..., Phone]]:
    """``open_phone(locale="en-US")``: a fresh phone; fails the test on uncaught JS errors.

    Rate-limit counters start empty for each test: every phone shares 127.0.0.1.
    """
    limiter.reset()
    factory = PhoneFactory(browser=browser, live_app=live_app)
    yield factory
    errors = [error for phone in factory.phones for error in phone.page_errors]
    for phone in factory.phones:
        phone.page.context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
