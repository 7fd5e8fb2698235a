"""Migrations and models agree: upgrading an empty database then autogenerating finds nothing."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from api import (
    migrate,
    models,  # noqa: F401
)
from api.config import normalise_database_url
from api.db import Base


def _fresh_url(tmp_path) -> tuple[str, callable]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}", lambda: None
    admin = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS recycle_migrations"))
        conn.execute(text("CREATE DATABASE recycle_migrations"))
    target = normalise_database_url(url).rsplit("/", 1)[0] + "/recycle_migrations"

    def drop():
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS recycle_migrations WITH (FORCE)"))
        admin.dispose()

    return target, drop


def test_migrations_match_models(tmp_path):
    """``alembic upgrade head`` builds exactly the schema the models describe."""
    url, drop = _fresh_url(tmp_path)
    try:
        migrate.upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        engine.dispose()
        assert diff == [], diff
    finally:
        drop()


def test_downgrade_to_base_and_up_again(tmp_path):
    """Every migration can be reverted and re-applied."""
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = {
            r[0] for r in conn.execute(text("select name from sqlite_master where type='table'"))
        }
    engine.dispose()
    assert "bookings" in tables


def test_migrated_custody_log_refuses_updates(tmp_path):
    """The migration installs the append-only triggers, not only ``create_all``."""
    url = f"sqlite:///{tmp_path / 'triggers.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        names = {
            r[0] for r in conn.execute(text("select name from sqlite_master where type='trigger'"))
        }
    engine.dispose()
    # the same DDL as create_all's (api/custody/ddl.py), whose refusals tests/api/test_custody*
    # exercise; here: one UPDATE and one DELETE trigger per append-only table
    for table in ("custody_events", "manifest_lines", "manifest_confirmations"):
        assert len([n for n in names if table in n]) >= 2, (table, names)
