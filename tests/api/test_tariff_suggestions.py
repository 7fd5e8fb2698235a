"""Suggested resident tariffs from auction clearing prices, and the admin's decision on them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from api.db import session_scope
from api.events.models import Event
from api.tariffs.models import Tariff
from api.timeutil import local_today
from tests.api.helpers import add_address, get_quote
from tests.api.market_helpers import (
    admin,
    bid,
    close_now,
    delivered_lines,
    make_lot,
    make_station,
    new_user,
    open_auction,
    register_plant,
    token_headers,
)

RESIDENT = "+8613811118001"


def _sell(client, station, station_id, plant, *, material, grade, grams, price) -> None:
    """One lot sold to a lone bidder at its start price (the clearing price)."""
    lines = delivered_lines(
        client.application, station_id=station_id, material=material, grade=grade, grams=(grams,)
    )
    lot = make_lot(client, station, lines, material=material, grade=grade)
    auction = open_auction(client, station, lot["lot_id"], start_price_cents=price)
    assert bid(client, plant, lot["lot_id"], price).status_code == 201
    assert close_now(client.application, auction["auction_id"]) == "awarded"


def _sold_city(client) -> None:
    """Cardboard A at 250 and 300 c/kg, clear PET at 282 c/kg, working fridges."""
    station_id, station = make_station(client.application)
    plant = register_plant(
        client, phone="+8613900008001", categories=("paper", "plastic", "e_waste")
    )
    sales = [
        ("cardboard", "A", 100_000, 25_000),
        ("cardboard", "A", 50_000, 15_000),
        ("pet", "clear", 100_000, 28_200),
        ("fridge", "working", 60_000, 30_000),
    ]
    for material, grade, grams, price in sales:
        _sell(
            client,
            station,
            station_id,
            plant,
            material=material,
            grade=grade,
            grams=grams,
            price=price,
        )


def _suggest(client, **body):
    return client.post("/api/tariffs/suggestions", json=body, headers=admin(client.application))


def test_suggestions_follow_the_volume_weighted_clearing_price(city, client):
    """Cardboard A cleared at 266.67 c/kg by volume: x 0.85 - 20 = 206.67, proposed at 207;
    PET works out at its current 220 (unchanged) and fridges are priced per piece (skipped)."""
    _sold_city(client)
    response = _suggest(client)
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert [(t["material"], t["grade"], t["price_cents_per_unit"]) for t in result["proposed"]] == [
        ("cardboard", "A", 207)
    ]
    proposal = result["proposed"][0]
    assert proposal["status"] == "proposed" and proposal["source"] == "suggestion"
    assert proposal["valid_from"] == (local_today() + timedelta(days=1)).isoformat()
    assert (proposal["lot_count"], proposal["index_cents_per_kg"]) == (2, 267)
    assert proposal["current_price_cents_per_unit"] == 140
    assert sorted((s["material"], s["reason"]) for s in result["skipped"]) == [
        ("fridge", "priced per piece"),
        ("pet", "unchanged"),
    ]
    active = client.get("/api/tariffs?status=active", headers=admin(city)).get_json()
    assert {
        t["price_cents_per_unit"]
        for t in active
        if t["material"] == "cardboard" and t["grade"] == "A"
    } == {140}
    with session_scope(city) as session:
        kinds = session.scalars(
            select(Event.kind).where(
                Event.entity_type == "tariff", Event.entity_id == proposal["tariff_id"]
            )
        )
        assert list(kinds) == ["proposed", "suggested"]


def test_an_approved_suggestion_is_the_tariff_quotes_use(city, client):
    """Approving makes it the newest active version, in force from today at the earliest."""
    _sold_city(client)
    proposal = _suggest(client).get_json()["proposed"][0]
    with session_scope(city) as session:  # as if the admin approved it a week late
        session.execute(
            update(Tariff)
            .where(Tariff.tariff_id == proposal["tariff_id"])
            .values(valid_from=local_today() - timedelta(days=7))
        )
    path = f"/api/tariffs/{proposal['tariff_id']}/decision"
    approved = client.post(path, json={"decision": "approve"}, headers=admin(city))
    assert approved.status_code == 200, approved.get_json()
    tariff = approved.get_json()
    assert tariff["status"] == "active" and tariff["valid_from"] == local_today().isoformat()
    headers = token_headers(city, user_id=new_user(city, RESIDENT, "resident"), role="resident")
    quote = get_quote(client, headers, add_address(client, headers)["address_id"])
    cardboard = next(line for line in quote["lines"] if line["material"] == "cardboard")
    assert cardboard["unit_price_cents"] == 207
    again = client.post(path, json={"decision": "reject", "reason": "late"}, headers=admin(city))
    assert again.status_code == 409 and again.get_json()["code"] == "invalid_state"


def test_rejecting_needs_a_reason_and_is_recorded(city, client):
    """A rejection without a reason is a 422; with one the tariff is rejected with an event."""
    _sold_city(client)
    proposal = _suggest(client).get_json()["proposed"][0]
    path = f"/api/tariffs/{proposal['tariff_id']}/decision"
    bare = client.post(path, json={"decision": "reject"}, headers=admin(city))
    assert bare.status_code == 422 and "reason" in bare.get_json()["errors"]
    odd = client.post(path, json={"decision": "maybe"}, headers=admin(city))
    assert odd.status_code == 422 and "decision" in odd.get_json()["errors"]
    rejected = client.post(
        path, json={"decision": "reject", "reason": "paper market is volatile"}, headers=admin(city)
    )
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    with session_scope(city) as session:
        tariff = session.get(Tariff, proposal["tariff_id"])
        assert tariff.decision_reason == "paper market is volatile"
    missing = client.post(
        "/api/tariffs/987654/decision", json={"decision": "approve"}, headers=admin(city)
    )
    assert missing.status_code == 404


def test_a_newer_suggestion_supersedes_a_pending_one(city, client):
    """Suggesting twice leaves one proposal per grade; the older is rejected as superseded."""
    _sold_city(client)
    first = _suggest(client).get_json()["proposed"][0]
    second = _suggest(client).get_json()["proposed"][0]
    assert second["tariff_id"] != first["tariff_id"] and second["version"] == first["version"] + 1
    pending = client.get("/api/tariffs?status=proposed", headers=admin(city)).get_json()
    assert [t["tariff_id"] for t in pending] == [second["tariff_id"]]
    with session_scope(city) as session:
        assert session.get(Tariff, first["tariff_id"]).decision_reason.startswith("superseded")


def test_suggestion_requests_are_checked(city, client):
    """Days outside 1..365 or not an integer are 422; only admins may ask."""
    for body in ({"days": 0}, {"days": "7"}, {"days": 400}, {"margin": 5}):
        response = _suggest(client, **body)
        assert response.status_code == 422, body
    plant = register_plant(client, phone="+8613900008002")
    assert (
        client.post("/api/tariffs/suggestions", json={}, headers=plant.headers).status_code == 403
    )
    assert _suggest(client).get_json() == {"proposed": [], "skipped": []}
