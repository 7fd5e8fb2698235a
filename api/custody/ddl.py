"""Append-only triggers: the database itself refuses UPDATE and DELETE of custody rows.

``metadata.create_all`` creates them through the DDL events registered at the bottom; an
Alembic migration calls ``create_append_only_triggers(op.get_bind())`` after creating the
tables (and ``drop_append_only_triggers`` on downgrade).

On PostgreSQL the owner of a table (or a superuser) can still ``ALTER TABLE ... DISABLE
TRIGGER``; deploy the app with a role that does not own the tables and run
``revoke_mutation(connection, role)`` so even a bug or an injected statement in the app
cannot rewrite history. What a superuser might still do is caught by verification and by
signed checkpoints kept outside the database (``api.custody.checkpoints``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import DDL, event, text
from sqlalchemy.engine import Connection

from api.custody.models import CustodyEvent, ManifestConfirmation, ManifestLine

# Rows of these tables never change once written; corrections write new rows.
APPEND_ONLY_TABLES = ("custody_events", "manifest_lines", "manifest_confirmations")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION custody_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def pg_trigger_sql(table: str) -> list[str]:
    """The PostgreSQL statements that make ``table`` append-only (rows and TRUNCATE)."""
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION custody_refuse_change()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION custody_refuse_change()",
    ]


def sqlite_trigger_sql(table: str) -> list[str]:
    """The SQLite statements that make ``table`` append-only."""
    statements = []
    for op in ("UPDATE", "DELETE"):
        name = f"{table}_no_{op.lower()}"
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        )
    return statements


def create_append_only_triggers(connection: Connection) -> None:
    """Create the triggers on every append-only table (idempotent; for migrations)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(PG_FUNCTION))
        for table in APPEND_ONLY_TABLES:
            for statement in pg_trigger_sql(table):
                connection.execute(text(statement))
    elif connection.dialect.name == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for statement in sqlite_trigger_sql(table):
                connection.execute(text(statement))


def drop_append_only_triggers(connection: Connection) -> None:
    """Drop the triggers (migration downgrade; SQLite test cleanup)."""
    for table in APPEND_ONLY_TABLES:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
        elif connection.dialect.name == "sqlite":
            for op in ("update", "delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{op}"))


def revoke_mutation(connection: Connection, role: str) -> None:
    """PostgreSQL: take UPDATE, DELETE and TRUNCATE on the append-only tables from ``role``.

    Only meaningful when ``role`` (the app's login) does not own the tables.
    """
    if not role.replace("_", "").isalnum():
        raise ValueError("role must be a plain identifier")
    for table in APPEND_ONLY_TABLES:
        connection.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}"))


@contextmanager
def append_only_suspended(connection: Connection) -> Iterator[None]:
    """Test cleanup only: lift the SQLite triggers while every row is deleted.

    PostgreSQL cleanup runs with ``session_replication_role = replica``, which already skips
    the triggers, so nothing is dropped there.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    drop_append_only_triggers(connection)
    try:
        yield
    finally:
        create_append_only_triggers(connection)


def _register_ddl_events() -> None:
    event.listen(
        CustodyEvent.__table__,
        "after_create",
        # DDL() formats with %: the function's own % placeholders are escaped.
        DDL(PG_FUNCTION.replace("%", "%%")).execute_if(dialect="postgresql"),
    )
    tables = {
        "custody_events": CustodyEvent.__table__,
        "manifest_lines": ManifestLine.__table__,
        "manifest_confirmations": ManifestConfirmation.__table__,
    }
    for name, table in tables.items():
        for statement in pg_trigger_sql(name):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
        for statement in sqlite_trigger_sql(name):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))


_register_ddl_events()
