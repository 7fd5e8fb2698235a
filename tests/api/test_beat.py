"""One beat at a time: only the scheduler holding the beat lease sends periodic tasks."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.apps.beat import Beat
from celery.beat import Service
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

import api.beat
from api.auctions.clock import db_now
from api.beat import LEASE_NAME, RENEW_EVERY, LeasedScheduler
from api.db import session_scope
from api.leases.models import Lease

EVERY = 0.01  # seconds: a periodic task that is due on every tick


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


def _tick(*schedulers: LeasedScheduler) -> None:
    time.sleep(EVERY * 3)
    for scheduler in schedulers:
        scheduler.tick()


def _holder(app) -> str:
    with session_scope(app) as session:
        return session.get(Lease, LEASE_NAME).holder


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

    def unreachable(*args, **kwargs):
        raise OperationalError("select 1", {}, Exception("connection refused"))

    monkeypatch.setattr(api.beat, "hold_lease", unreachable)
    _tick(beat)
    assert sent == ["only"] and not beat.leading
