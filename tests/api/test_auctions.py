"""Bidding through the HTTP API: the refusals with their reasons, proxy bids, idempotent
retries, pseudonymous history and sealed tenders (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from api.auctions.models import AuctionBid
from api.db import session_scope, utcnow
from tests.api.market_helpers import (
    admin,
    auction_row,
    bid,
    close_now,
    delivered_lines,
    make_lot,
    market,
    move_end,
    open_auction,
    register_plant,
    set_plant,
)

ALPHA, BETA, GAMMA = "+8613900006001", "+8613900006002", "+8613900006003"


def _code(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["code"]


def test_creating_an_auction_hides_the_default_reserve_from_plants(city, client):
    """Without a reserve, the tariff in force x factor is used; plants only learn one exists."""
    _, station, lot = market(client)
    body = {"start_price_cents": 5_000, "ends_at": (utcnow() + timedelta(hours=2)).isoformat()}
    created = client.post(f"/api/lots/{lot['lot_id']}/auctions", json=body, headers=station)
    assert created.status_code == 201, created.get_json()
    auction = created.get_json()
    # 100 kg of grade-A cardboard at the seeded 140 c/kg resident tariff x 1.0.
    assert auction["reserve_cents"] == 14_000 and auction["reserve_source"] == "tariff"
    assert auction["kind"] == "english" and auction["soft_close"]["window_seconds"] == 120
    plant = register_plant(client, phone=ALPHA)
    seen = client.get(f"/api/auctions/{auction['auction_id']}", headers=plant.headers).get_json()
    assert seen["has_reserve"] is True and "reserve_cents" not in seen
    assert seen["min_next_bid_cents"] == 5_000 and seen["current_price_cents"] == 5_000
    lot_now = client.get(f"/api/lots/{lot['lot_id']}", headers=station).get_json()
    assert lot_now["status"] == "auctioning"
    twice = client.post(f"/api/lots/{lot['lot_id']}/auctions", json=body, headers=station)
    assert _code(twice) == (409, "invalid_state")


def test_bad_auction_terms_name_the_field(city, client):
    """Ends in the past, naive times, soft close on a tender, floats and system fields: 422."""
    _, station, lot = market(client)
    path = f"/api/lots/{lot['lot_id']}/auctions"
    soon = (utcnow() + timedelta(hours=1)).isoformat()
    soft = {"window_seconds": 60, "extension_seconds": 60, "cap_seconds": 600}
    cases = [
        (
            {"start_price_cents": 100, "ends_at": (utcnow() - timedelta(minutes=1)).isoformat()},
            "ends_at",
        ),
        ({"start_price_cents": 100, "ends_at": "2026-12-01T10:00:00"}, "ends_at"),
        (
            {"start_price_cents": 100, "ends_at": soon, "kind": "sealed", "soft_close": soft},
            "soft_close",
        ),
        ({"start_price_cents": 100.5, "ends_at": soon}, "start_price_cents"),
        ({"start_price_cents": 0, "ends_at": soon}, "start_price_cents"),
        ({"start_price_cents": 100, "ends_at": soon, "deposit_pct": "10.125"}, "deposit_pct"),
        (
            {"start_price_cents": 100, "ends_at": soon, "current_price_cents": 5},
            "current_price_cents",
        ),
        ({"start_price_cents": 100, "ends_at": soon, "kind": "dutch"}, "kind"),
    ]
    for body, field in cases:
        response = client.post(path, json=body, headers=station)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    plant = register_plant(client, phone=ALPHA)
    assert client.post(path, json={}, headers=plant.headers).status_code == 403
    assert client.get(f"/api/lots/{lot['lot_id']}", headers=station).get_json()["auction"] is None


def test_refusals_carry_the_reason_as_the_code(city, client):
    """Not approved, suspended, expired permit, permit not covering, deposit too small, below
    the minimum, not open yet, closed by the clock: each a 409 with its reason code."""
    _, station, lot = market(client)
    lot_id = lot["lot_id"]
    auction = open_auction(client, station, lot_id, deposit_pct="10")
    applied = register_plant(client, phone=ALPHA, approve=False)
    assert _code(bid(client, applied, lot_id, 20_000)) == (409, "not_qualified")
    suspended = register_plant(client, phone=BETA)
    set_plant(city, suspended.plant_id, status="suspended")
    refused = bid(client, suspended, lot_id, 20_000)
    assert _code(refused) == (409, "not_qualified")
    assert "suspended" in refused.get_json()["message"]
    expired = register_plant(client, phone=GAMMA)
    set_plant(city, expired.plant_id, permit_expires_on=(utcnow() - timedelta(days=2)).date())
    assert "expired" in bid(client, expired, lot_id, 20_000).get_json()["message"]
    metals = register_plant(client, phone="+8613900006004", categories=("metal",))
    assert _code(bid(client, metals, lot_id, 20_000)) == (409, "permit_not_covering")
    poor = register_plant(client, phone="+8613900006005", deposit_cents=1_000)
    assert _code(bid(client, poor, lot_id, 20_000)) == (409, "deposit_too_small")
    assert bid(client, poor, lot_id, 10_000).status_code == 201  # 10 % of 100 CNY is held
    good = register_plant(client, phone="+8613900006006")
    assert _code(bid(client, good, lot_id, 10_000)) == (409, "below_minimum")  # 100 + 5 CNY
    assert bid(client, good, lot_id, 10_500).status_code == 201
    move_end(city, auction["auction_id"], -1)
    assert _code(bid(client, good, lot_id, 90_000)) == (409, "auction_closed")
    with session_scope(city) as session:
        assert session.scalar(select(func.count()).select_from(AuctionBid)) == 2


def test_an_auction_not_yet_open_and_a_lot_without_one_refuse_bids(city, client):
    """Before starts_at the reason is auction_not_open; a lot never auctioned is no_auction."""
    _, station, lot = market(client)
    plant = register_plant(client, phone=ALPHA)
    assert _code(bid(client, plant, lot["lot_id"], 20_000)) == (409, "no_auction")
    later = (utcnow() + timedelta(hours=1)).isoformat()
    open_auction(
        client,
        station,
        lot["lot_id"],
        starts_at=later,
        ends_at=(utcnow() + timedelta(hours=2)).isoformat(),
    )
    assert _code(bid(client, plant, lot["lot_id"], 20_000)) == (409, "auction_not_open")
    phase = client.get(f"/api/lots/{lot['lot_id']}", headers=plant.headers).get_json()
    assert phase["auction"]["phase"] == "upcoming"


def test_bad_bids_are_422(city, client):
    """Strings, floats, zero, negative and unknown fields never reach the auction."""
    _, station, lot = market(client)
    open_auction(client, station, lot["lot_id"])
    plant = register_plant(client, phone=ALPHA)
    path = f"/api/lots/{lot['lot_id']}/bids"
    for body, field in [
        ({"max_amount_cents": "20000"}, "max_amount_cents"),
        ({"max_amount_cents": 200.5}, "max_amount_cents"),
        ({"max_amount_cents": 0}, "max_amount_cents"),
        ({"max_amount_cents": -5}, "max_amount_cents"),
        ({"max_amount_cents": 20_000, "plant_id": 3}, "plant_id"),
        ({}, "max_amount_cents"),
    ]:
        response = client.post(path, json=body, headers=plant.headers)
        assert response.status_code == 422 and field in response.get_json()["errors"], body


def test_proxy_bidding_moves_the_price_one_increment_above_the_rival(city, client):
    """A at 500 CNY leads at the start; B at 300 CNY lifts the price to 305 CNY; A still leads."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    first = bid(client, alpha, lot["lot_id"], 50_000).get_json()
    assert first["auction"]["current_price_cents"] == 10_000 and first["auction"]["you_lead"]
    second = bid(client, beta, lot["lot_id"], 30_000).get_json()
    assert second["auction"]["current_price_cents"] == 30_500
    assert (
        second["auction"]["you_lead"] is False and second["auction"]["min_next_bid_cents"] == 31_000
    )
    mine = client.get(f"/api/auctions/{auction['auction_id']}", headers=alpha.headers).get_json()
    assert mine["you_lead"] is True and mine["your_max_cents"] == 50_000
    raise_own = bid(client, alpha, lot["lot_id"], 40_000)
    assert _code(raise_own) == (409, "below_minimum")  # does not raise your own maximum


def test_a_retried_bid_counts_once(city, client):
    """The same Idempotency-Key replays the first answer; another amount under it is a 422."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    plant = register_plant(client, phone=ALPHA)
    first = bid(client, plant, lot["lot_id"], 25_000, key="bid-0001")
    retry = bid(client, plant, lot["lot_id"], 25_000, key="bid-0001")
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json() and retry.headers["Idempotent-Replayed"] == "true"
    changed = bid(client, plant, lot["lot_id"], 26_000, key="bid-0001")
    assert changed.status_code == 422 and "Idempotency-Key" in changed.get_json()["errors"]
    assert auction_row(city, auction["auction_id"]).bid_count == 1


def test_bid_history_is_pseudonymous_and_marks_your_own(city, client):
    """Bidders are Bidder A/B in order of first bid; others' maxima stay hidden; admin sees ids."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    bid(client, beta, lot["lot_id"], 20_000)
    bid(client, alpha, lot["lot_id"], 50_000)
    bid(client, beta, lot["lot_id"], 60_000)
    path = f"/api/auctions/{auction['auction_id']}/bids"
    seen = client.get(path, headers=alpha.headers).get_json()
    assert [e["bidder"] for e in seen] == ["Bidder A", "Bidder B", "Bidder A"]
    assert [e["is_yours"] for e in seen] == [False, True, False]
    assert [e["amount_cents"] for e in seen] == [None, 50_000, None]
    assert [e["price_after_cents"] for e in seen] == [10_000, 20_500, 50_500]
    assert all("plant_id" not in e and "bid_id" not in e for e in seen)
    staff = client.get(path, headers=admin(city)).get_json()
    assert [e["plant_id"] for e in staff] == [beta.plant_id, alpha.plant_id, beta.plant_id]


def test_a_sealed_tender_stays_sealed_until_it_closes(city, client):
    """Nobody sees others' tenders or a price while open; a resubmission replaces the first;
    the highest tender wins and pays its own amount."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"], kind="sealed")
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    assert bid(client, alpha, lot["lot_id"], 9_000).get_json()["code"] == "below_minimum"
    assert bid(client, alpha, lot["lot_id"], 80_000).status_code == 201
    assert bid(client, beta, lot["lot_id"], 70_000).status_code == 201
    assert bid(client, alpha, lot["lot_id"], 60_000).status_code == 201  # replaces 800 CNY
    view = client.get(f"/api/auctions/{auction['auction_id']}", headers=beta.headers).get_json()
    assert view["current_price_cents"] is None and view["you_lead"] is None
    assert view["your_max_cents"] == 70_000
    path = f"/api/auctions/{auction['auction_id']}/bids"
    assert [e["is_yours"] for e in client.get(path, headers=beta.headers).get_json()] == [True]
    assert close_now(city, auction["auction_id"]) == "awarded"
    row = auction_row(city, auction["auction_id"])
    assert (row.award_plant_id, row.award_price_cents) == (beta.plant_id, 70_000)
    opened = client.get(path, headers=alpha.headers).get_json()
    assert [e["amount_cents"] for e in opened] == [80_000, 70_000, 60_000]


def test_the_default_reserve_follows_recent_clearing_prices(city, client):
    """Once a grade has sold, the default reserve is 90 % of its clearing-price index."""
    station_id, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"], start_price_cents=25_000)
    plant = register_plant(client, phone=ALPHA)
    assert bid(client, plant, lot["lot_id"], 25_000).status_code == 201
    assert close_now(city, auction["auction_id"]) == "awarded"  # 250 c/kg for 100 kg
    lines = delivered_lines(city, station_id=station_id, grams=(30_000, 50_000))
    second = make_lot(client, station, lines)
    body = {"start_price_cents": 5_000, "ends_at": (utcnow() + timedelta(hours=1)).isoformat()}
    created = client.post(f"/api/lots/{second['lot_id']}/auctions", json=body, headers=station)
    # 250 c/kg x 80 kg x 0.9
    assert created.get_json()["reserve_cents"] == 18_000
    assert created.get_json()["reserve_source"] == "index"
