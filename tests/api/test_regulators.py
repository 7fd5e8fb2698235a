"""Regulators follow every kilogram without ever receiving a resident's personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.collectors.models import Collector
from api.custody.tasks import run_mass_balance
from api.db import session_scope
from api.events.models import Event
from api.timeutil import local_today
from tests.api.collector_helpers import RESIDENT_PHONE, admin_headers
from tests.api.helpers import HOME
from tests.custody.helpers import (
    approved_plant,
    completed_pickup,
    deliver,
    hand_over_lot,
    make_lot,
    receive_lot,
    regulator,
)

SECOND_RESIDENT = "+8613811119444"
SECRET_TEXTS = (
    RESIDENT_PHONE,
    RESIDENT_PHONE[3:],
    SECOND_RESIDENT,
    SECOND_RESIDENT[3:],
    HOME["text"],
    "Lane 12",
    str(HOME["latitude"]),
    str(HOME["longitude"]),
    "Wang Li",  # the collector's name stays with the platform too
)


@pytest.fixture
def full_flow(city, client, login):
    """Two pickups, a leak, a delivery, a lot sold, received, and the day's alerts run."""
    first = completed_pickup(client, login)
    second = completed_pickup(
        client,
        login,
        resident_phone=SECOND_RESIDENT,
        collector=(first.job.collector, first.job.collector_id),
    )
    deliver(client, first, net_grams={"pet": 1500})
    deliver(client, second)
    _plant, plant_id = approved_plant(client)
    lot_id = make_lot(client, material="cardboard", plant_id=plant_id)
    hand_over_lot(client, lot_id, plant_id)
    receive_lot(client, lot_id, 9800)
    with client.application.app_context():
        run_mass_balance.run(local_today().isoformat())
    return first, plant_id


REGULATOR_PATHS = (
    "/api/regulator/manifests",
    "/api/regulator/manifests?kind=pickup",
    "/api/regulator/flows",
    "/api/regulator/alerts",
    "/api/regulator/registry",
    "/api/regulator/compliance",
    "/api/custody/checkpoints",
    "/api/custody/verification",
)


def test_no_regulator_response_carries_personal_data(full_flow, client):
    """Every regulator body is scanned for the residents' phones, address and coordinates."""
    headers = regulator(client)
    first, _ = full_flow
    manifests = client.get("/api/regulator/manifests", headers=headers).get_json()
    paths = list(REGULATOR_PATHS)
    for manifest in manifests:
        base = f"/api/manifests/{manifest['manifest_id']}"
        paths += [base, base + "/history", base + "/verification"]
    for path in paths:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_json())
        body = response.get_data(as_text=True)
        for secret in SECRET_TEXTS:
            assert secret not in body, (path, secret)
    assert len(manifests) == 6


def test_flows_add_up_each_hand_over_by_material_and_zone(full_flow, client):
    """Pickups, drop-offs, the lot and its receipt each appear with both sides' grams."""
    rows = client.get(
        "/api/regulator/flows", query_string={"material": "cardboard"}, headers=regulator(client)
    ).get_json()
    by_stage = {row["stage"]: row for row in rows}
    assert list(by_stage) == ["pickup", "dropoff", "lot_handover", "plant_receipt"]
    assert by_stage["pickup"]["receiver_grams"] == 10000 and by_stage["pickup"]["manifests"] == 2
    assert by_stage["dropoff"]["receiver_grams"] == 10000
    assert by_stage["plant_receipt"] == {
        "stage": "plant_receipt",
        "material": "cardboard",
        "zone": "xuhui-s",
        "manifests": 1,
        "sender_grams": 10000,
        "receiver_grams": 9800,
    }
    other_zone = client.get(
        "/api/regulator/flows", query_string={"zone": "jingan-e"}, headers=regulator(client)
    )
    assert other_zone.get_json() == []
    bad = client.get(
        "/api/regulator/flows", query_string={"from": "yesterday"}, headers=regulator(client)
    )
    assert bad.status_code == 422 and "from" in bad.get_json()["errors"]


def test_regulator_endpoints_are_for_regulators(full_flow, client):
    """Residents, collectors and plants get 403 on every regulator path."""
    first, _ = full_flow
    for headers in (first.job.resident, first.job.collector):
        for path in REGULATOR_PATHS[:5]:
            assert client.get(path, headers=headers).status_code == 403, path


def test_registry_lists_status_and_vehicle_without_identity(full_flow, client):
    """Collectors by id, status and vehicle; stations and plants with their status."""
    registry = client.get("/api/regulator/registry", headers=regulator(client)).get_json()
    [collector] = registry["collectors"]
    assert set(collector) == {"collector_id", "status", "vehicle_type", "zone_codes", "approved_at"}
    assert collector["status"] == "approved" and collector["vehicle_type"] == "tricycle"
    assert {s["code"] for s in registry["stations"]} >= {"st-xuhui-s-1"}
    assert [p["status"] for p in registry["plants"]] == ["approved"]


def test_alerts_lower_the_compliance_score(full_flow, client):
    """The collector with an open shortfall alert scores below a clean plant."""
    first, plant_id = full_flow
    rows = client.get("/api/regulator/compliance", headers=regulator(client)).get_json()
    scores = {(r["subject_kind"], r["subject_id"]): r for r in rows}
    collector = scores[("collector", first.job.collector_id)]
    assert collector["deductions"] == {"open_alerts": 10, "alerts": 3}
    assert collector["score"] == 87 and collector["band"] == "good"
    assert scores[("plant", plant_id)]["score"] == 100


def test_suspension_is_an_explicit_action_with_entry_and_exit(full_flow, client):
    """A regulator suspends with a reason and reinstates with a note; both are recorded."""
    first, _ = full_flow
    collector_id = first.job.collector_id
    path = f"/api/regulator/compliance/collector/{collector_id}/actions"
    headers = regulator(client)
    assert client.post(path, json={"action": "suspend"}, headers=headers).status_code == 422
    assert (
        client.post(path, json={"action": "ban", "reason": "x" * 5}, headers=headers).status_code
        == 422
    )
    suspended = client.post(
        path, json={"action": "suspend", "reason": "leaks on 3 days"}, headers=headers
    )
    assert suspended.status_code == 201, suspended.get_json()
    assert suspended.get_json()["case_kind"] == "suspension"
    with session_scope(client.application) as session:
        collector = session.get(Collector, collector_id)
        assert (collector.status, collector.status_reason) == ("suspended", "leaks on 3 days")
    again = client.post(path, json={"action": "suspend", "reason": "again"}, headers=headers)
    assert again.status_code == 409
    back = client.post(
        path,
        json={"action": "reinstate", "note": "retrained, scale replaced"},
        headers=admin_headers(client),
    )
    assert back.status_code == 201 and back.get_json()["closed_at"] is not None
    with session_scope(client.application) as session:
        assert session.get(Collector, collector_id).status == "approved"
        kinds = session.scalars(
            select(Event.kind).where(
                Event.entity_type == "collector", Event.entity_id == collector_id
            )
        ).all()
        assert "suspend" in kinds and "reinstate" in kinds
    unknown = client.post(
        "/api/regulator/compliance/station/1/actions",
        json={"action": "open_review", "reason": "look"},
        headers=headers,
    )
    assert unknown.status_code == 404
    nobody = client.post(
        "/api/regulator/compliance/collector/999999/actions",
        json={"action": "open_review", "reason": "look"},
        headers=headers,
    )
    assert nobody.status_code == 404
    assert (
        client.post(
            path, json={"action": "close_review", "note": "none"}, headers=headers
        ).status_code
        == 409
    )


def test_reviews_open_and_close_without_changing_status(full_flow, client):
    """A review is recorded but leaves the collector approved."""
    first, plant_id = full_flow
    headers = regulator(client)
    path = f"/api/regulator/compliance/plant/{plant_id}/actions"
    opened = client.post(
        path, json={"action": "open_review", "reason": "receipt disputes"}, headers=headers
    )
    assert opened.status_code == 201 and opened.get_json()["score_at_open"] == 100
    closed = client.post(
        path, json={"action": "close_review", "note": "explained"}, headers=headers
    )
    assert closed.status_code == 201
    registry = client.get("/api/regulator/registry", headers=headers).get_json()
    assert registry["plants"][0]["status"] == "approved"
