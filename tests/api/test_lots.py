"""Lots through the HTTP API: made at a station, seen by plants without personal data."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from api.collectors.models import Collector
from api.db import session_scope, utcnow
from api.stations.models import StationDeliveryLine
from tests.api.market_helpers import (
    COLLECTOR,
    OTHER_STATION,
    admin,
    delivered_lines,
    make_lot,
    make_station,
    open_auction,
    register_plant,
    staff,
)

PLANT = "+8613900005001"


def test_a_lot_sums_its_lines_and_traces_back_to_them(city, client):
    """Net grams are the sum, tags the union, and every line points back at the lot."""
    station_id, headers = make_station(city)
    ids = delivered_lines(city, station_id=station_id, grams=(40_000, 61_234))
    lot = make_lot(client, headers, ids)
    assert lot["net_grams"] == 101_234 and lot["net_kg"] == "101.234"
    assert lot["status"] == "open" and lot["station"]["zone"] == "xuhui-s"
    assert lot["delivery_line_ids"] == ids and lot["tag_count"] == 4 == len(lot["tag_codes"])
    with session_scope(city) as session:
        lines = session.scalars(
            select(StationDeliveryLine).where(StationDeliveryLine.lot_id == lot["lot_id"])
        )
        assert sorted(line.station_delivery_line_id for line in lines) == ids
    events = client.get(f"/api/lots/{lot['lot_id']}/events", headers=headers).get_json()
    assert [e["kind"] for e in events] == ["created"]
    again = client.post(
        "/api/lots",
        json={
            "material": "cardboard",
            "grade": "A",
            "delivery_line_ids": ids[:1],
            "collection_starts_at": utcnow().isoformat(),
            "collection_ends_at": (utcnow() + timedelta(days=1)).isoformat(),
        },
        headers=headers,
    )
    assert again.status_code == 409 and again.get_json()["code"] == "line_in_lot"
    assert "delivery_line_ids.0" in again.get_json()["errors"]


def test_bad_lots_name_the_field_and_write_nothing(city, client):
    """Other stations' lines, wrong grades, repeats, reversed windows and system fields: 422."""
    station_id, headers = make_station(city)
    other_id, _ = make_station(city, code="st-jingan", zone="jingan-e", phone=OTHER_STATION)
    mine = delivered_lines(city, station_id=station_id)
    theirs = delivered_lines(city, station_id=other_id)
    coloured = delivered_lines(city, station_id=station_id, grade="B")
    now = utcnow()
    good = {
        "material": "cardboard",
        "grade": "A",
        "delivery_line_ids": mine,
        "collection_starts_at": now.isoformat(),
        "collection_ends_at": (now + timedelta(days=2)).isoformat(),
    }
    cases = [
        (dict(good, delivery_line_ids=[mine[0], theirs[0]]), "delivery_line_ids.1"),
        (dict(good, delivery_line_ids=coloured), "delivery_line_ids.0"),
        (dict(good, delivery_line_ids=[mine[0], mine[0]]), "delivery_line_ids"),
        (dict(good, delivery_line_ids=[]), "delivery_line_ids"),
        (dict(good, grade="Z"), "grade"),
        (dict(good, material="unobtainium"), "material"),
        (
            dict(good, collection_ends_at=(now - timedelta(hours=1)).isoformat()),
            "collection_ends_at",
        ),
        (dict(good, collection_starts_at="2026-11-24T09:00:00"), "collection_starts_at"),
        (dict(good, net_grams=5), "net_grams"),
        (dict(good, status="paid"), "status"),
    ]
    for body, field in cases:
        response = client.post("/api/lots", json=body, headers=headers)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    assert client.get("/api/lots", headers=headers).get_json() == []
    unattached = staff(city, "+8613900005101", "station")
    assert client.post("/api/lots", json=good, headers=unattached).status_code == 403


def test_plants_see_lots_on_offer_without_personal_data(city, client):
    """A plant's view has material, weight, station and zone, but no tags, deliveries,
    collector or resident; staff see the trace."""
    station_id, headers = make_station(city)
    lot = make_lot(client, headers, delivered_lines(city, station_id=station_id))
    open_auction(client, headers, lot["lot_id"])
    plant = register_plant(client, phone=PLANT)
    listed = client.get("/api/lots", headers=plant.headers)
    assert listed.status_code == 200 and [x["lot_id"] for x in listed.get_json()] == [lot["lot_id"]]
    seen = client.get(f"/api/lots/{lot['lot_id']}", headers=plant.headers).get_json()
    for hidden in ("tag_codes", "delivery_line_ids", "plant_id"):
        assert hidden not in seen
    assert "reserve_cents" not in seen["auction"] and "leader_plant_id" not in seen["auction"]
    assert seen["station"] == {"code": "st-xuhui", "name": "St-Xuhui", "zone": "xuhui-s"}
    text = json.dumps(seen)
    with session_scope(city) as session:
        collector = session.scalar(select(Collector))
    for secret in [COLLECTOR, collector.full_name, *lot["tag_codes"]]:
        assert secret not in text
    regulator = staff(city, "+8613900005201", "regulator")
    traced = client.get(f"/api/lots/{lot['lot_id']}", headers=regulator).get_json()
    assert traced["tag_codes"] == lot["tag_codes"]
    assert client.get(f"/api/lots/{lot['lot_id']}/events", headers=plant.headers).status_code == 403


def test_lots_outside_your_reach_are_404(city, client):
    """Another station's staff and plants (for lots not on offer) get 404s."""
    station_id, headers = make_station(city)
    lot = make_lot(client, headers, delivered_lines(city, station_id=station_id))
    _, other = make_station(city, code="st-jingan", zone="jingan-e", phone=OTHER_STATION)
    assert client.get(f"/api/lots/{lot['lot_id']}", headers=other).status_code == 404
    assert client.get("/api/lots", headers=other).get_json() == []
    plant = register_plant(client, phone=PLANT)
    assert client.get(f"/api/lots/{lot['lot_id']}", headers=plant.headers).status_code == 200
    assert client.get("/api/lots/987654", headers=plant.headers).status_code == 404
    assert client.get("/api/lots?status=lost", headers=admin(city)).status_code == 422
    filtered = client.get("/api/lots?zone=jingan-e", headers=admin(city)).get_json()
    assert filtered == []


def test_polling_a_lot_is_304_until_something_changes(city, client):
    """The same ETag gives 304 (with the seconds left); a bid changes the ETag."""
    station_id, headers = make_station(city)
    lot = make_lot(client, headers, delivered_lines(city, station_id=station_id))
    open_auction(client, headers, lot["lot_id"])
    plant = register_plant(client, phone=PLANT)
    path = f"/api/lots/{lot['lot_id']}"
    first = client.get(path, headers=plant.headers)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    again = client.get(path, headers={**plant.headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert 3500 <= int(again.headers["Auction-Seconds-Left"]) <= 3600
    other_viewer = client.get(path, headers={**admin(city), "If-None-Match": etag})
    assert other_viewer.status_code == 200
    client.post(f"{path}/bids", json={"max_amount_cents": 20_000}, headers=plant.headers)
    changed = client.get(path, headers={**plant.headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["auction"]["you_lead"] is True
