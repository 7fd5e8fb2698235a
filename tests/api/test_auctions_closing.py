"""Closing, soft close, reserve, ties, payment, default and hand-over, through the HTTP API
and the Celery tasks (eager here; the same code runs on a worker)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.auctions.tasks import close_ended, enforce_payment_deadlines
from api.db import session_scope
from api.events.models import Event
from api.ledger.service import balance_cents, get_account
from api.plants.models import Plant
from tests.api.market_helpers import (
    auction_row,
    bid,
    close_now,
    market,
    move_end,
    open_auction,
    register_plant,
)

ALPHA, BETA, GAMMA = "+8613900007001", "+8613900007002", "+8613900007003"
SOFT = {"window_seconds": 600, "extension_seconds": 300, "cap_seconds": 420}


def _kinds(app, entity_type: str, entity_id: int) -> list[str]:
    with session_scope(app) as session:
        stmt = select(Event.kind).where(
            Event.entity_type == entity_type, Event.entity_id == entity_id
        )
        return list(session.scalars(stmt.order_by(Event.event_id)))


def _balance(app, kind: str, owner: int | None = None) -> int:
    with session_scope(app) as session:
        return balance_cents(session, account=get_account(session, kind=kind, owner_user_id=owner))


def _expire_payment(app, auction_id: int) -> None:
    from sqlalchemy import update

    from api.auctions.clock import db_now
    from api.auctions.models import Auction

    with session_scope(app) as session:
        due = db_now(session) - timedelta(seconds=1)
        session.execute(
            update(Auction).where(Auction.auction_id == auction_id).values(payment_due_at=due)
        )


def test_a_bid_in_the_window_extends_the_end_up_to_the_cap(city, client):
    """Each bid in the last window pushes the end back by the extension, never past the cap."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"], soft_close=SOFT)
    end = move_end(city, auction["auction_id"], 60)
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    first = bid(client, alpha, lot["lot_id"], 20_000).get_json()
    assert first["extended"] is True and first["auction"]["extension_count"] == 1
    row = auction_row(city, auction["auction_id"])
    assert row.ends_at == end + timedelta(seconds=300)
    second = bid(client, beta, lot["lot_id"], 30_000).get_json()
    assert second["extended"] is True
    row = auction_row(city, auction["auction_id"])
    assert row.ends_at == end + timedelta(seconds=420) and row.extension_count == 2
    third = bid(client, alpha, lot["lot_id"], 40_000).get_json()
    assert third["extended"] is False
    assert auction_row(city, auction["auction_id"]).ends_at == end + timedelta(seconds=420)


def test_reserve_not_met_leaves_the_lot_unsold_and_auctionable(city, client):
    """A price under the hidden reserve closes unsold; the lot can be auctioned again."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"], reserve_cents=50_000)
    alpha = register_plant(client, phone=ALPHA)
    bid(client, alpha, lot["lot_id"], 40_000)
    seen = client.get(f"/api/auctions/{auction['auction_id']}", headers=alpha.headers).get_json()
    assert seen["reserve_met"] is False
    assert close_now(city, auction["auction_id"]) == "unsold"
    assert _kinds(city, "auction", auction["auction_id"])[-2:] == ["closed", "unsold"]
    view = client.get(f"/api/lots/{lot['lot_id']}", headers=station).get_json()
    assert view["status"] == "unsold" and view["auction"]["award"]["status"] == "unsold"
    again = open_auction(client, station, lot["lot_id"], reserve_cents=0)
    assert again["auction_id"] != auction["auction_id"]


def test_equal_maxima_keep_the_earlier_bidder_in_the_lead(city, client):
    """Two bidders at the same maximum: the earlier leads at that price and wins it."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    bid(client, alpha, lot["lot_id"], 45_000)
    tie = bid(client, beta, lot["lot_id"], 45_000).get_json()
    assert tie["auction"]["you_lead"] is False and tie["auction"]["current_price_cents"] == 45_000
    assert close_now(city, auction["auction_id"]) == "awarded"
    row = auction_row(city, auction["auction_id"])
    assert (row.award_plant_id, row.award_price_cents) == (alpha.plant_id, 45_000)


def test_a_late_close_changes_nothing_the_clock_already_decided(city, client):
    """Bids after the end are refused by the database clock though nobody closed the auction;
    the close, however late and however often it runs, awards the pre-end leader's price."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    bid(client, alpha, lot["lot_id"], 30_000)
    bid(client, beta, lot["lot_id"], 20_000)
    move_end(city, auction["auction_id"], -30)
    late = bid(client, beta, lot["lot_id"], 90_000)
    assert late.status_code == 409 and late.get_json()["code"] == "auction_closed"
    live = client.get(f"/api/auctions/{auction['auction_id']}", headers=beta.headers).get_json()
    assert live["phase"] == "ended" and live["seconds_left"] == 0 and live["status"] == "open"
    with city.app_context():
        assert close_ended.delay().get() == 1
        assert close_ended.delay().get() == 0
    row = auction_row(city, auction["auction_id"])
    assert row.status == "awarded" and row.award_plant_id == alpha.plant_id
    assert row.award_price_cents == row.clearing_price_cents == 20_500
    assert (row.closed_at - row.ends_at) >= timedelta(seconds=30)
    assert _kinds(city, "auction", auction["auction_id"]).count("closed") == 1


def test_close_waits_for_the_end_by_the_database_clock(city, client):
    """The beat task leaves auctions that have not ended alone."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    with city.app_context():
        assert close_ended.delay().get() == 0
    assert auction_row(city, auction["auction_id"]).status == "open"


def test_the_winner_pays_collects_and_weighs_on_receipt(city, client):
    """Payment moves the price to revenue through the plant's account; the station hands over;
    the plant records its own weight; every step leaves a lot event."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    bid(client, alpha, lot["lot_id"], 30_000)
    bid(client, beta, lot["lot_id"], 20_000)
    lot_path = f"/api/lots/{lot['lot_id']}"
    early = client.post(f"{lot_path}/collection", json={}, headers=station)
    assert early.status_code == 409
    close_now(city, auction["auction_id"])
    pay = f"/api/auctions/{auction['auction_id']}/payment"
    body = {"bank_reference": "ICBC-PAY-0001"}
    assert client.post(pay, json=body, headers=beta.headers).status_code == 409
    paid = client.post(pay, json=body, headers={**alpha.headers, "Idempotency-Key": "pay-1"})
    assert paid.status_code == 201 and paid.get_json()["status"] == "paid"
    again = client.post(pay, json=body, headers=alpha.headers)
    assert again.status_code == 201
    assert _balance(city, "plant_account", alpha.user_id) == 0
    assert _balance(city, "platform_revenue") == 20_500
    handed = client.post(
        f"{lot_path}/collection", json={"vehicle_plate": "沪A12345"}, headers=station
    )
    assert handed.status_code == 201 and handed.get_json()["status"] == "collected"
    assert (
        client.post(
            f"{lot_path}/receipt", json={"net_grams": 99_000}, headers=beta.headers
        ).status_code
        == 409
    )
    received = client.post(f"{lot_path}/receipt", json={"net_grams": 99_000}, headers=alpha.headers)
    assert received.status_code == 201 and received.get_json()["received_net_grams"] == 99_000
    assert received.get_json()["is_yours"] is True
    events = client.get(f"{lot_path}/events", headers=station).get_json()
    assert [e["kind"] for e in events] == [
        "created",
        "auction_scheduled",
        "awarded",
        "paid",
        "collected",
        "received",
    ]
    assert events[-1]["data"]["difference_grams"] == -1_000
    manifests = client.get("/api/manifests", headers=alpha.headers).get_json()
    kinds = sorted(m["kind"] for m in manifests)
    assert kinds == ["lot_handover", "plant_receipt"]
    for manifest in manifests:
        check = client.get(
            f"/api/manifests/{manifest['manifest_id']}/verification", headers=alpha.headers
        )
        assert check.status_code == 200 and check.get_json()["status"] == "ok"


def test_a_defaulting_winner_forfeits_and_the_runner_up_is_offered_their_maximum(city, client):
    """Past the deadline the winner's deposit (10 % of the price) goes to revenue and the
    runner-up is offered the lot at their own maximum; they pay it."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    bid(client, alpha, lot["lot_id"], 60_000)
    bid(client, beta, lot["lot_id"], 40_000)
    close_now(city, auction["auction_id"])
    pay = f"/api/auctions/{auction['auction_id']}/payment"
    _expire_payment(city, auction["auction_id"])
    late = client.post(pay, json={"bank_reference": "ICBC-LATE-01"}, headers=alpha.headers)
    assert late.status_code == 409 and late.get_json()["code"] == "payment_overdue"
    with city.app_context():
        assert enforce_payment_deadlines.delay().get() == 1
    row = auction_row(city, auction["auction_id"])
    assert row.status == "offered" and row.award_plant_id == beta.plant_id
    assert row.award_price_cents == 40_000 and row.clearing_price_cents == 40_500
    assert _balance(city, "plant_deposit", alpha.user_id) == 1_000_000 - 4_050
    assert _balance(city, "platform_revenue") == 4_050
    offer = client.get(f"/api/auctions/{auction['auction_id']}", headers=beta.headers).get_json()
    assert offer["award"]["you_won"] is True and offer["award"]["price_cents"] == 40_000
    paid = client.post(pay, json={"bank_reference": "ICBC-RUNUP-1"}, headers=beta.headers)
    assert paid.status_code == 201 and paid.get_json()["status"] == "paid"
    assert "forfeited" in _kinds(city, "auction", auction["auction_id"])


def test_a_lapsed_offer_moves_on_without_forfeit_and_ends_unsold(city, client):
    """A runner-up who lets the offer lapse keeps their deposit; suspended bidders are skipped;
    with nobody left the lot is unsold."""
    _, station, lot = market(client)
    auction = open_auction(client, station, lot["lot_id"])
    alpha = register_plant(client, phone=ALPHA)
    beta = register_plant(client, phone=BETA)
    gamma = register_plant(client, phone=GAMMA)
    assert bid(client, gamma, lot["lot_id"], 30_000).status_code == 201
    assert bid(client, alpha, lot["lot_id"], 60_000).status_code == 201
    assert bid(client, beta, lot["lot_id"], 40_000).status_code == 201
    close_now(city, auction["auction_id"])
    with session_scope(city) as session:
        session.get(Plant, gamma.plant_id).status = "suspended"
    for _ in range(2):
        _expire_payment(city, auction["auction_id"])
        with city.app_context():
            enforce_payment_deadlines.delay().get()
    row = auction_row(city, auction["auction_id"])
    assert row.status == "unsold" and row.declined_plant_ids == [
        alpha.plant_id,
        beta.plant_id,
        gamma.plant_id,
    ]
    assert _balance(city, "plant_deposit", beta.user_id) == 1_000_000
    view = client.get(f"/api/lots/{lot['lot_id']}", headers=station).get_json()
    assert view["status"] == "unsold"


def test_beat_closes_ended_auctions_every_30_seconds(app):
    """The beat schedule runs the close sweep every 30 s and the deadline sweep too."""
    schedule = app.config["CELERY_BEAT_SCHEDULE"]
    assert schedule["auctions.close_ended"] == {"task": "auctions.close_ended", "schedule": 30.0}
    assert schedule["auctions.enforce_payment_deadlines"]["task"] == (
        "auctions.enforce_payment_deadlines"
    )
    assert app.extensions["celery"].conf.beat_schedule == schedule
