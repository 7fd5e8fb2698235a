"""Bids racing at the close on PostgreSQL: exactly once, in the order the database took them.

Each thread has its own test client and Idempotency-Key; some keys are sent twice at once.
The stored auction must equal pricing's serial replay of the accepted bids in bid-id order.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from api.auctions.models import Auction, AuctionBid
from api.auctions.tasks import close_auction
from api.db import session_scope
from pricing import (
    DEFAULT_INCREMENT_TIERS,
    AuctionParams,
    Bid,
    BidderStanding,
    SoftCloseParams,
    replay,
)
from tests.api.market_helpers import market, move_end, open_auction, register_plant

PLANTS = 20
ATTEMPTS = 100
DUPLICATES = 5  # the last few attempts reuse the first few keys, sent at the same moment
SOFT = {"window_seconds": 1, "extension_seconds": 1, "cap_seconds": 3}


def _race(app, lot_id: int, attempts, start) -> list[tuple[str, int, dict]]:
    """Send every ``(plant, amount, key)`` from its own thread once ``start()`` has run."""
    barrier = threading.Barrier(len(attempts) + 1)
    results: list[tuple[str, int, dict]] = []
    lock = threading.Lock()

    def attempt(plant, amount, key):
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/lots/{lot_id}/bids",
            json={"max_amount_cents": amount},
            headers={**plant.headers, "Idempotency-Key": key},
        )
        with lock:
            results.append((key, response.status_code, response.get_json()))

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for thread in threads:
        thread.start()
    start()
    barrier.wait()
    for thread in threads:
        thread.join()
    return results


def _params(auction: Auction) -> AuctionParams:
    """The terms the test set, rebuilt independently of the app's own adapter."""
    return AuctionParams(
        start_price_cents=10_000,
        end_at=auction.scheduled_end_at,
        tiers=DEFAULT_INCREMENT_TIERS,
        starts_at=auction.starts_at,
        soft_close=SoftCloseParams(
            window=timedelta(seconds=1), extension=timedelta(seconds=1), cap=timedelta(seconds=3)
        ),
        deposit_pct=Decimal(0),
    )


def _stored(app, auction_id: int) -> tuple[Auction, list[AuctionBid]]:
    with session_scope(app) as session:
        auction = session.get(Auction, auction_id)
        rows = list(
            session.scalars(
                select(AuctionBid)
                .where(AuctionBid.auction_id == auction_id)
                .order_by(AuctionBid.bid_id)
            )
        )
        return auction, rows


def _extensions(bids: list[Bid], params: AuctionParams) -> int:
    """How many accepted bids moved the end, by replaying every prefix."""
    ends = [replay(bids[:n], params).end_at for n in range(len(bids) + 1)]
    return sum(1 for before, after in zip(ends, ends[1:], strict=False) if after != before)


@pytest.mark.postgres
def test_100_bids_in_the_last_second_equal_the_serial_replay(city, client):
    """None lost, none counted twice, and price, leader, end and extensions equal the replay;
    a retry of every key afterwards replays the first answer and adds nothing."""
    _, station, lot = market(client)
    plants = [register_plant(client, phone=f"+86139000090{i:02d}") for i in range(PLANTS)]
    auction = open_auction(client, station, lot["lot_id"], soft_close=SOFT, deposit_pct="0")
    rng = random.Random(20261124)
    attempts = [
        (plants[i % PLANTS], rng.randrange(10_000, 400_000, 100), f"race-{i:03d}")
        for i in range(ATTEMPTS - DUPLICATES)
    ]
    attempts += attempts[:DUPLICATES]
    results = _race(
        city, lot["lot_id"], attempts, lambda: move_end(city, auction["auction_id"], 1.0)
    )

    stored, rows = _stored(city, auction["auction_id"])
    accepted = {body["bid_id"] for _, status, body in results if status == 201}
    assert accepted == {row.bid_id for row in rows}, "a 201 without a bid, or a bid without one"
    winning_keys = {key for key, status, _ in results if status == 201}
    assert len(winning_keys) == len(rows), "one key produced two bids"
    refusals = {body["code"] for _, status, body in results if status == 409}
    assert refusals <= {"below_minimum", "auction_closed", "idempotency_in_progress"}
    assert len(rows) >= 1
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert [row.placed_at for row in rows] == sorted(row.placed_at for row in rows)

    bids = [Bid(str(r.plant_id), r.max_amount_cents, r.placed_at, r.seq) for r in rows]
    params = _params(stored)
    standings = {str(p.plant_id): BidderStanding(True, True, 1_000_000) for p in plants}
    expected = replay(bids, params, standings=standings)
    assert len(expected.accepted_bids) == len(rows), "the database took a bid the rules refuse"
    assert stored.current_price_cents == expected.current_price_cents
    assert str(stored.leader_plant_id) == expected.leader_id
    assert stored.leader_max_cents == expected.leader_max_cents
    assert stored.ends_at == expected.end_at
    assert stored.extension_count == _extensions(bids, params)
    assert stored.bid_count == len(rows)

    retries = _race(city, lot["lot_id"], attempts[: ATTEMPTS - DUPLICATES], lambda: None)
    first = {key: body for key, status, body in results if status == 201}
    for key, status, body in retries:
        if key in first:
            assert (status, body) == (201, first[key])
    assert len(_stored(city, auction["auction_id"])[1]) == len(rows)

    time.sleep(max(0.0, (stored.ends_at - rows[-1].placed_at).total_seconds()) + 0.2)
    with city.app_context():
        assert close_auction.delay(auction["auction_id"]).get() == "awarded"
    closed, _ = _stored(city, auction["auction_id"])
    assert closed.award_plant_id == stored.leader_plant_id
    assert closed.award_price_cents == expected.current_price_cents
