"""Disputes through the API: the resident opens one with evidence, an admin resolves it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.db import session_scope
from api.jobs.models import Dispute
from api.ledger.models import LedgerTransaction
from tests.api.collector_helpers import admin_headers
from tests.api.helpers import book
from tests.api.money_helpers import ledger_total, paid_pickup

BODY = {"reason": "the scale read 2 kg less than at home", "evidence_refs": ["uploads/scale.jpg"]}


def _open(client, pickup, **overrides):
    body = {"booking_id": pickup.booking_id, **BODY, **overrides}
    return client.post("/api/disputes", json=body, headers=pickup.resident)


def _resolve(client, dispute_id, headers, **body):
    return client.post(f"/api/disputes/{dispute_id}/resolution", json=body, headers=headers)


def test_upheld_dispute_compensates_with_new_entries(city, client, login):
    """Upheld with 3.00 CNY: the wallet gains an entry, the timeline shows open and resolved."""
    pickup = paid_pickup(client, login)
    opened = _open(client, pickup)
    assert opened.status_code == 201, opened.get_json()
    dispute = opened.get_json()
    assert (dispute["status"], dispute["evidence_refs"]) == ("open", ["uploads/scale.jpg"])
    resolved = _resolve(
        client,
        dispute["dispute_id"],
        admin_headers(client),
        outcome="upheld",
        compensation_cents=300,
        note="scale out of calibration",
    )
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["status"] == "upheld"
    assert resolved.get_json()["compensation_cents"] == 300
    wallet = client.get("/api/wallets/me", headers=pickup.resident).get_json()
    assert wallet["balance_cents"] == 1360 + 300
    assert wallet["entries"][0]["reference"] == f"dispute:{dispute['dispute_id']}"
    events = client.get(f"/api/bookings/{pickup.booking_id}/events", headers=pickup.resident)
    kinds = [e["kind"] for e in events.get_json()]
    assert kinds[-2:] == ["dispute_opened", "dispute_resolved"]
    with session_scope(city) as session:
        assert ledger_total(session) == 0


def test_rejected_dispute_pays_nothing_and_may_not_carry_compensation(city, client, login):
    """Rejected with compensation is a 422; rejected without is recorded and posts nothing."""
    pickup = paid_pickup(client, login)
    dispute_id = _open(client, pickup).get_json()["dispute_id"]
    admin = admin_headers(client)
    bad = _resolve(
        client, dispute_id, admin, outcome="rejected", compensation_cents=100, note="no proof"
    )
    assert bad.status_code == 422 and "compensation_cents" in bad.get_json()["errors"]
    ok = _resolve(client, dispute_id, admin, outcome="rejected", note="no proof")
    assert ok.status_code == 200 and ok.get_json()["status"] == "rejected"
    again = _resolve(client, dispute_id, admin, outcome="upheld", note="changed my mind")
    assert again.status_code == 409
    with session_scope(city) as session:
        kinds = session.scalars(select(LedgerTransaction.kind)).all()
        assert kinds == ["weighing_credit"]


def test_one_open_dispute_per_booking(city, client, login):
    """A second open dispute is a 409; once resolved, a new one may be opened."""
    pickup = paid_pickup(client, login)
    first = _open(client, pickup).get_json()
    second = _open(client, pickup, reason="and the price was wrong")
    assert second.status_code == 409 and second.get_json()["code"] == "dispute_open"
    resolved = _resolve(
        client, first["dispute_id"], admin_headers(client), outcome="rejected", note="no proof"
    )
    assert resolved.status_code == 200
    assert _open(client, pickup, reason="new evidence found").status_code == 201


def test_only_the_resident_after_weighing_may_dispute(city, client, login):
    """Another resident's booking is a 404; a booking not yet weighed is a 409."""
    pickup = paid_pickup(client, login)
    stranger = login("+8613811112555")
    response = client.post(
        "/api/disputes", json={"booking_id": pickup.booking_id, **BODY}, headers=stranger
    )
    assert response.status_code == 404 and "booking_id" in response.get_json()["errors"]
    unweighed = book(client, pickup.resident)
    response = client.post(
        "/api/disputes",
        json={"booking_id": unweighed["booking_id"], **BODY},
        headers=pickup.resident,
    )
    assert response.status_code == 409
    assert client.post("/api/disputes", json=BODY, headers=pickup.collector).status_code == 403
    with session_scope(city) as session:
        assert session.scalar(select(func.count()).select_from(Dispute)) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"evidence_refs": ["../../etc/passwd x"]}, "evidence_refs.0"),
        ({"evidence_refs": [f"uploads/{i}.jpg" for i in range(11)]}, "evidence_refs"),
        ({"booking_id": "1"}, "booking_id"),
        ({"status": "upheld"}, "status"),
        ({"compensation_cents": 100}, "compensation_cents"),
    ],
)
def test_bad_dispute_input_names_the_field(city, client, login, overrides, field):
    """Each bad or system-set field is a 422 naming it."""
    pickup = paid_pickup(client, login)
    response = _open(client, pickup, **overrides)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()


def test_resolution_rules(city, client, login):
    """Only admins resolve; compensation is capped by the quoted total; bad outcomes are 422."""
    pickup = paid_pickup(client, login)
    dispute_id = _open(client, pickup).get_json()["dispute_id"]
    admin = admin_headers(client)
    forbidden = _resolve(client, dispute_id, pickup.resident, outcome="upheld", note="mine")
    assert forbidden.status_code == 403
    too_much = _resolve(
        client, dispute_id, admin, outcome="upheld", compensation_cents=1361, note="generous"
    )
    assert too_much.status_code == 422 and "compensation_cents" in too_much.get_json()["errors"]
    for body, field in (
        ({"outcome": "maybe", "note": "hmm"}, "outcome"),
        ({"outcome": "upheld", "compensation_cents": -1, "note": "neg"}, "compensation_cents"),
        ({"outcome": "upheld"}, "note"),
    ):
        response = _resolve(client, dispute_id, admin, **body)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    assert _resolve(client, 987654, admin, outcome="rejected", note="none").status_code == 404
    assert client.get(f"/api/disputes/{dispute_id}", headers=admin).get_json()["status"] == "open"


def test_listing_is_own_for_residents_and_all_for_admins(city, client, login):
    """Residents list their disputes; admins list all and filter by status; others' are 404."""
    mine = paid_pickup(client, login)
    theirs = paid_pickup(client, login, resident_phone="+8613811112444")
    first = _open(client, mine).get_json()
    _open(client, theirs)
    admin = admin_headers(client)
    _resolve(client, first["dispute_id"], admin, outcome="rejected", note="no proof")
    assert [d["dispute_id"] for d in client.get("/api/disputes", headers=mine.resident).json] == [
        first["dispute_id"]
    ]
    assert len(client.get("/api/disputes", headers=admin).get_json()) == 2
    open_only = client.get("/api/disputes?status=open", headers=admin).get_json()
    assert [d["booking_id"] for d in open_only] == [theirs.booking_id]
    assert client.get("/api/disputes?status=weird", headers=admin).status_code == 422
    path = f"/api/disputes/{first['dispute_id']}"
    assert client.get(path, headers=theirs.resident).status_code == 404
