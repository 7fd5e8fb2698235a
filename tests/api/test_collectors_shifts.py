"""Shifts and location pings: availability per local day, pings only on shift, purged later."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from api.collectors.models import LocationPing
from api.collectors.tasks import purge_old_pings
from api.db import session_scope, utcnow
from api.timeutil import local_today
from tests.api.collector_helpers import claimed_job, enrol_approved_collector, set_shift

WANG = "+8613711120001"
HERE = {"latitude": 31.2, "longitude": 121.44, "accuracy_m": 15}


def _day(days_ahead: int) -> str:
    return (local_today() + timedelta(days=days_ahead)).isoformat()


def test_shift_is_set_per_local_day_and_listed(city, client, login):
    """PUT creates then replaces the day's shift; GET lists them in local HH:MM."""
    headers, _ = enrol_approved_collector(client, login, WANG, shift_days=())
    set_shift(client, headers, days_ahead=2, start="09:00", end="17:30")
    replaced = set_shift(client, headers, days_ahead=2, start="07:15", end="12:00")
    assert (replaced["start"], replaced["end"]) == ("07:15", "12:00")
    assert replaced["starts_at"].startswith(f"{_day(2)}T07:15")
    listed = client.get("/api/collectors/me/shifts", headers=headers).get_json()
    assert [(s["shift_date"], s["start"]) for s in listed] == [(_day(2), "07:15")]


def test_bad_shifts_name_the_field(city, client, login):
    """End before start, malformed times, bad or far dates are 422s naming the field."""
    headers, _ = enrol_approved_collector(client, login, WANG, shift_days=())
    cases = [
        (_day(1), {"start": "12:00", "end": "09:00"}, "end"),
        (_day(1), {"start": "9am", "end": "17:00"}, "start"),
        (_day(1), {"start": "09:00", "end": "24:30"}, "end"),
        (_day(30), {"start": "09:00", "end": "17:00"}, "shift_date"),
        (_day(-1), {"start": "09:00", "end": "17:00"}, "shift_date"),
        ("tomorrow", {"start": "09:00", "end": "17:00"}, "shift_date"),
        (_day(1), {"start": "09:00", "end": "17:00", "collector_id": 1}, "collector_id"),
    ]
    for day, body, field in cases:
        response = client.put(f"/api/collectors/me/shifts/{day}", json=body, headers=headers)
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())


def test_unapproved_collectors_cannot_set_shifts(city, client, login):
    """Only approved collectors declare availability (403 otherwise)."""
    headers = login(WANG, role="collector")
    response = client.put(
        f"/api/collectors/me/shifts/{_day(1)}",
        json={"start": "09:00", "end": "17:00"},
        headers=headers,
    )
    assert response.status_code == 403


def test_a_shift_cannot_shrink_away_from_a_held_job(city, client, login):
    """Holding tomorrow's 10:00-12:00 job, a shift of 14:00-18:00 tomorrow is a 409."""
    job = claimed_job(client, login, collector_phone=WANG)
    response = client.put(
        f"/api/collectors/me/shifts/{_day(1)}",
        json={"start": "14:00", "end": "18:00"},
        headers=job.collector,
    )
    assert response.status_code == 409
    assert response.get_json()["code"] == "jobs_outside_shift"


def test_pings_only_while_on_shift(city, client, login):
    """Off shift a ping is a 409; on shift it is stored; a future timestamp is a 422."""
    headers, _ = enrol_approved_collector(client, login, WANG, shift_days=())
    off = client.post("/api/collectors/me/pings", json=HERE, headers=headers)
    assert off.status_code == 409 and off.get_json()["code"] == "not_on_shift"
    set_shift(client, headers, days_ahead=0, start="00:00", end="23:59")
    assert client.post("/api/collectors/me/pings", json=HERE, headers=headers).status_code == 201
    future = (utcnow() + timedelta(hours=1)).isoformat()
    late = client.post(
        "/api/collectors/me/pings", json=dict(HERE, recorded_at=future), headers=headers
    )
    assert late.status_code == 422 and "recorded_at" in late.get_json()["errors"]
    bad = client.post("/api/collectors/me/pings", json=dict(HERE, latitude=123), headers=headers)
    assert bad.status_code == 422 and "latitude" in bad.get_json()["errors"]


def test_pings_are_rate_limited_per_collector(city, client, login):
    """The 13th ping within a minute is a 429; another collector is not affected."""
    headers, _ = enrol_approved_collector(client, login, WANG, shift_days=())
    set_shift(client, headers, days_ahead=0, start="00:00", end="23:59")
    statuses = [
        client.post("/api/collectors/me/pings", json=HERE, headers=headers).status_code
        for _ in range(13)
    ]
    assert statuses == [201] * 12 + [429]
    other, _ = enrol_approved_collector(client, login, "+8613711120002", shift_days=())
    set_shift(client, other, days_ahead=0, start="00:00", end="23:59")
    assert client.post("/api/collectors/me/pings", json=HERE, headers=other).status_code == 201


def test_purge_task_deletes_only_pings_past_retention(city, client, login):
    """collectors.purge_pings removes pings older than PING_RETENTION_DAYS (14) and no others."""
    _headers, collector_id = enrol_approved_collector(client, login, WANG, shift_days=())
    now = utcnow()
    with session_scope(city) as session:
        for age in (timedelta(days=20), timedelta(days=15), timedelta(days=2), timedelta(0)):
            session.add(
                LocationPing(
                    collector_id=collector_id, recorded_at=now - age, latitude=31.2, longitude=121.4
                )
            )
    assert purge_old_pings.delay().get() == 2
    assert purge_old_pings.delay().get() == 0
    with session_scope(city) as session:
        assert session.scalar(select(func.count()).select_from(LocationPing)) == 2


def test_a_shift_put_under_a_stale_if_match_is_412(city, client, login):
    """Two phones change one day's shift: the one holding the old ETag gets 412."""
    headers, _ = enrol_approved_collector(client, login, WANG, shift_days=())
    path = f"/api/collectors/me/shifts/{_day(2)}"
    never_set = client.put(
        path, json={"start": "08:00", "end": "12:00"}, headers={**headers, "If-Match": '"1"'}
    )
    assert never_set.status_code == 412
    created = client.put(path, json={"start": "08:00", "end": "12:00"}, headers=headers)
    assert created.status_code == 200
    etag = created.headers["ETag"]
    moved = client.put(
        path, json={"start": "09:00", "end": "13:00"}, headers={**headers, "If-Match": etag}
    )
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    stale = client.put(
        path, json={"start": "06:00", "end": "10:00"}, headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412
    listed = client.get("/api/collectors/me/shifts", headers=headers).get_json()
    assert [(s["start"], s["end"]) for s in listed] == [("09:00", "13:00")]
