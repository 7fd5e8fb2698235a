"""POST/GET /api/payouts: withdrawing what is available, once, with the money accounted for."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from api.db import session_scope
from api.ledger.models import LedgerTransaction, Payout
from api.payouts.models import FakePayoutTransfer
from api.payouts.provider import PayoutProviderUnavailableError
from tests.api.money_helpers import ledger_total, paid_pickup, unbalanced_transactions


class UnavailableProvider:
    """A provider that never answers: payouts stay in flight."""

    def send(self, payout_id, amount_cents, account_ref):
        raise PayoutProviderUnavailableError("down")


def unavailable_provider(_app):
    """Factory named by PAYOUT_PROVIDER in the tests that need a payout left in flight."""
    return UnavailableProvider()


def _wallet(client, headers) -> dict:
    return client.get("/api/wallets/me", headers=headers).get_json()


def _count(app, model) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_withdrawal_is_sent_and_paid(city, client, login):
    """A resident withdraws 10 of 14 CNY: 201 requested, then paid by the task; ledger moves."""
    pickup = paid_pickup(client, login, goods_cents=1360, subsidy_cents=40)
    response = client.post("/api/payouts", json={"amount_cents": 1000}, headers=pickup.resident)
    assert response.status_code == 201, response.get_json()
    payout = response.get_json()
    assert payout["status"] == "requested"
    after = client.get(f"/api/payouts/{payout['payout_id']}", headers=pickup.resident).get_json()
    assert after["status"] == "paid" and after["settled_at"]
    wallet = _wallet(client, pickup.resident)
    assert (wallet["balance_cents"], wallet["available_cents"]) == (400, 400)
    assert [e["kind"] for e in wallet["entries"]] == ["payout_request", "weighing_credit"]
    with session_scope(city) as session:
        kinds = session.scalars(
            select(LedgerTransaction.kind).where(
                LedgerTransaction.reference == f"payout:{payout['payout_id']}"
            )
        ).all()
        assert sorted(kinds) == ["payout_paid", "payout_request"]
        assert ledger_total(session) == 0 and unbalanced_transactions(session) == []


def test_amount_rules_are_422_naming_the_field(city, client, login):
    """Non-positive, non-integer, above available, or system fields: 422 and nothing written."""
    pickup = paid_pickup(client, login, goods_cents=500, subsidy_cents=0)
    cases = [
        ({"amount_cents": 0}, "amount_cents"),
        ({"amount_cents": -5}, "amount_cents"),
        ({"amount_cents": 10.5}, "amount_cents"),
        ({"amount_cents": "100"}, "amount_cents"),
        ({"amount_cents": True}, "amount_cents"),
        ({"amount_cents": 501}, "amount_cents"),
        ({}, "amount_cents"),
        ({"amount_cents": 100, "status": "paid"}, "status"),
        ({"amount_cents": 100, "user_id": 1}, "user_id"),
    ]
    for body, field in cases:
        response = client.post("/api/payouts", json=body, headers=pickup.resident)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (body, response.get_json())
    assert _count(city, Payout) == 0
    assert _wallet(client, pickup.resident)["available_cents"] == 500


def test_collector_cannot_withdraw_what_they_owe(city, client, login):
    """A collector whose account is negative (material not delivered) has nothing to withdraw."""
    pickup = paid_pickup(client, login)
    response = client.post("/api/payouts", json={"amount_cents": 1}, headers=pickup.collector)
    assert response.status_code == 422
    assert "0 cents available" in response.get_json()["errors"]["amount_cents"][0]


def test_idempotency_key_replays_one_payout(city, client, login):
    """The same key twice is one payout and one debit; the second answer is the replay."""
    pickup = paid_pickup(client, login)
    headers = {**pickup.resident, "Idempotency-Key": "payout-key-0001"}
    first = client.post("/api/payouts", json={"amount_cents": 300}, headers=headers)
    second = client.post("/api/payouts", json={"amount_cents": 300}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.get_json() == second.get_json()
    assert _count(city, Payout) == 1
    assert _wallet(client, pickup.resident)["available_cents"] == 1360 - 300


@pytest.fixture
def provider_down(app_config):
    """The provider never answers, so a payout stays in flight."""
    app_config["PAYOUT_PROVIDER"] = "tests.api.test_payouts:unavailable_provider"
    return app_config


def test_second_withdrawal_while_one_is_in_flight_is_409(provider_down, city, client, login):
    """While a payout is unsettled the wallet shows it in transit and refuses another (409)."""
    pickup = paid_pickup(client, login)
    first = client.post("/api/payouts", json={"amount_cents": 300}, headers=pickup.resident)
    assert first.status_code == 201
    payout = client.get(f"/api/payouts/{first.get_json()['payout_id']}", headers=pickup.resident)
    assert payout.get_json()["status"] == "sending"
    wallet = _wallet(client, pickup.resident)
    assert (wallet["balance_cents"], wallet["in_transit_cents"], wallet["available_cents"]) == (
        1360,
        300,
        1060,
    )
    again = client.post("/api/payouts", json={"amount_cents": 100}, headers=pickup.resident)
    assert again.status_code == 409
    assert again.get_json()["code"] == "payout_in_flight"
    assert _count(city, Payout) == 1


@pytest.fixture
def low_limit(app_config):
    """The fake provider refuses single transfers above 10.00 CNY."""
    app_config["FAKE_PAYOUT_LIMIT_CENTS"] = 1000
    return app_config


def test_provider_refusal_refunds_the_wallet(low_limit, city, client, login):
    """A transfer the provider refuses ends failed, and the money is back in the wallet."""
    pickup = paid_pickup(client, login)
    created = client.post("/api/payouts", json={"amount_cents": 1200}, headers=pickup.resident)
    payout = client.get(
        f"/api/payouts/{created.get_json()['payout_id']}", headers=pickup.resident
    ).get_json()
    assert payout["status"] == "failed"
    assert payout["failure_reason"] == "above the single-transfer limit"
    wallet = _wallet(client, pickup.resident)
    assert wallet["available_cents"] == wallet["balance_cents"] == 1360
    assert [e["kind"] for e in wallet["entries"]] == [
        "payout_refund",
        "payout_request",
        "weighing_credit",
    ]
    again = client.post("/api/payouts", json={"amount_cents": 900}, headers=pickup.resident)
    assert again.status_code == 201  # a failed payout no longer blocks the next one


def test_payouts_are_private(city, client, login):
    """Each user lists only their own payouts; another's payout is a 404; staff get 403."""
    pickup = paid_pickup(client, login)
    created = client.post("/api/payouts", json={"amount_cents": 100}, headers=pickup.resident)
    path = f"/api/payouts/{created.get_json()['payout_id']}"
    stranger = login("+8613811112777")
    assert client.get(path, headers=stranger).status_code == 404
    assert client.get("/api/payouts", headers=stranger).get_json() == []
    mine = client.get("/api/payouts", headers=pickup.resident)
    assert [p["amount_cents"] for p in mine.get_json()] == [100]
    assert client.get(path, headers=pickup.collector).status_code == 404


@pytest.mark.postgres
def test_two_concurrent_withdrawals_pay_once(provider_down, city, client, login):
    """Two phones withdrawing the whole balance at once: one 201, one 409, never overdrawn."""
    pickup = paid_pickup(client, login)
    barrier = threading.Barrier(2)
    statuses = []

    def withdraw():
        with city.test_client() as own:
            barrier.wait()
            response = own.post(
                "/api/payouts", json={"amount_cents": 1360}, headers=pickup.resident
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=withdraw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert _count(city, Payout) == 1
    assert _count(city, FakePayoutTransfer) == 0
    assert _wallet(client, pickup.resident)["available_cents"] == 0
