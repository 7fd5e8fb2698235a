"""Manifests at each hand-over: parties, hash-bound confirmations, corrections, history."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from api.custody.models import Manifest
from api.db import session_scope
from tests.api.collector_helpers import admin_headers, staff_headers
from tests.custody.helpers import (
    STATION_PHONE,
    approved_plant,
    completed_pickup,
    deliver,
    hand_over_lot,
    make_lot,
    receive_lot,
    regulator,
)


def _get(client, manifest_id, headers):
    response = client.get(f"/api/manifests/{manifest_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _confirm(client, manifest_id, headers, content_hash):
    return client.post(
        f"/api/manifests/{manifest_id}/confirmations",
        json={"content_hash": content_hash},
        headers=headers,
    )


def test_every_hand_over_has_a_manifest_with_both_weights(city, client, login):
    """Door, station, lot and plant gate each leave a manifest naming tags and both weights."""
    pickup = completed_pickup(client, login)
    door = _get(client, pickup.manifest_id, pickup.job.collector)
    assert door["kind"] == "pickup"
    assert door["sender"]["role"] == "resident" and door["sender"]["ref"].startswith("R-")
    assert door["receiver"] == {"role": "collector", "ref": f"C-{pickup.job.collector_id}"}
    assert door["place"]["kind"] == "cell" and door["zone"] == "xuhui-s"
    assert sorted(c for line in door["lines"] for c in line["tag_codes"]) == sorted(
        pickup.job.tag_codes
    )
    station, dropoff_id = deliver(client, pickup, net_grams={"cardboard": 4700})
    dropoff = _get(client, dropoff_id, station)
    cardboard = next(line for line in dropoff["lines"] if line["material"] == "cardboard")
    assert (cardboard["sender_grams"], cardboard["receiver_grams"]) == (5000, 4700)
    plant, plant_id = approved_plant(client)
    lot_id = make_lot(client, material="cardboard", plant_id=plant_id)
    handover = _get(client, hand_over_lot(client, lot_id, plant_id), plant)
    assert handover["receiver"] == {"role": "plant", "ref": f"P-{plant_id}"}
    assert handover["lines"][0]["sender_grams"] == 4700
    receipt = _get(client, receive_lot(client, lot_id, 4600), plant)
    assert receipt["kind"] == "plant_receipt"
    assert (receipt["lines"][0]["sender_grams"], receipt["lines"][0]["receiver_grams"]) == (
        4700,
        4600,
    )


def test_hooks_are_idempotent_per_hand_over(city, client, login):
    """Calling the pickup hook again for the same weighing returns the same manifest."""
    pickup = completed_pickup(client, login)
    from api.custody.manifests import record_pickup_manifest
    from api.jobs.models import Weighing

    with session_scope(client.application) as session:
        weighing = session.get(
            Weighing, _get(client, pickup.manifest_id, admin_headers(client))["subject"]["id"]
        )
        again = record_pickup_manifest(session, weighing=weighing, actor_user_id=None)
        assert again.manifest_id == pickup.manifest_id
        assert session.scalar(select(func.count()).select_from(Manifest)) == 1


def test_both_parties_confirm_and_the_manifest_freezes(city, client, login):
    """Resident and collector confirm the hash they saw; then the manifest is confirmed."""
    pickup = completed_pickup(client, login)
    manifest = _get(client, pickup.manifest_id, pickup.job.resident)
    first = _confirm(client, pickup.manifest_id, pickup.job.resident, manifest["content_hash"])
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["status"] == "pending"
    assert [c["party"] for c in first.get_json()["confirmations"]] == ["sender"]
    second = _confirm(client, pickup.manifest_id, pickup.job.collector, manifest["content_hash"])
    assert second.status_code == 201
    body = second.get_json()
    assert body["status"] == "confirmed" and body["confirmed_at"] is not None
    assert body["content_hash"] == manifest["content_hash"]
    again = _confirm(client, pickup.manifest_id, pickup.job.collector, manifest["content_hash"])
    assert again.status_code == 201 and len(again.get_json()["confirmations"]) == 2


def test_a_stale_or_wrong_hash_is_409_and_a_bad_one_422(city, client, login):
    """A confirmation bound to other content is refused; malformed hashes name the field."""
    pickup = completed_pickup(client, login)
    resident = pickup.job.resident
    wrong = _confirm(client, pickup.manifest_id, resident, "0" * 64)
    assert wrong.status_code == 409 and wrong.get_json()["code"] == "stale_content_hash"
    for body in ({"content_hash": "xyz"}, {}, {"content_hash": "a" * 64, "status": "confirmed"}):
        response = client.post(
            f"/api/manifests/{pickup.manifest_id}/confirmations", json=body, headers=resident
        )
        assert response.status_code == 422, body
    assert _get(client, pickup.manifest_id, resident)["confirmations"] == []


def test_strangers_get_404_and_overseers_cannot_confirm(city, client, login):
    """Another resident sees nothing; an admin reads but may not confirm for a party."""
    pickup = completed_pickup(client, login)
    stranger = login("+8613811119555")
    path = f"/api/manifests/{pickup.manifest_id}"
    for suffix in ("", "/history", "/verification"):
        assert client.get(path + suffix, headers=stranger).status_code == 404
    content_hash = _get(client, pickup.manifest_id, admin_headers(client))["content_hash"]
    assert _confirm(client, pickup.manifest_id, stranger, content_hash).status_code == 404
    station = staff_headers(client, STATION_PHONE, "station")
    assert _confirm(client, pickup.manifest_id, station, content_hash).status_code == 404
    assert client.get("/api/manifests", headers=stranger).get_json() == []
    mine = client.get("/api/manifests", headers=pickup.job.resident).get_json()
    assert [m["manifest_id"] for m in mine] == [pickup.manifest_id]


def test_a_correction_voids_and_replaces_and_history_keeps_both(city, client, login):
    """A correction writes version 2; version 1 stays readable, void, linked both ways."""
    pickup = completed_pickup(client, login)
    old = _get(client, pickup.manifest_id, pickup.job.collector)
    lines = [
        {
            "material": line["material"],
            "grade": line["grade"],
            "tag_codes": line["tag_codes"],
            "sender_grams": line["sender_grams"] - 100,
            "receiver_grams": line["receiver_grams"] - 100,
        }
        for line in old["lines"]
    ]
    response = client.post(
        f"/api/manifests/{pickup.manifest_id}/corrections",
        json={"reason": "the scale was not zeroed", "changes": {"lines": lines}},
        headers=pickup.job.collector,
    )
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert new["version"] == 2 and new["replaces_manifest_id"] == pickup.manifest_id
    assert new["correction_reason"] == "the scale was not zeroed"
    assert new["content_hash"] != old["content_hash"]
    voided = _get(client, pickup.manifest_id, pickup.job.collector)
    assert voided["status"] == "void" and voided["voided_by_manifest_id"] == new["manifest_id"]
    assert voided["lines"] == old["lines"]
    history = client.get(
        f"/api/manifests/{new['manifest_id']}/history", headers=pickup.job.resident
    ).get_json()
    assert [(m["version"], m["status"]) for m in history] == [(1, "void"), (2, "pending")]
    stale = _confirm(client, pickup.manifest_id, pickup.job.resident, old["content_hash"])
    assert stale.status_code == 409 and stale.get_json()["code"] == "manifest_superseded"


def test_a_confirmed_manifest_is_corrected_only_by_an_admin(city, client, login):
    """Once both confirmed, a party's correction is 409; an admin's writes a new version."""
    pickup = completed_pickup(client, login)
    content_hash = _get(client, pickup.manifest_id, pickup.job.resident)["content_hash"]
    _confirm(client, pickup.manifest_id, pickup.job.resident, content_hash)
    _confirm(client, pickup.manifest_id, pickup.job.collector, content_hash)
    body = {"reason": "dispute settled", "changes": {"handed_over_at": "2024-01-01T08:00:00+08:00"}}
    path = f"/api/manifests/{pickup.manifest_id}/corrections"
    party = client.post(path, json=body, headers=pickup.job.collector)
    assert party.status_code == 409 and party.get_json()["code"] == "manifest_frozen"
    admin = client.post(path, json=body, headers=admin_headers(client))
    assert admin.status_code == 201
    assert admin.get_json()["handed_over_at"].startswith("2024-01-01T08:00:00")


def test_bad_corrections_name_the_field_and_write_nothing(city, client, login):
    """Unknown materials, malformed tags, system fields and missing reasons are 422s."""
    pickup = completed_pickup(client, login)
    path = f"/api/manifests/{pickup.manifest_id}/corrections"
    line = {"material": "pet", "grade": "clear", "tag_codes": [pickup.job.tag_codes[0]]}
    cases = [
        (
            {"reason": "typo", "changes": {"lines": [dict(line, material="gold")]}},
            "changes.lines.0.material",
        ),
        (
            {"reason": "typo", "changes": {"lines": [dict(line, tag_codes=["RC000000000019"])]}},
            "changes.lines.0.tag_codes.0",
        ),
        (
            {"reason": "typo", "changes": {"lines": [dict(line, sender_grams=-5)]}},
            "changes.lines.0.sender_grams",
        ),
        ({"reason": "typo", "changes": {"status": "confirmed"}}, "changes.status"),
        (
            {"reason": "typo", "changes": {"handed_over_at": "2999-01-01T00:00:00Z"}},
            "changes.handed_over_at",
        ),
        ({"reason": "typo", "changes": {}, "version": 7}, "version"),
        ({"changes": {"lines": [line]}}, "reason"),
    ]
    for body, field in cases:
        response = client.post(path, json=body, headers=pickup.job.collector)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    with session_scope(client.application) as session:
        assert session.scalar(select(func.count()).select_from(Manifest)) == 1


def test_manifests_never_carry_the_residents_phone_or_address(city, client, login):
    """Manifest bodies, for parties and regulators, hold a pseudonym and a coarse cell only."""
    pickup = completed_pickup(client, login)
    bodies = [
        client.get(f"/api/manifests/{pickup.manifest_id}", headers=h).get_data(as_text=True)
        for h in (pickup.job.collector, regulator(client))
    ]
    for text in bodies:
        assert "+86138111" not in text and "13811119001" not in text
        assert "Lane 12" not in text and "31.205" not in text and "121.445" not in text


def _record_current_pickup(app, booking_id):
    from api.custody.manifests import record_pickup_manifest
    from api.jobs.models import Weighing

    with session_scope(app) as session:
        weighing = session.scalar(
            select(Weighing)
            .where(Weighing.booking_id == booking_id)
            .order_by(Weighing.weighing_id.desc())
        )
        manifest = record_pickup_manifest(session, weighing=weighing, actor_user_id=None)
        return manifest.manifest_id, manifest.version, manifest.replaces_manifest_id


def test_a_new_weighing_replaces_the_pickup_manifest(city, client, login):
    """Re-weighing at the door voids the first pickup manifest by a correction (version 2)."""
    from tests.api.collector_helpers import arrive, claimed_job, weigh

    job = claimed_job(client, login)
    arrive(client, job)
    weigh(client, job)
    first_id, version, _ = _record_current_pickup(client.application, job.booking_id)
    assert version == 1
    weigh(
        client,
        job,
        lines=(
            {"material": "pet", "grade": "clear", "gross_grams": 3100},
            {"material": "cardboard", "grade": "A", "gross_grams": 5100},
        ),
    )
    second_id, version, replaces = _record_current_pickup(client.application, job.booking_id)
    assert (version, replaces) == (2, first_id) and second_id != first_id
    history = client.get(f"/api/manifests/{second_id}/history", headers=job.resident).get_json()
    assert [m["status"] for m in history] == ["void", "pending"]
    assert history[1]["correction_reason"] == "re-weighed at the door"
    assert [line["receiver_grams"] for line in history[1]["lines"]] == [3100, 5100]


def test_a_weighing_the_resident_has_not_accepted_moves_nothing(city, client, login):
    """Far below the quote the weighing waits for the resident: no manifest yet (409)."""
    from api.errors import ConflictError
    from tests.api.collector_helpers import arrive, claimed_job, weigh

    job = claimed_job(client, login)
    arrive(client, job)
    weighing = weigh(
        client,
        job,
        lines=(
            {"material": "pet", "grade": "clear", "gross_grams": 1000},
            {"material": "cardboard", "grade": "A", "gross_grams": 1000},
        ),
    )
    assert weighing["status"] == "pending_acceptance"
    with pytest.raises(ConflictError, match="not accepted"):
        _record_current_pickup(client.application, job.booking_id)


def _race(app, calls):
    """Run the calls at once, each with its own test client; their responses in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        client = app.test_client()
        barrier.wait()
        results[index] = call(client)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
def test_both_parties_confirming_at_once_freeze_it_once(city, client, login):
    """Resident and collector confirm in the same instant: two confirmations, one freeze."""
    pickup = completed_pickup(client, login)
    content_hash = _get(client, pickup.manifest_id, pickup.job.resident)["content_hash"]
    path = f"/api/manifests/{pickup.manifest_id}/confirmations"
    body = {"content_hash": content_hash}
    responses = _race(
        client.application,
        [
            lambda c: c.post(path, json=body, headers=pickup.job.resident),
            lambda c: c.post(path, json=body, headers=pickup.job.collector),
        ],
    )
    assert [r.status_code for r in responses] == [201, 201]
    final = _get(client, pickup.manifest_id, pickup.job.resident)
    assert final["status"] == "confirmed" and len(final["confirmations"]) == 2
    verdict = client.get(
        f"/api/manifests/{pickup.manifest_id}/verification", headers=pickup.job.resident
    ).get_json()
    assert verdict["status"] == "ok"


@pytest.mark.postgres
def test_two_corrections_at_once_make_one_new_version(city, client, login):
    """Both parties correct the same version at once: one 201, one 409, a single version 2."""
    pickup = completed_pickup(client, login)
    path = f"/api/manifests/{pickup.manifest_id}/corrections"
    body = {"reason": "handed over later", "changes": {"handed_over_at": "2024-01-01T08:00:00Z"}}
    responses = _race(
        client.application,
        [
            lambda c: c.post(path, json=body, headers=pickup.job.resident),
            lambda c: c.post(path, json=body, headers=pickup.job.collector),
        ],
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    with session_scope(client.application) as session:
        assert session.scalar(select(func.count()).select_from(Manifest)) == 2
