"""payouts.send_payout: retried, re-run or killed midway, a payout is paid exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from api.db import session_scope, utcnow
from api.ledger.models import LedgerTransaction, Payout
from api.payouts import service
from api.payouts.models import FakePayoutTransfer
from api.payouts.provider import FakePayoutProvider
from api.payouts.tasks import resend_stuck, send_payout
from tests.api.money_helpers import ledger_total, paid_pickup, unbalanced_transactions


class WorkerDied(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing on the way catches it."""


def _requested_payout(app, pickup, amount_cents: int = 500) -> int:
    """A payout committed as requested whose task message was lost (nothing sent yet)."""
    with session_scope(app) as session:
        payout = service.create_payout(
            session, user_id=pickup.resident_user_id, role="resident", amount_cents=amount_cents
        )
        session.info.pop("after_commit_tasks")
        return payout.payout_id


def _state(app, payout_id: int) -> dict:
    with session_scope(app) as session:
        payout = session.get(Payout, payout_id)
        transfers = session.scalars(
            select(FakePayoutTransfer).where(FakePayoutTransfer.idempotency_key == str(payout_id))
        ).all()
        paid = session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(
                LedgerTransaction.kind == "payout_paid",
                LedgerTransaction.reference == f"payout:{payout_id}",
            )
        )
        return {
            "status": payout.status,
            "attempts": payout.attempts,
            "transfers": len(transfers),
            "requests": sum(t.request_count for t in transfers),
            "paid_postings": paid,
            "balanced": ledger_total(session) == 0 and unbalanced_transactions(session) == [],
        }


def test_running_the_task_again_pays_nothing_more(city, client, login):
    """A duplicate delivery of the message after success finds the payout paid and stops."""
    pickup = paid_pickup(client, login)
    payout_id = _requested_payout(city, pickup)
    assert send_payout.apply(args=[payout_id]).get() == "paid"
    assert send_payout.apply(args=[payout_id]).get() is None
    assert _state(city, payout_id) == {
        "status": "paid",
        "attempts": 1,
        "transfers": 1,
        "requests": 1,
        "paid_postings": 1,
        "balanced": True,
    }


def test_crash_after_the_provider_paid_is_not_paid_twice(city, client, login, monkeypatch):
    """The worker dies after the provider paid but before our commit; the retry gets the
    provider's first answer back (same idempotency key), so one transfer, one posting."""
    pickup = paid_pickup(client, login)
    payout_id = _requested_payout(city, pickup, amount_cents=700)

    def die(*_args, **_kwargs):
        raise WorkerDied()

    monkeypatch.setattr(service, "settle_payout", die)
    with pytest.raises(WorkerDied):
        send_payout.apply(args=[payout_id])
    crashed = _state(city, payout_id)
    assert (crashed["status"], crashed["transfers"], crashed["paid_postings"]) == ("sending", 1, 0)
    monkeypatch.undo()
    assert send_payout.apply(args=[payout_id]).get() == "paid"
    assert _state(city, payout_id) == {
        "status": "paid",
        "attempts": 2,
        "transfers": 1,
        "requests": 2,
        "paid_postings": 1,
        "balanced": True,
    }
    wallet = client.get("/api/wallets/me", headers=pickup.resident).get_json()
    assert wallet["balance_cents"] == wallet["available_cents"] == 1360 - 700


def test_resend_stuck_picks_up_a_lost_message(city, client, login):
    """A payout left requested for 15+ minutes is sent by the sweep; a fresh one is left alone."""
    pickup = paid_pickup(client, login)
    old = _requested_payout(city, pickup, amount_cents=100)
    with session_scope(city) as session:
        session.execute(
            update(Payout)
            .where(Payout.payout_id == old)
            .values(updated_at=utcnow() - timedelta(minutes=16))
        )
    assert resend_stuck.apply().get() == 1
    assert _state(city, old)["status"] == "paid"
    fresh = _requested_payout(city, pickup, amount_cents=100)
    assert resend_stuck.apply().get() == 0
    assert _state(city, fresh)["status"] == "requested"


@pytest.mark.postgres
def test_two_workers_on_one_payout_pay_once(city, client, login):
    """Two deliveries of the same message run at once against a slow provider: one transfer."""
    city.extensions["payout_provider"] = FakePayoutProvider(
        city.extensions["db_sessionmaker"], delay_s=0.5
    )
    pickup = paid_pickup(client, login)
    payout_id = _requested_payout(city, pickup)
    results = []

    def run():
        with city.app_context():
            results.append(send_payout.apply(args=[payout_id]).get())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = _state(city, payout_id)
    assert (state["status"], state["transfers"], state["paid_postings"]) == ("paid", 1, 1)
    assert state["balanced"]
    assert "paid" in results
