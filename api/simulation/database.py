"""A fresh demo database: the old file deleted, migrations applied, the models' schema checked.

The demo always starts from an empty SQLite file, so running it twice never trips over the
first run's rows. When ``migrations/`` do not (yet) build the schema the models describe,
the demo says so and creates the tables from the models instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine

from api import migrate
from api.db import Base


def sqlite_path(database_url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for any other database."""
    prefix = "sqlite:///"
    return Path(database_url[len(prefix) :]) if database_url.startswith(prefix) else None


def remove_sqlite(path: Path) -> bool:
    """Delete a SQLite file and its WAL companions; True if there was one."""
    existed = path.exists()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return existed


def schema_differences(database_url: str) -> list:
    """What Alembic's autogenerate would still change to reach the models' schema."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()


def fresh_database(app: Flask, *, echo: Callable[[str], None]) -> None:
    """Delete the demo's SQLite file, migrate a new one, fall back to the models if needed."""
    url = app.config["DATABASE_URL"]
    path = sqlite_path(url)
    if path is None:
        raise RuntimeError("the demo runs on a SQLite file (it deletes it first); got " + url)
    app.extensions["db_engine"].dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    if remove_sqlite(path):
        echo(f"  deleted the previous demo database {path}")
    migrate.upgrade(url)
    differences = schema_differences(url)
    if differences:
        echo(
            f"  note: migrations/ do not build the models' schema yet ({len(differences)} "
            "differences); the demo database is created from the models instead"
        )
        remove_sqlite(path)
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
    echo(f"  fresh database {path}")
