"""Beat runs: one row per entry, replaced by each newer run, read back in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from api.beat_runs.service import list_beat_runs, record_beat_run
from api.db import session_scope

AT = datetime(2026, 11, 24, 4, 0, 30, tzinfo=timezone(timedelta(hours=8)))


def _record(app, entry_name: str, run_at: datetime, sent_by: str) -> None:
    with session_scope(app) as session:
        record_beat_run(session, entry_name=entry_name, run_at=run_at, sent_by=sent_by)


def _runs(app) -> dict[str, tuple[datetime, str]]:
    with session_scope(app) as session:
        return {run.entry_name: (run.last_run_at, run.sent_by) for run in list_beat_runs(session)}


def test_a_run_is_recorded_and_read_back_in_utc(app):
    """The first run of an entry inserts its row; the time comes back as the same instant, UTC."""
    _record(app, "warehouse.refresh", AT, "a")
    run_at, sent_by = _runs(app)["warehouse.refresh"]
    assert (run_at, sent_by) == (AT, "a")
    assert run_at.tzinfo == UTC


def test_a_later_run_replaces_the_entrys_record_and_leaves_the_others(app):
    """An entry keeps one row: the last run and who sent it; other entries keep theirs."""
    _record(app, "warehouse.refresh", AT, "a")
    _record(app, "auctions.close_ended", AT, "a")
    _record(app, "warehouse.refresh", AT + timedelta(days=1), "b")
    assert _runs(app) == {
        "warehouse.refresh": (AT + timedelta(days=1), "b"),
        "auctions.close_ended": (AT, "a"),
    }


def test_an_earlier_run_never_replaces_a_later_one(app):
    """A former holder that paused past its lease and then records a send it made before the
    new holder's run leaves the later run in place."""
    _record(app, "warehouse.refresh", AT + timedelta(days=1), "b")
    _record(app, "warehouse.refresh", AT, "a")
    assert _runs(app) == {"warehouse.refresh": (AT + timedelta(days=1), "b")}
