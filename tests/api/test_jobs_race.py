"""Claims under concurrency (PostgreSQL): fifty collectors press "claim" on one job at once.

The claim is one conditional UPDATE (status scheduled, no collector), so exactly one wins in
every round. The second test swaps in a deliberately naive read-then-write claim to show that
the same race does break it: that is what the first test would catch.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from api.bookings.models import Booking
from api.collectors.service import require_approved
from api.db import session_scope
from api.events.models import Event
from api.jobs import claims, service
from tests.api.collector_helpers import book_job, enrol_approved_collector

COLLECTORS = 50
ROUNDS = 10
RESIDENT = "+8613811160001"


@pytest.fixture
def app_config(app_config):
    """Fifty sign-ins and hundreds of claims from one test address: no rate limits here."""
    return {**app_config, "RATELIMIT_ENABLED": False}


def _collectors(client, login) -> list[dict]:
    return [
        enrol_approved_collector(client, login, f"+86137116{index:05d}", shift_days=(1,))[0]
        for index in range(COLLECTORS)
    ]


def _race(app, booking_id: int, everyone: list[dict]) -> list[int]:
    """Every collector claims ``booking_id`` at once (threads released by a barrier)."""
    barrier = threading.Barrier(len(everyone))
    statuses: list[int] = []

    def attempt(headers):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(f"/api/jobs/{booking_id}/claim", headers=headers).status_code)

    threads = [threading.Thread(target=attempt, args=(headers,)) for headers in everyone]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def naive_claim(session, *, user_id, booking_id, policy):
    """DELIBERATELY WRONG: read the booking, think, then write - two can both see it free."""
    collector = require_approved(session, user_id=user_id)
    booking = session.get(Booking, booking_id)
    if booking.status != "scheduled" or booking.collector_id is not None:
        raise service.ConflictError("another collector took this job", code="already_claimed")
    time.sleep(0.05)  # widen the window between the read and the write
    booking.collector_id = collector.collector_id
    booking.status = "assigned"
    session.flush()
    return service.get_job(session, user_id=user_id, booking_id=booking_id)


@pytest.mark.postgres
def test_fifty_concurrent_claims_have_exactly_one_winner(city, client, login):
    """In each of 10 rounds 50 simultaneous claims give one 200 and 49 409s, one assignment."""
    everyone = _collectors(client, login)
    resident = login(RESIDENT)
    for _round in range(ROUNDS):
        booking_id = book_job(client, resident)["booking_id"]
        statuses = _race(city, booking_id, everyone)
        assert sorted(statuses) == [200] + [409] * (COLLECTORS - 1)
        with session_scope(city) as session:
            assert session.get(Booking, booking_id).status == "assigned"
            assigned = session.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.entity_id == booking_id, Event.kind == "assigned")
            )
            assert assigned == 1


@pytest.mark.postgres
def test_demonstration_a_naive_read_then_write_claim_loses_the_race(
    city, client, login, monkeypatch
):
    """DEMONSTRATION: with read-then-write claims some round has more than one 200."""
    monkeypatch.setattr(claims, "claim_job", naive_claim)
    everyone = _collectors(client, login)
    resident = login(RESIDENT)
    winners = []
    for _round in range(5):
        booking_id = book_job(client, resident)["booking_id"]
        winners.append(_race(city, booking_id, everyone).count(200))
        if winners[-1] > 1:
            break
    assert max(winners) > 1, winners
