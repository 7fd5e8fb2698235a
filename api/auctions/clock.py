"""The database's clock and row locks: what decides the close and the order of bids.

Every API process and worker asks the database for the time, so a bid at the deadline is
judged by one clock however skewed the application hosts are.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session


def db_now(session: Session) -> datetime:
    """The database's current time as an aware UTC datetime.

    PostgreSQL: ``clock_timestamp()``, not ``now()``: ``now()`` is frozen when the
    transaction began, so a bid that waited for the auction's row lock past the deadline
    would be judged by when it started waiting. SQLite: ``'now'`` to the millisecond (its
    ``CURRENT_TIMESTAMP`` has whole seconds only).
    """
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(text("select clock_timestamp()")).astimezone(UTC)
    raw = session.scalar(text("select strftime('%Y-%m-%d %H:%M:%f', 'now')"))
    return datetime.fromisoformat(raw).replace(tzinfo=UTC)


def lock_one(session: Session, model, key_column, key):
    """Lock the row ``model.key_column == key`` for this transaction and return it fresh.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks: a no-op UPDATE first takes
    the database's single write lock (waiting ``busy_timeout`` for it), so the read that
    follows sees the last commit and no other writer can move in between.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(model)
            .where(key_column == key)
            .values({key_column.key: key_column})
            .execution_options(synchronize_session=False)
        )
    stmt = (
        select(model)
        .where(key_column == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(stmt).first()
