"""Plants through the HTTP API: registration with permits, admin decisions, deposits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.auth.models import User
from api.db import session_scope, utcnow
from api.events.models import Event
from api.ledger.service import balance_cents, get_account
from tests.api.market_helpers import admin, new_user, register_plant, token_headers

PLANT = "+8613900004001"


def _body(**overrides) -> dict:
    return {
        "company_name": "Shanghai Fibre Recycling Co.",
        "licence_number": "SH-WR-2026-0042",
        "permit_refs": ["docs/permit-0042.pdf"],
        "categories": ["paper", "plastic"],
        "permit_expires_on": (utcnow() + timedelta(days=200)).date().isoformat(),
        **overrides,
    }


def _plant_headers(app, phone: str = PLANT) -> dict:
    return token_headers(app, user_id=new_user(app, phone, "plant"), role="plant")


def test_registration_links_the_user_and_waits_for_review(city, client):
    """A plant registers as applied, its user carries organisation_id, and it is recorded once."""
    headers = _plant_headers(city)
    response = client.post("/api/plants", json=_body(), headers=headers)
    assert response.status_code == 201, response.get_json()
    plant = response.get_json()
    assert plant["status"] == "applied" and plant["deposit_cents"] == 0
    assert plant["categories"] == ["paper", "plastic"]
    assert client.get("/api/plants/me", headers=headers).get_json() == plant
    with session_scope(city) as session:
        user = session.scalar(select(User).where(User.phone == PLANT))
        assert user.organisation_id == plant["plant_id"]
        kinds = session.scalars(select(Event.kind).where(Event.entity_type == "plant"))
        assert list(kinds) == ["applied"]
    again = client.post("/api/plants", json=_body(licence_number="OTHER-0001"), headers=headers)
    assert again.status_code == 409 and again.get_json()["code"] == "already_registered"


def test_bad_registrations_name_the_field(city, client):
    """Unknown categories, expired permits, missing documents and system fields are 422s."""
    headers = _plant_headers(city)
    yesterday = (utcnow() - timedelta(days=2)).date().isoformat()
    cases = [
        (_body(categories=["plutonium"]), "categories.0"),
        (_body(permit_expires_on=yesterday), "permit_expires_on"),
        (_body(permit_refs=[]), "permit_refs"),
        (_body(status="approved"), "status"),
        (_body(licence_number="x"), "licence_number"),
        ({k: v for k, v in _body().items() if k != "company_name"}, "company_name"),
    ]
    for body, field in cases:
        response = client.post("/api/plants", json=body, headers=headers)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    assert client.get("/api/plants/me", headers=headers).status_code == 404


def test_a_licence_registers_once(city, client):
    """A second plant with the same licence number (any case) is a 409."""
    client.post("/api/plants", json=_body(), headers=_plant_headers(city))
    other = _plant_headers(city, "+8613900004002")
    response = client.post(
        "/api/plants", json=_body(licence_number="sh-wr-2026-0042"), headers=other
    )
    assert response.status_code == 409 and response.get_json()["code"] == "licence_registered"


def test_admin_decisions_follow_the_review_states(city, client):
    """Approve, suspend (reason required), reinstate; rejecting an approved plant is a 409."""
    plant = register_plant(client, phone=PLANT, approve=False, deposit_cents=0)
    path = f"/api/plants/{plant.plant_id}/decisions"
    staff = admin(city)
    assert client.post(path, json={"decision": "approve"}, headers=plant.headers).status_code == 403
    approved = client.post(path, json={"decision": "approve"}, headers=staff)
    assert approved.status_code == 201 and approved.get_json()["status"] == "approved"
    no_reason = client.post(path, json={"decision": "suspend"}, headers=staff)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    suspended = client.post(
        path, json={"decision": "suspend", "reason": "permit under review"}, headers=staff
    )
    assert suspended.get_json()["status"] == "suspended"
    assert suspended.get_json()["status_reason"] == "permit under review"
    rejected = client.post(path, json={"decision": "reject", "reason": "late"}, headers=staff)
    assert rejected.status_code == 409 and rejected.get_json()["code"] == "invalid_state"
    back = client.post(path, json={"decision": "approve"}, headers=staff)
    assert back.get_json()["status"] == "approved"
    missing = client.post(
        "/api/plants/987654/decisions", json={"decision": "approve"}, headers=staff
    )
    assert missing.status_code == 404
    listed = client.get("/api/plants?status=approved", headers=staff).get_json()
    assert [p["plant_id"] for p in listed] == [plant.plant_id]


def test_deposit_is_recorded_once_per_bank_transfer(city, client):
    """A deposit moves cash to the plant's deposit account; a retried key or bank reference
    does not count twice, and the same reference with another amount is a 409."""
    plant = register_plant(client, phone=PLANT, deposit_cents=0)
    body = {"amount_cents": 500_000, "bank_reference": "ICBC-778812"}
    keyed = {**plant.headers, "Idempotency-Key": "deposit-0001"}
    first = client.post("/api/plants/me/deposits", json=body, headers=keyed)
    assert first.status_code == 201 and first.get_json()["deposit_cents"] == 500_000
    retry = client.post("/api/plants/me/deposits", json=body, headers=keyed)
    assert retry.get_json() == first.get_json() and retry.headers["Idempotent-Replayed"] == "true"
    again = client.post("/api/plants/me/deposits", json=body, headers=plant.headers)
    assert again.status_code == 201 and again.get_json()["deposit_cents"] == 500_000
    changed = client.post(
        "/api/plants/me/deposits", json=dict(body, amount_cents=1), headers=plant.headers
    )
    assert changed.status_code == 409 and changed.get_json()["code"] == "bank_reference_used"
    more = client.post(
        "/api/plants/me/deposits",
        json={"amount_cents": 250_000, "bank_reference": "ICBC-778813"},
        headers=plant.headers,
    )
    assert more.get_json()["deposit_cents"] == 750_000
    assert (
        client.get("/api/plants/me", headers=plant.headers).get_json()["deposit_cents"] == 750_000
    )
    with session_scope(city) as session:
        cash = get_account(session, kind="platform_cash")
        assert balance_cents(session, account=cash) == -750_000


def test_bad_deposits_are_422_and_need_a_plant(city, client):
    """Zero, strings, floats and missing references are refused; no plant yet is a 404."""
    plant = register_plant(client, phone=PLANT, deposit_cents=0)
    for body, field in [
        ({"amount_cents": 0, "bank_reference": "ICBC-1"}, "amount_cents"),
        ({"amount_cents": "100", "bank_reference": "ICBC-12"}, "amount_cents"),
        ({"amount_cents": 10.5, "bank_reference": "ICBC-12"}, "amount_cents"),
        ({"amount_cents": 100}, "bank_reference"),
    ]:
        response = client.post("/api/plants/me/deposits", json=body, headers=plant.headers)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    stranger = _plant_headers(city, "+8613900004003")
    response = client.post(
        "/api/plants/me/deposits",
        json={"amount_cents": 100, "bank_reference": "ICBC-9999"},
        headers=stranger,
    )
    assert response.status_code == 404


def test_plant_reads_carry_an_etag_and_a_stale_decision_is_412(city, client):
    """A decision made on an old read of the plant is refused (412) and changes nothing."""
    plant = register_plant(client, phone=PLANT, approve=False, deposit_cents=0)
    staff = admin(city)
    item = f"/api/plants/{plant.plant_id}"
    etag = client.get(item, headers=staff).headers["ETag"]
    assert client.get("/api/plants/me", headers=plant.headers).headers["ETag"] == etag
    approved = client.post(
        f"{item}/decisions", json={"decision": "approve"}, headers={**staff, "If-Match": etag}
    )
    assert approved.status_code == 201 and approved.headers["ETag"] != etag
    stale = client.post(
        f"{item}/decisions",
        json={"decision": "suspend", "reason": "permit under review"},
        headers={**staff, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert client.get(item, headers=staff).get_json()["status"] == "approved"
