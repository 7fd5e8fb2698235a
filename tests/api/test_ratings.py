"""Ratings both ways after a completed pickup, and the averages they feed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.db import session_scope
from api.ratings.service import average_rating, rating_count
from tests.api.money_helpers import paid_pickup


def _rate(client, booking_id, headers, **body):
    return client.post(f"/api/bookings/{booking_id}/ratings", json=body, headers=headers)


def test_both_sides_rate_each_other_once(city, client, login):
    """The resident rates the collector and the collector the resident; a second try is 409."""
    pickup = paid_pickup(client, login)
    by_resident = _rate(client, pickup.booking_id, pickup.resident, stars=5, comment="on time")
    by_collector = _rate(client, pickup.booking_id, pickup.collector, stars=4)
    assert by_resident.status_code == by_collector.status_code == 201
    assert by_resident.get_json()["stars"] == 5
    again = _rate(client, pickup.booking_id, pickup.resident, stars=1)
    assert again.status_code == 409 and again.get_json()["code"] == "already_rated"
    mine = client.get(f"/api/bookings/{pickup.booking_id}/ratings", headers=pickup.resident)
    assert [r["stars"] for r in mine.get_json()] == [5]
    with session_scope(city) as session:
        assert average_rating(session, user_id=pickup.collector_user_id) == Decimal("5.00")
        assert average_rating(session, user_id=pickup.resident_user_id) == Decimal("4.00")


def test_average_is_rounded_half_up_and_none_before_any(city, client, login):
    """5, 4 and 4 stars average 4.33; someone never rated has no average and a count of 0."""
    stars = (5, 4, 4)
    pickups = [paid_pickup(client, login, resident_phone=f"+86138111130{i:02d}") for i in range(3)]
    for pickup, star in zip(pickups, stars, strict=True):
        assert _rate(client, pickup.booking_id, pickup.resident, stars=star).status_code == 201
    with session_scope(city) as session:
        collector = pickups[0].collector_user_id
        assert average_rating(session, user_id=collector) == Decimal("4.33")
        assert rating_count(session, user_id=collector) == 3
        assert average_rating(session, user_id=pickups[0].resident_user_id) is None


def test_only_completed_pickups_by_their_parties(city, client, login):
    """Before completion is a 409; a stranger or another collector gets a 404."""
    pending = paid_pickup(client, login, status="pending_acceptance")
    assert _rate(client, pending.booking_id, pending.resident, stars=3).status_code == 409
    done = paid_pickup(client, login)
    stranger = login("+8613811113999")
    assert _rate(client, done.booking_id, stranger, stars=3).status_code == 404
    other = paid_pickup(client, login, collector_phone="+8613711113999")
    assert _rate(client, done.booking_id, other.collector, stars=3).status_code == 404
    assert _rate(client, 987654, done.resident, stars=3).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stars": 0}, "stars"),
        ({"stars": 6}, "stars"),
        ({"stars": "5"}, "stars"),
        ({"stars": 4.5}, "stars"),
        ({}, "stars"),
        ({"stars": 5, "comment": "x" * 301}, "comment"),
        ({"stars": 5, "ratee_user_id": 1}, "ratee_user_id"),
    ],
)
def test_bad_rating_input_names_the_field(city, client, login, body, field):
    """Stars outside 1-5, wrong types, long comments and system fields are 422s."""
    pickup = paid_pickup(client, login)
    response = _rate(client, pickup.booking_id, pickup.resident, **body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
