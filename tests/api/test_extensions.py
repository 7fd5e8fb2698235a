"""Tasks are sent after commit, dropped on rollback, and survive a rolled-back savepoint."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from api.extensions import enqueue_after_commit


class RecordingTask:
    """Stands in for a Celery task: remembers what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []

    def apply_async(self, args=(), kwargs=None):
        self.sent.append(tuple(args))


def _session() -> Session:
    session = Session(create_engine("sqlite://"))
    session.execute(text("select 1"))
    return session


def test_sent_only_after_commit():
    """Nothing is sent before the commit; the task goes once it commits."""
    task, session = RecordingTask(), _session()
    enqueue_after_commit(session, task, 7)
    assert task.sent == []
    session.commit()
    assert task.sent == [(7,)]


def test_dropped_when_the_transaction_rolls_back():
    """A rolled-back request sends nothing."""
    task, session = RecordingTask(), _session()
    enqueue_after_commit(session, task, 7)
    session.rollback()
    session.commit()
    assert task.sent == []


def test_a_failed_savepoint_keeps_the_outer_transactions_tasks():
    """A nested step that fails and rolls back its savepoint does not lose earlier tasks."""
    task, session = RecordingTask(), _session()
    enqueue_after_commit(session, task, 7)
    try:
        with session.begin_nested():
            raise ValueError("a nested step failed")
    except ValueError:
        pass
    session.commit()
    assert task.sent == [(7,)]
