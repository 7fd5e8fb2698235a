"""The app shell: health, readiness, OpenAPI, the one error shape, languages, secrets."""

from __future__ import annotations

import json

import pytest

from api import create_app


def test_health_and_ready(client):
    """Liveness always answers; readiness checks the database."""
    assert client.get("/api/health").get_json() == {"status": "ok"}
    assert client.get("/api/ready").get_json() == {"status": "ok"}


def test_ready_is_503_when_the_database_is_unreachable(app_config, tmp_path):
    """Readiness fails when the database cannot be opened."""
    app_config["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(app_config)
    assert app.test_client().get("/api/ready").status_code == 503


def test_openapi_lists_the_booking_flow(client):
    """The OpenAPI document is served and documents bookings with bearer auth."""
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/bookings" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/nowhere", 404, "not_found"),
        ("delete", "/api/health", 405, "method_not_allowed"),
    ],
)
def test_http_errors_use_the_error_shape(client, method, path, status, code):
    """404 and 405 come back in the one JSON error shape."""
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.get_json() == {
        "code": code,
        "message": response.get_json()["message"],
        "errors": {},
    }


def test_unhandled_errors_are_500_without_details(app):
    """An exception in a view is a 500 in the error shape, with no traceback leaked."""

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


def test_messages_follow_accept_language(client):
    """Error messages are in Chinese when the phone asks for zh-CN."""
    zh = client.get("/api/nowhere", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_json()
    en = client.get("/api/nowhere", headers={"Accept-Language": "en"}).get_json()
    assert zh["message"] == "未找到。"
    assert en["message"] == "Not found."


def test_production_refuses_default_secrets(app_config):
    """In production the app will not start with the development secrets."""
    app_config["ENV_NAME"] = "production"
    with pytest.raises(RuntimeError, match="default or short secrets"):
        create_app(app_config)
    strong = "x" * 40
    app_config.update(
        SECRET_KEY=strong, JWT_SECRET_KEY=strong, PII_KEY=strong, WAREHOUSE_HMAC_KEY=strong
    )
    assert create_app(app_config).config["ENV_NAME"] == "production"


def test_invalid_json_is_a_clear_error(client, login, city):
    """A body that is not JSON is refused in the error shape, not a 500."""
    headers = login("+8613811119999")
    response = client.post(
        "/api/quotes", data="{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert set(response.get_json()) == {"code", "message", "errors"}


def test_text_a_database_cannot_store_is_422(city, client, login):
    """A NUL character or an unpaired surrogate in any JSON string is a 422 naming the field."""
    headers = {**login("+8613811119998"), "Content-Type": "application/json"}
    nul = '{"phone": "+86138\\u000012345678"}'
    response = client.post("/api/auth/codes", data=nul, headers=headers)
    assert response.status_code == 422 and "phone" in response.get_json()["errors"]
    lone = '{"label": "\\ud800", "latitude": 31.2, "longitude": 121.44, "text": "abc"}'
    response = client.post("/api/residents/me/addresses", data=lone, headers=headers)
    assert response.status_code == 422 and "label" in response.get_json()["errors"]


def test_wsgi_entry_point_serves_the_app_with_its_start_up_objects_frozen(tmp_path):
    """``api.wsgi`` (what gunicorn loads) builds the app and then freezes everything loaded
    so far, so the collector's full passes skip it (they stalled each worker 100+ ms)."""
    import subprocess
    import sys

    script = (
        "import gc, json, api.wsgi as w\n"
        "c = w.app.test_client()\n"
        "print(json.dumps([gc.get_freeze_count(), c.get('/api/health').get_json()]))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}",
        "LOG_LEVEL": "WARNING",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    frozen, health = json.loads(out.stdout.strip().splitlines()[-1])
    assert health == {"status": "ok"}
    assert frozen > 10_000  # the app's modules, models and schemas (~200,000 here)
