"""Pooled PostgreSQL connections: pinged only after sitting idle, and replaced when dead."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

import api.db
from api.config import normalise_database_url
from api.db import make_engine

pytestmark = pytest.mark.postgres


def _kill(pid: int) -> None:
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (pid,))


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("select pg_backend_pid()").scalar()


def test_a_connection_killed_while_idle_is_replaced(monkeypatch):
    """A connection idle longer than the limit is pinged; a dead one is swapped for a new
    one before the request sees it."""
    engine = make_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    try:
        first = _backend_pid(engine)
        _kill(first)
        monkeypatch.setattr(api.db, "PING_AFTER_IDLE_S", 0.0)
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_recently_used_connection_is_not_pinged():
    """Within the idle limit the pool hands the connection out without a round trip, so a
    connection the server killed a moment ago fails once (and the pool then replaces it)."""
    engine = make_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    try:
        first = _backend_pid(engine)
        _kill(first)
        with pytest.raises(OperationalError):
            _backend_pid(engine)
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()
