"""Shared fixtures: an app per test on SQLite (default) or PostgreSQL (``TEST_DATABASE_URL``)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

from api import (
    create_app,
    models,  # noqa: F401
)
from api.config import normalise_database_url
from api.custody.ddl import append_only_suspended
from api.db import Base, session_scope
from api.extensions import limiter
from api.seed import seed_city


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database with every table, created once per test run."""
    url = _database_url(tmp_path_factory)
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def _empty_tables(engine) -> None:
    """Delete every row (DELETE is much faster than TRUNCATE on small PostgreSQL tables)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    # SQLite has no replica mode: custody's append-only triggers are lifted for the cleanup only.
    with engine.begin() as conn, append_only_suspended(conn):
        if engine.dialect.name == "postgresql":
            # replica mode skips FK and append-only triggers for this cleanup only
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
        for name in tables:
            conn.execute(text(f"DELETE FROM {name}"))
        if engine.dialect.name != "postgresql":
            conn.execute(text("PRAGMA foreign_keys=ON"))


@pytest.fixture
def app_config(database_url) -> dict:
    """Config overrides for the test app; tests may change it before ``app`` is built."""
    return {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "SMS_SENDER": "capture",
        "CELERY_BROKER_URL": None,
        "LOGIN_CODE_RESEND_SECONDS": 0,
        "SLOT_CUTOFF_MINUTES": 120,
    }


@pytest.fixture
def app(app_config):
    """A fresh app; its tables are emptied after the test."""
    application = create_app(app_config)
    if application.config["RATELIMIT_ENABLED"]:
        limiter.reset()
    yield application
    if application.config["RATELIMIT_ENABLED"]:
        limiter.reset()
    engine = application.extensions["db_engine"]
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def city(app):
    """The demo city: materials, zones, tariffs, slots for a week, staff and residents."""
    with session_scope(app) as session:
        seed_city(session)
    return app


@pytest.fixture
def login(app, client) -> Callable[..., dict]:
    """``login(phone, role=None)`` signs in through the API and returns auth headers.

    With ``role``, a staff account with that role is created first.
    """

    def _login(phone: str, role: str | None = None) -> dict:
        if role and role != "resident":
            from api.auth.service import create_staff_user

            with session_scope(app) as session:
                create_staff_user(session, phone=phone, role=role)
        # each phone signs in from its own address so per-address limits stay out of the way
        environ = {"REMOTE_ADDR": f"10.{int(phone[-6:-4])}.{int(phone[-4:-2])}.{int(phone[-2:])}"}
        sent = client.post("/api/auth/codes", json={"phone": phone}, environ_base=environ)
        assert sent.status_code == 201, sent.get_json()
        code = app.extensions["sms_sender"].last_code(phone)
        response = client.post(
            "/api/auth/tokens",
            json={"grant_type": "phone_code", "phone": phone, "code": code},
            environ_base=environ,
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return _login


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on SQLite, and worker tests without a broker."""
    on_postgres = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
    has_worker = bool(os.environ.get("TEST_CELERY_BROKER_URL"))
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (TEST_DATABASE_URL)"))
        if item.get_closest_marker("worker") and not has_worker:
            item.add_marker(
                pytest.mark.skip(reason="needs a Celery worker (TEST_CELERY_BROKER_URL)")
            )
