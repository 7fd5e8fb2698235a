"""Property tests: random sequences of completions, deliveries, disputes and payouts.

Whatever the order and amounts, the ledger stays double-entry (every transaction and the whole
ledger sum to zero), each wallet equals credits - payouts + compensations + refunds, no payout
is paid twice (even when a worker dies after the provider paid), and nobody is overdrawn.
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.db import session_scope, utcnow
from api.disputes import service as disputes
from api.errors import ValidationError
from api.ledger.models import LedgerTransaction, Payout
from api.ledger.postings import credit_collector_for_delivery
from api.ledger.service import balance_cents, get_account
from api.payouts import service as payouts
from api.payouts.models import FakePayoutTransfer
from api.payouts.provider import FakePayoutProvider
from api.payouts.tasks import send_payout
from api.stations.models import Station, StationDelivery
from api.zones.models import Zone
from tests.api.money_helpers import add_weighing, ledger_total, paid_pickup, unbalanced_transactions

PROVIDER_LIMIT_CENTS = 3000  # payouts above this fail at the provider and are refunded

WHO = st.integers(0, 1)
OPS = st.one_of(
    st.tuples(st.just("complete"), WHO, st.integers(0, 5000), st.integers(0, 300)),
    st.tuples(st.just("deliver"), WHO, st.integers(0, 6000)),
    st.tuples(st.just("dispute"), WHO, st.integers(1, 2000), st.booleans()),
    st.tuples(
        st.just("payout"),
        st.sampled_from(["resident", "collector"]),
        WHO,
        st.integers(1, 100),
        st.booleans(),
    ),
)


class WorkerDied(BaseException):
    """A worker killed between the provider's answer and our commit."""


@pytest.fixture
def world(city, client, login):
    """Two pickups (two residents, two collectors), a station, a provider with a limit."""
    city.extensions["payout_provider"] = FakePayoutProvider(
        city.extensions["db_sessionmaker"], limit_cents=PROVIDER_LIMIT_CENTS
    )
    pickups = [
        paid_pickup(
            client, login, resident_phone=f"+861381111400{i}", collector_phone=f"+861371111400{i}"
        )
        for i in range(2)
    ]
    with session_scope(city) as session:
        zone_id = session.scalar(select(Zone.zone_id).where(Zone.code == "xuhui-s"))
        station = Station(code="ST-P", name="P", zone_id=zone_id, latitude=31.2, longitude=121.44)
        session.add(station)
        session.flush()
        station_id = station.station_id
    return city, pickups, station_id


def _wallet(session, role: str, user_id: int):
    kind = "resident_wallet" if role == "resident" else "collector_account"
    return get_account(session, kind=kind, owner_user_id=user_id)


def _owner(pickup, role: str) -> int:
    return pickup.resident_user_id if role == "resident" else pickup.collector_user_id


def _balances(app, pickups) -> dict[tuple[str, int], int]:
    with session_scope(app) as session:
        return {
            (role, i): balance_cents(session, account=_wallet(session, role, _owner(p, role)))
            for i, p in enumerate(pickups)
            for role in ("resident", "collector")
        }


def _deliver(app, pickup, station_id: int, amount: int) -> None:
    with session_scope(app) as session:
        delivery = StationDelivery(
            station_id=station_id,
            collector_id=pickup.collector_id,
            received_by_user_id=pickup.resident_user_id,
            received_at=utcnow(),
        )
        session.add(delivery)
        session.flush()
        credit_collector_for_delivery(session, delivery=delivery, amount_cents=amount)


def _dispute(app, pickup, amount: int, upheld: bool) -> int:
    """Open and resolve a dispute; returns the compensation actually paid."""
    with session_scope(app) as session:
        dispute = disputes.open_dispute(
            session,
            user_id=pickup.resident_user_id,
            booking_id=pickup.booking_id,
            reason="property",
            evidence_refs=[],
        )
        cap = disputes._latest_weighing(session, pickup.booking_id).quoted_total_cents
        paid = min(amount, cap) if upheld else 0
        disputes.resolve_dispute(
            session,
            admin_id=pickup.resident_user_id,
            dispute_id=dispute.dispute_id,
            outcome="upheld" if upheld else "rejected",
            compensation_cents=paid,
            note="property",
        )
    return paid


def _payout(app, pickup, role: str, percent: int, crash: bool) -> int:
    """Withdraw ``percent`` of what is available; returns what left the wallet for good."""
    user_id = _owner(pickup, role)
    with session_scope(app) as session:
        available = max(0, balance_cents(session, account=_wallet(session, role, user_id)))
    amount = max(1, available * percent // 100)
    with session_scope(app) as session:
        if available == 0:
            with pytest.raises(ValidationError):
                payouts.create_payout(session, user_id=user_id, role=role, amount_cents=amount)
            return 0
        payout = payouts.create_payout(session, user_id=user_id, role=role, amount_cents=amount)
        if crash:
            session.info.pop("after_commit_tasks")
    if crash:
        dies = mock.patch.object(payouts, "settle_payout", side_effect=WorkerDied)
        with dies, pytest.raises(WorkerDied):
            send_payout.apply(args=[payout.payout_id])
        send_payout.apply(args=[payout.payout_id])
    return amount if amount <= PROVIDER_LIMIT_CENTS else 0


def _apply(app, pickups, station_id, op, expected) -> None:
    kind, *args = op
    if kind == "complete":
        who, goods, subsidy = args
        p = pickups[who]
        add_weighing(
            app,
            booking_id=p.booking_id,
            collector_id=p.collector_id,
            goods_cents=goods,
            subsidy_cents=subsidy,
        )
        expected[("resident", who)] += goods + subsidy
        expected[("collector", who)] -= goods
    elif kind == "deliver":
        who, amount = args
        _deliver(app, pickups[who], station_id, amount)
        expected[("collector", who)] += amount
    elif kind == "dispute":
        who, amount, upheld = args
        expected[("resident", who)] += _dispute(app, pickups[who], amount, upheld)
    else:
        role, who, percent, crash = args
        expected[(role, who)] -= _payout(app, pickups[who], role, percent, crash)


def _check_exactly_once(session) -> None:
    settled = session.execute(
        select(LedgerTransaction.reference, func.count())
        .where(LedgerTransaction.kind.in_(("payout_paid", "payout_refund")))
        .group_by(LedgerTransaction.reference)
    ).all()
    assert all(count == 1 for _, count in settled), settled
    transfers = session.execute(
        select(FakePayoutTransfer.idempotency_key, func.count()).group_by(
            FakePayoutTransfer.idempotency_key
        )
    ).all()
    assert all(count == 1 for _, count in transfers)
    payouts_done = session.scalar(
        select(func.count()).select_from(Payout).where(Payout.status.in_(("paid", "failed")))
    )
    assert payouts_done == len(settled) == session.scalar(select(func.count()).select_from(Payout))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_ledger_invariants_hold_for_any_sequence(world, ops):
    """Sum 0 everywhere; wallets equal the model; each payout settled once; none overdrawn."""
    app, pickups, station_id = world
    expected = _balances(app, pickups)
    for op in ops:
        before = _balances(app, pickups)
        _apply(app, pickups, station_id, op, expected)
        after = _balances(app, pickups)
        # residents are never overdrawn; a payout never takes anyone below zero
        assert all(after[("resident", i)] >= 0 for i in range(2))
        if op[0] == "payout":
            key = (op[1], op[2])
            assert after[key] >= min(before[key], 0)
    assert _balances(app, pickups) == expected
    with session_scope(app) as session:
        assert ledger_total(session) == 0
        assert unbalanced_transactions(session) == []
        _check_exactly_once(session)
