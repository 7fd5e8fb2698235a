"""Jobs from the collector's phone: the feed, who sees the door, claims, release, no-shows."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import update

from api.collectors.models import Collector, CollectorSkill
from api.db import session_scope, utcnow
from api.jobs.tasks import mark_no_shows
from api.slots.models import Slot
from api.timeutil import local_today
from tests.api.collector_helpers import (
    admin_headers,
    book_job,
    claimed_job,
    enrol_approved_collector,
    set_shift,
    staff_headers,
    station_user,
)
from tests.api.helpers import HOME

ALICE = "+8613811130001"
WANG = "+8613711130001"
ZHAO = "+8613711130002"
FRIDGE = [{"material": "fridge", "grade": "working", "quantity": 1}]


def _feed(client, headers) -> list[dict]:
    response = client.get("/api/jobs/feed", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _move_slot(app, slot_id: int, *, starts_in: timedelta) -> None:
    """Shift a slot (2 h long, cut-off 2 h before) so it starts ``starts_in`` from now."""
    starts_at = utcnow() + starts_in
    with session_scope(app) as session:
        session.execute(
            update(Slot)
            .where(Slot.slot_id == slot_id)
            .values(
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                cutoff_at=starts_at - timedelta(hours=2),
            )
        )


def test_feed_shows_the_neighbourhood_never_the_door(city, client, login):
    """The feed has zone, ~1 km cell, distance (100 m steps), items, value; no address/phone."""
    resident = login(ALICE)
    booking = book_job(client, resident)
    headers, _ = enrol_approved_collector(client, login, WANG)
    feed = _feed(client, headers)
    assert [e["booking_id"] for e in feed] == [booking["booking_id"]]
    entry = feed[0]
    assert entry["zone"] == "xuhui-s" and entry["cell"]
    assert entry["distance_m"] % 100 == 0 and 0 < entry["distance_m"] < 3000
    assert entry["estimated_value_cents"] == 3000 * 220 // 1000 + 5000 * 140 // 1000
    assert {i["material"] for i in entry["items"]} == {"pet", "cardboard"}
    text = client.get("/api/jobs/feed", headers=headers).get_data(as_text=True)
    for secret in (HOME["text"], ALICE, str(HOME["latitude"]), str(HOME["longitude"])):
        assert secret not in text


def test_only_the_holder_sees_the_door_and_the_phone(city, client, login):
    """Before the claim and for anyone else the job is a 404; the holder gets address and phone."""
    resident = login(ALICE)
    booking = book_job(client, resident)
    path = f"/api/jobs/{booking['booking_id']}"
    wang, _ = enrol_approved_collector(client, login, WANG)
    zhao, _ = enrol_approved_collector(client, login, ZHAO)
    assert client.get(path, headers=wang).status_code == 404
    claim = client.post(f"{path}/claim", headers=wang)
    assert claim.status_code == 200
    job = client.get(path, headers=wang).get_json()
    assert job["address"]["text"] == HOME["text"] and job["resident_phone"] == ALICE
    assert job["status"] == "assigned"
    assert client.get(path, headers=zhao).status_code == 404
    assert (
        client.post(f"{path}/departure", json={"eta_minutes": 5}, headers=zhao).status_code == 404
    )
    assert _feed(client, zhao) == []
    assert [j["booking_id"] for j in client.get("/api/jobs", headers=wang).get_json()] == [
        booking["booking_id"]
    ]
    assert client.get("/api/jobs", headers=zhao).get_json() == []


def test_residents_and_unapproved_or_suspended_collectors_cannot_work(city, client, login):
    """A resident gets 403 on claims and weighing; applied or suspended collectors get 403
    on claims and an empty feed."""
    resident = login(ALICE)
    booking = book_job(client, resident)
    path = f"/api/jobs/{booking['booking_id']}"
    assert client.post(f"{path}/claim", headers=resident).status_code == 403
    assert client.post(f"{path}/weighing", json={"lines": []}, headers=resident).status_code == 403
    applied = login(ZHAO, role="collector")
    assert client.post(f"{path}/claim", headers=applied).status_code == 403
    assert _feed(client, applied) == []
    wang, collector_id = enrol_approved_collector(client, login, WANG)
    assert [e["booking_id"] for e in _feed(client, wang)] == [booking["booking_id"]]
    suspended = client.post(
        f"/api/collectors/{collector_id}/decisions",
        json={"decision": "suspend", "reason": "complaints under review"},
        headers=admin_headers(client),
    )
    assert suspended.status_code == 201
    response = client.post(f"{path}/claim", headers=wang)
    assert response.status_code == 403 and response.get_json()["code"] == "not_approved"
    assert _feed(client, wang) == []


def test_an_expired_certificate_hides_appliance_jobs(city, client, login):
    """With a valid appliance certificate the fridge job shows; once expired it is hidden (404)."""
    resident = login(ALICE)
    fridge = book_job(client, resident, items=FRIDGE)
    paper = book_job(client, resident)
    future = (local_today() + timedelta(days=60)).isoformat()
    skill = {"skill": "appliance", "certificate_ref": "uploads/cert.jpg", "expires_on": future}
    wang, collector_id = enrol_approved_collector(client, login, WANG, skills=[skill])
    zhao, _ = enrol_approved_collector(client, login, ZHAO)
    ids = {fridge["booking_id"], paper["booking_id"]}
    assert {e["booking_id"] for e in _feed(client, wang)} == ids
    assert {e["booking_id"] for e in _feed(client, zhao)} == {paper["booking_id"]}
    with session_scope(city) as session:
        session.execute(
            update(CollectorSkill)
            .where(CollectorSkill.collector_id == collector_id)
            .values(expires_on=local_today() - timedelta(days=1))
        )
    assert {e["booking_id"] for e in _feed(client, wang)} == {paper["booking_id"]}
    claim = client.post(f"/api/jobs/{fridge['booking_id']}/claim", headers=wang)
    assert claim.status_code == 404


def test_a_material_that_comes_to_need_a_skill_hides_its_open_jobs(city, client, login):
    """The catalogue changes under booked jobs: once a material needs a skill, collectors
    without it no longer see those jobs nor may claim them; when it needs none, they do."""
    resident = login(ALICE)
    job = book_job(client, resident)
    material = job["items"][0]["material"]
    future = (local_today() + timedelta(days=60)).isoformat()
    skill = {"skill": "appliance", "certificate_ref": "uploads/cert.jpg", "expires_on": future}
    skilled, _ = enrol_approved_collector(client, login, WANG, skills=[skill])
    unskilled, _ = enrol_approved_collector(client, login, ZHAO)
    admin = admin_headers(client)

    def require(required_skill: str | None) -> None:
        path = f"/api/materials/{material}"
        etag = client.get(path, headers=admin).headers["ETag"]
        changed = client.patch(
            path, json={"required_skill": required_skill}, headers={**admin, "If-Match": etag}
        )
        assert changed.status_code == 200, changed.get_json()

    def seen_by(headers) -> bool:
        return job["booking_id"] in {e["booking_id"] for e in _feed(client, headers)}

    assert seen_by(unskilled) and seen_by(skilled)
    require("appliance")
    assert not seen_by(unskilled) and seen_by(skilled)
    claim = client.post(f"/api/jobs/{job['booking_id']}/claim", headers=unskilled)
    assert claim.status_code == 404
    require(None)
    assert seen_by(unskilled) and seen_by(skilled)


def test_claims_outside_zone_or_shift_are_refused(city, client, login):
    """Another zone's job is a 404; a job outside every shift is a 409 not_on_shift."""
    resident = login(ALICE)
    booking = book_job(client, resident)
    far, _ = enrol_approved_collector(client, login, WANG, zones=["jingan-e"])
    assert client.post(f"/api/jobs/{booking['booking_id']}/claim", headers=far).status_code == 404
    off, _ = enrol_approved_collector(client, login, ZHAO, shift_days=())
    set_shift(client, off, days_ahead=1, start="14:00", end="18:00")
    assert _feed(client, off) == []
    response = client.post(f"/api/jobs/{booking['booking_id']}/claim", headers=off)
    assert response.status_code == 409 and response.get_json()["code"] == "not_on_shift"


def test_claims_are_capped_by_payload_and_shift_hours(city, client, login):
    """Held grams may not exceed the payload; held jobs may not exceed 2 per shift hour."""
    resident = login(ALICE)
    light = [{"material": "aluminium", "grade": "cans", "quantity": 1000}]
    small, _ = enrol_approved_collector(client, login, WANG, payload_grams=10_000)
    first = book_job(client, resident)
    second = book_job(client, resident)
    assert client.post(f"/api/jobs/{first['booking_id']}/claim", headers=small).status_code == 200
    over = client.post(f"/api/jobs/{second['booking_id']}/claim", headers=small)
    assert over.status_code == 409 and over.get_json()["code"] == "over_payload"
    short, _ = enrol_approved_collector(client, login, ZHAO, shift_days=())
    set_shift(client, short, days_ahead=1, start="10:00", end="11:00")
    jobs = [book_job(client, resident, items=light) for _ in range(3)]
    statuses = [
        client.post(f"/api/jobs/{j['booking_id']}/claim", headers=short).status_code for j in jobs
    ]
    assert statuses == [200, 200, 409]
    again = client.post(f"/api/jobs/{jobs[2]['booking_id']}/claim", headers=short)
    assert again.get_json()["code"] == "too_many_jobs"


def test_a_taken_job_is_409_for_the_next_collector(city, client, login):
    """The second claim of the same job loses with 409 already_claimed and changes nothing."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    zhao, _ = enrol_approved_collector(client, login, ZHAO)
    response = client.post(f"/api/jobs/{job.booking_id}/claim", headers=zhao)
    assert response.status_code == 409 and response.get_json()["code"] == "already_claimed"
    assert client.get(f"/api/jobs/{job.booking_id}", headers=job.collector).status_code == 200


def test_release_before_cutoff_returns_the_job_after_it_is_409(city, client, login):
    """Releasing early puts the job back in the feed with an event; after the cut-off it is 409."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    path = f"/api/jobs/{job.booking_id}/release"
    assert client.post(path, headers=job.collector).status_code == 200
    assert [e["booking_id"] for e in _feed(client, job.collector)] == [job.booking_id]
    events = client.get(f"/api/bookings/{job.booking_id}/events", headers=job.resident).get_json()
    assert [e["kind"] for e in events][-2:] == ["assigned", "released"]
    assert (
        client.post(f"/api/jobs/{job.booking_id}/claim", headers=job.collector).status_code == 200
    )
    _move_slot(city, job.booking["slot"]["slot_id"], starts_in=timedelta(minutes=30))
    late = client.post(path, headers=job.collector)
    assert late.status_code == 409 and late.get_json()["code"] == "past_cutoff"


def test_no_show_during_the_slot_returns_the_job_to_the_pool(city, client, login):
    """An admin's no-show while the slot runs: scheduled again, collector's count +1, events."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    response = client.post(f"/api/jobs/{job.booking_id}/no-show", headers=admin_headers(client))
    assert response.status_code == 200 and response.get_json()["status"] == "scheduled"
    me = client.get("/api/collectors/me", headers=job.collector).get_json()
    assert me["no_show_count"] == 1
    kinds = [e["kind"] for e in client.get("/api/collectors/me/events", headers=job.collector).json]
    assert kinds[-1] == "no_show"
    again = client.post(f"/api/jobs/{job.booking_id}/no-show", headers=admin_headers(client))
    assert again.status_code == 409
    assert (
        client.post(f"/api/jobs/{job.booking_id}/no-show", headers=job.collector).status_code == 403
    )


def test_no_show_task_closes_jobs_after_the_slot_and_grace(city, client, login):
    """jobs.mark_no_shows marks held, unstarted jobs past slot end + 30 min as no_show, once."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    later = claimed_job(
        client,
        login,
        resident=job.resident,
        collector=(job.collector, job.collector_id),
        slot_index=3,
    )
    _move_slot(city, job.booking["slot"]["slot_id"], starts_in=-timedelta(hours=3))
    assert mark_no_shows.delay().get() == 1
    assert mark_no_shows.delay().get() == 0
    booking = client.get(f"/api/bookings/{job.booking_id}", headers=job.resident).get_json()
    assert booking["status"] == "no_show"
    other = client.get(f"/api/bookings/{later.booking_id}", headers=job.resident).get_json()
    assert other["status"] == "assigned"
    with session_scope(city) as session:
        assert session.get(Collector, job.collector_id).no_show_count == 1


def test_station_staff_mark_no_shows_only_in_their_zone(city, client, login):
    """Staff of a station in another zone get 404; staff of the job's zone may mark it."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    path = f"/api/jobs/{job.booking_id}/no-show"
    elsewhere = station_user(client, "+8613900009911", "st-jingan-e-1")
    assert client.post(path, headers=elsewhere).status_code == 404
    unattached = staff_headers(client, "+8613900009912", "station")
    assert client.post(path, headers=unattached).status_code == 404
    local = station_user(client, "+8613900009913", "st-xuhui-s-2")
    assert client.post(path, headers=local).status_code == 200


def test_departure_and_arrival_are_checked_and_on_the_timeline(city, client, login):
    """Arrival far from the address is a 422 naming latitude/longitude; steps leave events."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    path = f"/api/jobs/{job.booking_id}"
    bad_eta = client.post(f"{path}/departure", json={"eta_minutes": 0}, headers=job.collector)
    assert bad_eta.status_code == 422 and "eta_minutes" in bad_eta.get_json()["errors"]
    departed = client.post(f"{path}/departure", json={"eta_minutes": 15}, headers=job.collector)
    assert departed.status_code == 200 and departed.get_json()["status"] == "en_route"
    far = {"latitude": HOME["latitude"] + 0.01, "longitude": HOME["longitude"]}
    response = client.post(f"{path}/arrival", json=far, headers=job.collector)
    assert response.status_code == 422
    assert {"latitude", "longitude"} <= set(response.get_json()["errors"])
    near = {"latitude": HOME["latitude"] + 0.001, "longitude": HOME["longitude"]}
    arrived = client.post(f"{path}/arrival", json=near, headers=job.collector)
    assert arrived.status_code == 200 and arrived.get_json()["status"] == "arrived"
    again = client.post(f"{path}/departure", json={"eta_minutes": 5}, headers=job.collector)
    assert again.status_code == 409
    events = client.get(f"/api/bookings/{job.booking_id}/events", headers=job.resident).get_json()
    assert [e["kind"] for e in events] == [
        "created",
        "scheduled",
        "assigned",
        "en_route",
        "arrived",
    ]
    assert events[3]["data"] == {"eta_minutes": 15}
    assert "latitude" not in events[4]["data"]


def test_a_resident_rescheduling_unassigns_the_collector(city, client, login):
    """After the resident moves the booking the former holder no longer sees the door (404)."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    slots = client.get(
        f"/api/slots?zone=xuhui-s&date={(local_today() + timedelta(days=1)).isoformat()}",
        headers=job.resident,
    ).get_json()
    moved = client.post(
        f"/api/bookings/{job.booking_id}/rescheduling",
        json={"slot_id": slots[2]["slot_id"]},
        headers=job.resident,
    )
    assert moved.status_code == 200
    assert client.get(f"/api/jobs/{job.booking_id}", headers=job.collector).status_code == 404
    assert [e["booking_id"] for e in _feed(client, job.collector)] == [job.booking_id]


def test_feed_pages_follow_the_full_order_and_count_every_open_job(city, client, login):
    """Page by page the feed is the whole feed in the same order; the total counts them all."""
    resident = login(ALICE)
    booked = {book_job(client, resident, slot_index=i)["booking_id"] for i in (0, 1, 2)}
    wang, _ = enrol_approved_collector(client, login, WANG)
    whole = [e["booking_id"] for e in _feed(client, wang)]
    assert set(whole) == booked
    first = client.get("/api/jobs/feed?page=1&page_size=2", headers=wang)
    second = client.get("/api/jobs/feed?page=2&page_size=2", headers=wang)
    assert [e["booking_id"] for e in first.get_json() + second.get_json()] == whole
    assert json.loads(first.headers["X-Pagination"])["total"] == 3
