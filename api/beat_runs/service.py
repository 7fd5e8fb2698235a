"""Recording and reading the beat's runs, so a beat that takes over knows what was sent.

Only the lease holder records (``api.beat``); a record never moves an entry's run back (a
holder that paused past its lease may still write a send it made before the new holder's).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.beat_runs.models import BeatRun

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def record_beat_run(session: Session, *, entry_name: str, run_at: datetime, sent_by: str) -> None:
    """Record that ``sent_by`` sent ``entry_name`` at ``run_at`` (aware), replacing the entry's
    previous run if it is earlier; one upsert statement."""
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = insert(BeatRun).values(entry_name=entry_name, last_run_at=run_at, sent_by=sent_by)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[BeatRun.entry_name],
            set_={
                "last_run_at": statement.excluded.last_run_at,
                "sent_by": statement.excluded.sent_by,
            },
            # a former holder waking from a pause must not move a run back in time
            where=BeatRun.last_run_at < statement.excluded.last_run_at,
        )
    )


def list_beat_runs(session: Session) -> list[BeatRun]:
    """The last recorded run of every entry ever sent."""
    return list(session.scalars(select(BeatRun)))
