"""One beat at a time: only the scheduler holding the beat lease sends periodic tasks."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.apps.beat import Beat
from celery.beat import Service
from sqlalchemy import delete, update
from sqlalchemy.exc import OperationalError

import api.beat
from api.auctions.clock import db_now
from api.beat import LEASE_NAME, RENEW_EVERY, LeasedScheduler
from api.beat_runs.models import BeatRun
from api.db import session_scope
from api.leases.models import Lease
from api.route_plans.schedule import LocalCrontab

EVERY = 0.01  # seconds: a periodic task that is due on every tick
CITY = "Asia/Shanghai"
START = datetime(2026, 11, 24, 3, 0, tzinfo=ZoneInfo(CITY))  # when the beats start (clock)


@pytest.fixture
def beats(app, tmp_path):
    """A factory of schedulers (each as if on its own machine) that record what they send."""
    celery = app.extensions["celery"]
    celery.conf.beat_schedule = {"resend": {"task": "payouts.resend_stuck", "schedule": EVERY}}
    sent: list[str] = []
    made: list[LeasedScheduler] = []

    def make(name: str) -> LeasedScheduler:
        scheduler = LeasedScheduler(app=celery, schedule_filename=str(tmp_path / name))
        scheduler.apply_async = lambda entry, producer=None, advance=True, **kw: sent.append(name)
        made.append(scheduler)
        return scheduler

    yield make, sent
    for scheduler in made:
        scheduler.close()


@pytest.fixture
def clock(app, monkeypatch):
    """``clock(at)`` sets Celery's time, which beat reads for due times and the runs it
    records; it starts at ``START``."""
    now = [START]
    monkeypatch.setattr(app.extensions["celery"], "now", lambda: now[0].astimezone(UTC))

    def set_to(at: datetime) -> None:
        now[0] = at

    return set_to


def _schedule(app, entries: dict) -> None:
    """Beat schedule for the beats made from now on: entry (and task) name -> schedule."""
    app.extensions["celery"].conf.beat_schedule = {
        name: {"task": name, "schedule": schedule} for name, schedule in entries.items()
    }


def _tick(*schedulers: LeasedScheduler) -> None:
    time.sleep(EVERY * 3)
    for scheduler in schedulers:
        scheduler.tick()


def _holder(app) -> str:
    with session_scope(app) as session:
        return session.get(Lease, LEASE_NAME).holder


def _unreachable(*args, **kwargs):
    raise OperationalError("select 1", {}, Exception("connection refused"))


def _expire_lease(app) -> None:
    """As if the holder had stopped renewing for longer than the lease lasts (a crash)."""
    with session_scope(app) as session:
        past = db_now(session) - timedelta(seconds=1)
        session.execute(update(Lease).where(Lease.name == LEASE_NAME).values(expires_at=past))


def test_celery_beat_is_configured_with_the_leased_scheduler(app, tmp_path):
    """``celery beat`` builds this scheduler without any command-line option."""
    celery = app.extensions["celery"]
    command = Beat(app=celery)  # what ``celery -A api.worker beat`` starts
    service = Service(
        app=celery, schedule_filename=str(tmp_path / "beat"), scheduler_cls=command.scheduler_cls
    )
    assert isinstance(service.get_scheduler(lazy=True), LeasedScheduler)


def test_two_beats_only_the_lease_holder_sends(app, beats):
    """Started on two machines, one beat sends every due task and the other none."""
    make, sent = beats
    first, second = make("first"), make("second")
    for _ in range(4):
        _tick(first, second)
    assert sent == ["first"] * 4
    assert first.leading and not second.leading
    assert _holder(app) == first.holder
    # a standby never sleeps longer than a renewal period
    assert second.tick() == RENEW_EVERY


def test_a_standby_takes_over_when_the_holder_stops_renewing(app, beats):
    """The holder dies (its lease runs out): the standby sends from then on, and the old
    holder, should it come back, stands by instead of sending twice."""
    make, sent = beats
    first, second = make("first"), make("second")
    _tick(first, second)
    _expire_lease(app)
    _tick(second, first)
    _tick(second, first)
    assert sent == ["first", "second", "second"]
    assert second.leading and not first.leading
    assert _holder(app) == second.holder


def test_a_clean_shutdown_hands_over_at_once(app, beats):
    """Closing the holder gives the lease back: the standby leads on its next tick."""
    make, sent = beats
    first, second = make("first"), make("second")
    _tick(first, second)
    first.close()
    _tick(second)
    assert sent == ["first", "second"]


def test_without_the_database_a_beat_sends_nothing(app, beats, monkeypatch):
    """Who leads cannot be known without the database: the beat stands by and retries."""
    make, sent = beats
    beat = make("only")
    _tick(beat)
    monkeypatch.setattr(api.beat, "hold_lease", _unreachable)
    _tick(beat)
    assert sent == ["only"] and not beat.leading


def test_the_holder_records_each_run(app, beats, clock):
    """Each send is recorded in the database: the entry, its run time (UTC) and the sender."""
    _schedule(app, {"payouts.resend_stuck": 300.0})
    make, sent = beats
    beat = make("only")
    beat.tick()
    clock(START + timedelta(seconds=301))
    beat.tick()
    assert sent == ["only"]
    with session_scope(app) as session:
        run = session.get(BeatRun, "payouts.resend_stuck")
        assert (run.last_run_at, run.sent_by) == (START + timedelta(seconds=301), beat.holder)
        assert run.last_run_at.tzinfo == UTC


def test_a_new_holder_waits_an_interval_from_the_old_holders_run(app, beats, clock):
    """The holder sent a 300 s entry at 301 s; the standby taking over at 400 s sends it at
    601 s, not at once (its own schedule file has only its start, 0 s)."""
    _schedule(app, {"payouts.resend_stuck": 300.0})
    make, sent = beats
    first, second = make("first"), make("second")
    for at in (0, 301):
        clock(START + timedelta(seconds=at))
        first.tick()
        second.tick()
    assert sent == ["first"]
    _expire_lease(app)
    for at in (400, 600):
        clock(START + timedelta(seconds=at))
        second.tick()
    assert second.leading and sent == ["first"]
    clock(START + timedelta(seconds=602))
    second.tick()
    assert sent == ["first", "second"]


def test_a_former_holder_that_leads_again_adopts_the_runs_made_meanwhile(app, beats, clock):
    """A holder that missed losing the lease (it did not tick meanwhile: a long pause) and
    takes it again drops the due times it had queued from its own last run and goes by the
    run its successor recorded."""
    _schedule(app, {"payouts.resend_stuck": 300.0})
    make, sent = beats
    first, second = make("first"), make("second")
    for beat, at in ((first, 0), (second, 0), (first, 301)):
        clock(START + timedelta(seconds=at))
        beat.tick()
    _expire_lease(app)
    for at in (400, 602):
        clock(START + timedelta(seconds=at))
        second.tick()
    assert sent == ["first", "second"]
    _expire_lease(app)
    for at in (700, 900):  # first last sent at 301 s; second at 602 s
        clock(START + timedelta(seconds=at))
        first.tick()
    assert first.leading and sent == ["first", "second"]
    clock(START + timedelta(seconds=903))
    first.tick()
    assert sent == ["first", "second", "first"]


@pytest.mark.parametrize(("recorded", "at_take_over"), [(True, []), (False, ["second"])])
def test_a_new_holder_does_not_rerun_a_crontab_time_the_old_holder_ran(
    app, beats, clock, recorded, at_take_over
):
    """The 04:00 refresh ran on the holder; the standby that takes over at 10:00 does not run
    it again, as it would were the run not recorded (its schedule file stops at 03:00). It
    runs at 04:00 the next day either way."""
    _schedule(app, {"warehouse.refresh": LocalCrontab(0, 4, tz_name=CITY)})
    make, sent = beats
    first, second = make("first"), make("second")
    for at in (START, START.replace(hour=4, second=30)):
        clock(at)
        first.tick()
        second.tick()
    assert sent == ["first"]
    _expire_lease(app)
    if not recorded:
        with session_scope(app) as session:
            session.execute(delete(BeatRun))
    clock(START.replace(hour=10))
    second.tick()
    assert second.leading and sent == ["first", *at_take_over]
    clock(START.replace(day=25, hour=4, second=30))
    second.tick()
    assert sent == ["first", *at_take_over, "second"]


def test_a_failed_record_does_not_stop_the_beat(app, beats, monkeypatch, caplog):
    """Without the database write the task is sent all the same and the beat goes on."""
    make, sent = beats
    beat = make("only")
    monkeypatch.setattr(api.beat, "record_beat_run", _unreachable)
    _tick(beat)
    _tick(beat)
    assert sent == ["only", "only"] and beat.leading
    assert "beat runs: resend not recorded" in caplog.text


def test_a_standby_that_cannot_read_the_runs_does_not_take_over(app, beats, monkeypatch):
    """Taking over waits for the recorded runs: without them it would send too early."""
    make, sent = beats
    beat = make("only")
    monkeypatch.setattr(api.beat, "list_beat_runs", _unreachable)
    _tick(beat)
    assert sent == [] and not beat.leading
    monkeypatch.undo()
    _tick(beat)
    assert sent == ["only"] and beat.leading
