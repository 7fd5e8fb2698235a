"""Enrolment and review decisions, as the collector's phone and the admin call them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.collectors.models import Collector, CollectorSkill
from api.collectors.pii import decrypt_national_id
from api.db import session_scope
from api.timeutil import local_today
from tests.api.collector_helpers import (
    admin_headers,
    application_body,
    claimed_job,
    enrol_approved_collector,
    national_id_for,
)

WANG = "+8613711110001"
ZHAO = "+8613711110002"
ALICE = "+8613811110001"


def _apply(client, login, phone=WANG, **overrides):
    headers = login(phone, role="collector")
    response = client.post(
        "/api/collectors", json=application_body(phone, **overrides), headers=headers
    )
    return headers, response


def _decide(client, collector_id, decision, reason=None):
    body = {"decision": decision} if reason is None else {"decision": decision, "reason": reason}
    return client.post(
        f"/api/collectors/{collector_id}/decisions", json=body, headers=admin_headers(client)
    )


def test_national_id_is_stored_encrypted_and_shown_masked(city, client, login):
    """The ID number never comes back in full; the column holds a Fernet token of it."""
    national_id = national_id_for(4242)
    headers, response = _apply(client, login, national_id=national_id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["national_id"] == "*" * 14 + national_id[-4:]
    assert body["status"] == "applied"
    me = client.get("/api/collectors/me", headers=headers)
    assert national_id not in me.get_data(as_text=True)
    with session_scope(city) as session:
        collector = session.get(Collector, body["collector_id"])
        assert national_id not in collector.national_id_encrypted
        key = city.config["PII_KEY"]
        assert decrypt_national_id(key, collector.national_id_encrypted) == national_id


def test_bad_application_names_the_field(city, client, login):
    """Every malformed or rule-breaking field is a 422 naming it, and nothing is stored."""
    headers = login(WANG, role="collector")
    good = application_body(WANG)
    wrong_check = good["national_id"][:17] + ("0" if good["national_id"][17] != "0" else "1")
    expired = (local_today() - timedelta(days=1)).isoformat()
    future = (local_today() + timedelta(days=90)).isoformat()
    skill = {"skill": "appliance", "certificate_ref": "uploads/cert.jpg", "expires_on": future}
    cases = [
        (dict(good, national_id=wrong_check), "national_id"),
        (dict(good, national_id="11010519491331002X"), "national_id"),
        (dict(good, national_id="12345"), "national_id"),
        (dict(good, vehicle_type="rocket"), "vehicle_type"),
        (dict(good, payload_grams="300000"), "payload_grams"),
        (dict(good, zones=["atlantis"]), "zones.0"),
        (dict(good, zones=["xuhui-s", "xuhui-s"]), "zones.1"),
        (dict(good, skills=[dict(skill, skill="juggling")]), "skills.0.skill"),
        (dict(good, skills=[dict(skill, expires_on=expired)]), "skills.0.expires_on"),
        (dict(good, home_latitude=39.9, home_longitude=116.4), "home_latitude"),
        (dict(good, home_latitude=91), "home_latitude"),
        (dict(good, id_photo_refs=[]), "id_photo_refs"),
        (dict(good, status="approved"), "status"),
        ({k: v for k, v in good.items() if k != "full_name"}, "full_name"),
    ]
    for body, field in cases:
        response = client.post("/api/collectors", json=body, headers=headers)
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    assert client.get("/api/collectors/me", headers=headers).status_code == 404


def test_only_collector_accounts_apply_once_per_person(city, client, login):
    """Residents get 403; a second application or a reused ID number is a 409."""
    resident = login(ALICE)
    body = application_body(WANG)
    assert client.post("/api/collectors", json=body, headers=resident).status_code == 403
    headers, first = _apply(client, login, WANG)
    assert first.status_code == 201
    again = client.post("/api/collectors", json=body, headers=headers)
    assert again.status_code == 409
    _zhao, same_id = _apply(client, login, ZHAO, national_id=body["national_id"])
    assert same_id.status_code == 409


def test_review_state_machine_and_the_collectors_timeline(city, client, login):
    """request_info -> re-apply -> approve -> suspend -> reinstate -> offboard, all as events."""
    headers, response = _apply(client, login)
    collector_id = response.get_json()["collector_id"]
    queue = client.get("/api/collectors?status=applied", headers=admin_headers(client))
    assert [c["collector_id"] for c in queue.get_json()] == [collector_id]
    missing_reason = _decide(client, collector_id, "request_info")
    assert missing_reason.status_code == 422 and "reason" in missing_reason.get_json()["errors"]
    assert _decide(client, collector_id, "request_info", "ID photo is blurred").status_code == 201
    assert client.get("/api/collectors/me", headers=headers).get_json()["status"] == "needs_info"
    patched = client.patch(
        "/api/collectors/me", json={"id_photo_refs": ["uploads/id-sharp.jpg"]}, headers=headers
    )
    assert patched.status_code == 200 and patched.get_json()["status"] == "applied"
    assert _decide(client, collector_id, "approve").status_code == 201
    assert _decide(client, collector_id, "approve").status_code == 409
    assert _decide(client, collector_id, "suspend").status_code == 422
    assert _decide(client, collector_id, "suspend", "three no-shows").status_code == 201
    assert _decide(client, collector_id, "reinstate").status_code == 201
    assert _decide(client, collector_id, "offboard", "left the platform").status_code == 201
    assert _decide(client, collector_id, "reinstate").status_code == 409
    events = client.get("/api/collectors/me/events", headers=headers).get_json()
    assert [e["kind"] for e in events] == [
        "applied",
        "request_info",
        "reapplied",
        "approve",
        "suspend",
        "reinstate",
        "offboard",
    ]
    assert events[1]["data"]["reason"] == "ID photo is blurred"


def test_only_admins_review_and_approved_applications_are_frozen(city, client, login):
    """A collector cannot list or decide; an approved application can no longer be edited."""
    headers, collector_id = enrol_approved_collector(client, login, WANG)
    assert client.get("/api/collectors?status=applied", headers=headers).status_code == 403
    forbidden = client.post(
        f"/api/collectors/{collector_id}/decisions", json={"decision": "suspend"}, headers=headers
    )
    assert forbidden.status_code == 403
    edit = client.patch("/api/collectors/me", json={"full_name": "Wang Wei"}, headers=headers)
    assert edit.status_code == 409
    bad = _decide(client, collector_id, "promote", "why not")
    assert bad.status_code == 422 and "decision" in bad.get_json()["errors"]
    assert _decide(client, 999999, "approve").status_code == 404


def test_suspension_returns_unstarted_jobs_to_the_pool(city, client, login):
    """Suspending a collector puts their assigned jobs back to scheduled for others."""
    job = claimed_job(client, login)
    assert _decide(client, job.collector_id, "suspend", "documents expired").status_code == 201
    booking = client.get(f"/api/bookings/{job.booking_id}", headers=job.resident).get_json()
    assert booking["status"] == "scheduled"
    timeline = client.get(f"/api/bookings/{job.booking_id}/events", headers=job.resident)
    assert timeline.get_json()[-1]["kind"] == "unassigned"
    assert client.get(f"/api/jobs/{job.booking_id}", headers=job.collector).status_code == 404


def test_patch_replaces_skills(city, client, login):
    """Re-applying with a new skill list replaces the old one (no duplicate-key error)."""
    future = (local_today() + timedelta(days=30)).isoformat()
    skill = {"skill": "appliance", "certificate_ref": "uploads/cert-1.jpg", "expires_on": future}
    headers, response = _apply(client, login, skills=[skill])
    assert response.status_code == 201
    other = {"skill": "e-waste", "certificate_ref": "uploads/cert-2.jpg", "expires_on": future}
    patched = client.patch(
        "/api/collectors/me",
        json={"skills": [dict(skill, certificate_ref="u/c3.jpg"), other]},
        headers=headers,
    )
    assert patched.status_code == 200, patched.get_json()
    assert sorted(s["skill"] for s in patched.get_json()["skills"]) == ["appliance", "e-waste"]
    with session_scope(city) as session:
        rows = session.scalars(select(CollectorSkill.certificate_ref)).all()
    assert sorted(rows) == ["u/c3.jpg", "uploads/cert-2.jpg"]


def test_my_application_carries_an_etag_and_a_stale_edit_is_412(city, client, login):
    """Two phones edit one application: the one holding the old ETag gets 412, nothing changes."""
    headers, _ = _apply(client, login)
    etag = client.get("/api/collectors/me", headers=headers).headers["ETag"]
    first = client.patch(
        "/api/collectors/me", json={"full_name": "Wang Wei"}, headers={**headers, "If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = client.patch(
        "/api/collectors/me", json={"full_name": "Wang Er"}, headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    assert client.get("/api/collectors/me", headers=headers).get_json()["full_name"] == "Wang Wei"


def test_a_decision_on_an_application_changed_since_it_was_read_is_412(city, client, login):
    """The admin approves what they read: after the collector's edit, the old ETag is 412."""
    headers, response = _apply(client, login)
    collector_id = response.get_json()["collector_id"]
    admin = admin_headers(client)
    read = client.get(f"/api/collectors/{collector_id}", headers=admin)
    edited = client.patch("/api/collectors/me", json={"vehicle_type": "van"}, headers=headers)
    assert edited.status_code == 200
    path = f"/api/collectors/{collector_id}/decisions"
    stale = client.post(
        path, json={"decision": "approve"}, headers={**admin, "If-Match": read.headers["ETag"]}
    )
    assert stale.status_code == 412
    assert client.get("/api/collectors/me", headers=headers).get_json()["status"] == "applied"
    fresh = client.get(f"/api/collectors/{collector_id}", headers=admin).headers["ETag"]
    approved = client.post(path, json={"decision": "approve"}, headers={**admin, "If-Match": fresh})
    assert approved.status_code == 201 and approved.headers["ETag"] != fresh


def test_a_replayed_decision_carries_the_same_etag(city, client, login):
    """A retried decision (same Idempotency-Key) replays the response with its ETag, so the
    admin's next If-Match still names the version that decision produced."""
    _headers, response = _apply(client, login)
    path = f"/api/collectors/{response.get_json()['collector_id']}/decisions"
    keyed = {**admin_headers(client), "Idempotency-Key": "decide-0001"}
    first = client.post(path, json={"decision": "approve"}, headers=keyed)
    assert first.status_code == 201 and first.headers["ETag"]
    retry = client.post(path, json={"decision": "approve"}, headers=keyed)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.status_code == 201 and retry.headers["ETag"] == first.headers["ETag"]
    assert retry.get_json() == first.get_json()
