"""Engine, sessions and the declarative base shared by every domain's models.

Hot statements. The busiest requests (a booking, its idempotency record, its events) run
statements built once at import with ``bindparam`` placeholders and executed with a dict of
values. Building a ``select``/``update`` and deriving its cache key costs about as much
Python as executing it (measured on PostgreSQL: 206 µs of CPU for a one-row select built
each time, 115 µs built once, 103 µs as a raw driver call); the compiled SQL is cached
either way. In an ``update`` a placeholder must not take a column's name (SQLAlchemy keeps
those for the SET clause). Elsewhere statements are built where they are used, which
reads better.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import BigInteger, DateTime, Integer, MetaData, create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY, so big ids are plain integers there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always reads them back as aware UTC.

    SQLite drops the offset; PostgreSQL keeps it. Either way the app only sees UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """``created_at`` and ``updated_at`` maintained by the ORM (UTC)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True
    )


# The job feed ranks by great-circle distance in SQL; SQLite has these only when built with
# its maths functions, so each connection gets Python's (the same C library's results).
SQLITE_MATH_FUNCTIONS = {"sin": math.sin, "cos": math.cos, "asin": math.asin, "sqrt": math.sqrt}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    for name, function in SQLITE_MATH_FUNCTIONS.items():
        dbapi_connection.create_function(name, 1, function, deterministic=True)
    dbapi_connection.create_function("floor", 1, _floor, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _floor(value):
    return None if value is None else float(math.floor(value))


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_connections_after_idle(engine)
    return engine


# A pooled connection that was in use moments ago is alive; one that sat idle may have been
# closed by the server, a proxy or a failover. Pinging only those saves a round trip on
# almost every request (SQLAlchemy's pool_pre_ping pings on every checkout).
PING_AFTER_IDLE_S = 10.0


def _ping_connections_after_idle(engine: Engine) -> None:
    """Check a connection before use when it has been idle for ``PING_AFTER_IDLE_S``; a dead
    one raises ``DisconnectionError``, on which the pool discards it and connects anew."""
    dialect = engine.dialect

    def _mark_idle(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("connection lost while idle") from error

    event.listen(engine, "connect", _mark_idle)
    event.listen(engine, "checkin", _mark_idle)
    event.listen(engine, "checkout", _ping_if_idle)


def init_db(app: Flask) -> None:
    """Attach an engine and a session factory to ``app`` and close sessions per request."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """The session of the current request or task (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


_LAST_STEPS = "last_steps"


def hold_last_steps(session: Session) -> None:
    """From now on, ``last_step`` keeps its steps for ``run_last_steps`` (``api.web.atomic``)."""
    session.info[_LAST_STEPS] = []


def last_step(session: Session, step: Callable[[], object]) -> None:
    """Run ``step`` now or, inside a request that holds them, as the transaction's last
    statements: after the response is built and stored, right before the commit.

    For updates of rows that many requests want at once (a popular slot): their lock is then
    held from that statement to the commit, not while Python builds and stores the answer
    (with eight threads sharing a GIL, that wait grew into convoys on the row). A step may
    raise a domain error; the whole request then rolls back with it.
    """
    steps = session.info.get(_LAST_STEPS)
    if steps is None:
        step()
    else:
        steps.append(step)


def run_last_steps(session: Session) -> None:
    """Run the held steps in order (and stop holding)."""
    for step in session.info.pop(_LAST_STEPS, None) or ():
        step()


def drop_last_steps(session: Session) -> None:
    """Forget the held steps (the request failed before its commit)."""
    session.info.pop(_LAST_STEPS, None)


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session for work outside a request (CLI, tasks); commits on success."""
    session = app.extensions["db_sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
