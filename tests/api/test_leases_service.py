"""Leases: one holder at a time, renewals, expiry, and racing takers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from api.auctions.clock import db_now
from api.db import session_scope
from api.leases.models import Lease
from api.leases.service import hold_lease, release_lease


def _hold(app, holder: str, name: str = "job", seconds: float = 30) -> bool:
    with session_scope(app) as session:
        return hold_lease(session, name=name, holder=holder, seconds=seconds)


def test_a_held_lease_is_renewed_by_its_holder_and_refused_to_others(app):
    assert _hold(app, "a") is True
    with session_scope(app) as session:
        first = session.get(Lease, "job")
        acquired, expires = first.acquired_at, first.expires_at
    assert _hold(app, "b") is False
    assert _hold(app, "a") is True
    with session_scope(app) as session:
        renewed = session.get(Lease, "job")
        assert renewed.holder == "a"
        assert renewed.acquired_at == acquired  # the same tenure, extended
        assert renewed.expires_at > expires


def test_an_expired_lease_goes_to_the_next_taker(app):
    assert _hold(app, "a", seconds=30) is True
    with session_scope(app) as session:
        past = db_now(session) - timedelta(seconds=1)
        session.execute(update(Lease).values(expires_at=past))
    assert _hold(app, "b") is True
    assert _hold(app, "a") is False


def test_a_released_lease_is_free_at_once_and_only_its_holder_can_release(app):
    assert _hold(app, "a") is True
    with session_scope(app) as session:
        release_lease(session, name="job", holder="b")  # not b's to give back
    assert _hold(app, "b") is False
    with session_scope(app) as session:
        release_lease(session, name="job", holder="a")
    assert _hold(app, "b") is True


def test_leases_are_independent_by_name(app):
    assert _hold(app, "a", name="one") is True
    assert _hold(app, "b", name="two") is True


@pytest.mark.postgres
@pytest.mark.parametrize("state", ["never_held", "expired"])
def test_racing_takers_one_wins(app, state):
    """Eight processes' worth of takers at once, on a new or a lapsed lease: one wins."""
    if state == "expired":
        assert _hold(app, "old") is True
        with session_scope(app) as session:
            past = db_now(session) - timedelta(seconds=1)
            session.execute(update(Lease).values(expires_at=past))
    for round_ in range(5):
        name = f"race-{round_}" if state == "never_held" else "job"
        if state == "expired" and round_:
            with session_scope(app) as session:
                past = db_now(session) - timedelta(seconds=1)
                session.execute(update(Lease).values(expires_at=past))
        barrier = threading.Barrier(8)
        results: list[bool] = []

        def take(index: int, barrier=barrier, results=results, name=name) -> None:
            barrier.wait()
            results.append(_hold(app, f"taker-{index}", name=name))

        threads = [threading.Thread(target=take, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False] * 7 + [True], (state, round_)
