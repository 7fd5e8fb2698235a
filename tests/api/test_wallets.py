"""GET /api/wallets/me: what a resident or collector is owed, may withdraw, and why."""

from __future__ import annotations

from sqlalchemy import select

from api.db import session_scope
from api.jobs.models import WeighingLine
from tests.api.collector_helpers import staff_headers, station_user
from tests.api.money_helpers import (
    COLLECTOR,
    add_weighing,
    ledger_total,
    paid_pickup,
    unbalanced_transactions,
)


def test_resident_wallet_shows_the_weighing_credit(city, client, login):
    """After a paid pickup the resident sees the total, available, and the entry's reference."""
    pickup = paid_pickup(client, login, goods_cents=1360, subsidy_cents=40)
    body = client.get("/api/wallets/me", headers=pickup.resident).get_json()
    assert body["account_kind"] == "resident_wallet"
    assert (body["balance_cents"], body["in_transit_cents"], body["available_cents"]) == (
        1400,
        0,
        1400,
    )
    assert body["total_entries"] == 1
    [entry] = body["entries"]
    assert entry["amount_cents"] == 1400
    assert entry["kind"] == "weighing_credit"
    assert entry["reference"] == f"weighing:{pickup.weighing_id}"
    assert entry["created_at"].endswith("+08:00")


def test_collector_owing_for_material_has_nothing_available(city, client, login):
    """A collector charged for goods not yet delivered has a negative balance and 0 available."""
    pickup = paid_pickup(client, login, goods_cents=1360, subsidy_cents=40)
    body = client.get("/api/wallets/me", headers=pickup.collector).get_json()
    assert body["account_kind"] == "collector_account"
    assert body["balance_cents"] == -1360
    assert body["available_cents"] == 0


def test_entries_are_paginated_newest_first(city, client, login):
    """page/page_size walk the entries newest first; total_entries counts them all."""
    pickup = paid_pickup(client, login, goods_cents=100, subsidy_cents=0)
    for goods in (200, 300):
        add_weighing(
            client.application,
            booking_id=pickup.booking_id,
            collector_id=pickup.collector_id,
            goods_cents=goods,
        )
    first = client.get("/api/wallets/me?page_size=2", headers=pickup.resident).get_json()
    second = client.get("/api/wallets/me?page=2&page_size=2", headers=pickup.resident).get_json()
    assert first["total_entries"] == 3
    assert [e["amount_cents"] for e in first["entries"]] == [300, 200]
    assert [e["amount_cents"] for e in second["entries"]] == [100]
    assert first["balance_cents"] == 600


def test_new_user_has_an_empty_wallet(city, client, login):
    """Someone never paid sees zeros and no entries (and the read creates nothing)."""
    body = client.get("/api/wallets/me", headers=login("+8613811112999")).get_json()
    assert body["balance_cents"] == body["available_cents"] == body["total_entries"] == 0
    assert body["entries"] == []


def test_bad_paging_is_422_and_staff_have_no_wallet(city, client, login):
    """page 0 and page_size 101 name their field; a station user gets 403."""
    headers = staff_headers(client, COLLECTOR, "collector")
    for query, field in (("page=0", "page"), ("page_size=101", "page_size"), ("page=a", "page")):
        response = client.get(f"/api/wallets/me?{query}", headers=headers)
        assert response.status_code == 422, query
        assert field in response.get_json()["errors"]
    station = staff_headers(client, "+8613900002002", "station")
    assert client.get("/api/wallets/me", headers=station).status_code == 403


def test_door_to_station_to_withdrawal_journey(city, client, login):
    """Through the phones' API: paid at the door, delivered at a station, both withdraw.

    The collector bought at 1360 and sold to the station at tariff + 10 % (1496), so their
    wallet holds the 136 margin; the ledger as a whole still sums to zero.
    """
    pickup = paid_pickup(client, login)
    resident = client.get("/api/wallets/me", headers=pickup.resident).get_json()
    assert resident["available_cents"] == 1360
    staff = station_user(client, "+8613900002101", "st-xuhui-s-1")
    with session_scope(city) as session:
        codes = list(
            session.scalars(
                select(WeighingLine.tag_code).where(WeighingLine.weighing_id == pickup.weighing_id)
            )
        )
    lines = [
        {"material": "pet", "grade": "clear", "net_grams": 3000, "tag_codes": [codes[0]]},
        {"material": "cardboard", "grade": "A", "net_grams": 5000, "tag_codes": [codes[1]]},
    ]
    delivered = client.post(
        "/api/station-deliveries",
        json={"collector_id": pickup.collector_id, "lines": lines},
        headers=staff,
    )
    assert delivered.status_code == 201, delivered.get_json()
    collector = client.get("/api/wallets/me", headers=pickup.collector).get_json()
    assert collector["balance_cents"] == collector["available_cents"] == 1496 - 1360
    assert collector["entries"][0]["kind"] == "delivery_credit"
    for headers, amount in ((pickup.collector, 136), (pickup.resident, 1360)):
        response = client.post("/api/payouts", json={"amount_cents": amount}, headers=headers)
        assert response.status_code == 201, response.get_json()
        assert client.get("/api/wallets/me", headers=headers).get_json()["balance_cents"] == 0
    with session_scope(city) as session:
        assert ledger_total(session) == 0 and unbalanced_transactions(session) == []
