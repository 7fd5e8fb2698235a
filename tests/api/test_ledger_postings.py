"""The money postings: who is credited and debited for a weighing, a delivery, a dispute."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from api.db import session_scope, utcnow
from api.errors import ConflictError, ValidationError
from api.jobs.models import Dispute, Weighing
from api.ledger.models import LedgerTransaction
from api.ledger.postings import (
    credit_collector_for_delivery,
    credit_resident_for_weighing,
    post_dispute_compensation,
    station_buying_price_cents,
)
from api.ledger.service import balance_cents, get_account
from api.materials.models import Material
from api.stations.models import Station, StationDelivery, StationDeliveryLine
from api.zones.models import Zone
from tests.api.money_helpers import ledger_total, paid_pickup, unbalanced_transactions


def _balances(session, pickup) -> dict[str, int]:
    accounts = {
        "resident": get_account(
            session, kind="resident_wallet", owner_user_id=pickup.resident_user_id
        ),
        "collector": get_account(
            session, kind="collector_account", owner_user_id=pickup.collector_user_id
        ),
        "subsidies": get_account(session, kind="subsidies"),
        "revenue": get_account(session, kind="platform_revenue"),
    }
    return {name: balance_cents(session, account=a) for name, a in accounts.items()}


def test_weighing_credits_resident_and_charges_collector_once(city, client, login):
    """Total to the resident, goods charged to the collector, subsidy from the budget; once."""
    pickup = paid_pickup(client, login, goods_cents=1360, subsidy_cents=40)
    with session_scope(city) as session:
        weighing = session.get(Weighing, pickup.weighing_id)
        again = credit_resident_for_weighing(session, weighing=weighing)
        assert again.reference == f"weighing:{pickup.weighing_id}"
        assert _balances(session, pickup) == {
            "resident": 1400,
            "collector": -1360,
            "subsidies": -40,
            "revenue": 0,
        }
        count = session.scalars(
            select(LedgerTransaction).where(LedgerTransaction.kind == "weighing_credit")
        ).all()
        assert len(count) == 1


@pytest.mark.parametrize("status", ["pending_acceptance", "refused", "superseded"])
def test_weighing_the_resident_is_not_bound_by_is_not_paid(city, client, login, status):
    """Only recorded or accepted weighings are paid; the others are a 409 and post nothing."""
    pickup = paid_pickup(client, login, status="pending_acceptance")
    with session_scope(city) as session:
        weighing = session.get(Weighing, pickup.weighing_id)
        weighing.status = status
        with pytest.raises(ConflictError):
            credit_resident_for_weighing(session, weighing=weighing)
        assert session.scalars(select(LedgerTransaction)).all() == []


def _delivery(session, pickup, lines: list[tuple[str, str, int]]) -> StationDelivery:
    zone = session.scalar(select(Zone).where(Zone.code == "xuhui-s"))
    station = Station(
        code="ST-T1", name="Test station", zone_id=zone.zone_id, latitude=31.2, longitude=121.44
    )
    session.add(station)
    session.flush()
    delivery = StationDelivery(
        station_id=station.station_id,
        collector_id=pickup.collector_id,
        received_by_user_id=pickup.resident_user_id,
        received_at=utcnow(),
    )
    for code, grade, grams in lines:
        material = session.scalar(select(Material).where(Material.code == code))
        delivery.lines.append(
            StationDeliveryLine(
                material_id=material.material_id, material_code=code, grade=grade, net_grams=grams
            )
        )
    session.add(delivery)
    session.flush()
    return delivery


def test_station_price_is_tariff_plus_margin_rounded_per_line(city, client, login):
    """pet 220 c/kg × 2.999 kg × 1.1 = 725.758 → 726; cardboard 140 × 5.003 × 1.1 → 770."""
    pickup = paid_pickup(client, login)
    with session_scope(city) as session:
        delivery = _delivery(session, pickup, [("pet", "clear", 2999), ("cardboard", "A", 5003)])
        assert station_buying_price_cents(session, delivery=delivery) == 726 + 770
        assert station_buying_price_cents(session, delivery=delivery, margin_pct=Decimal(0)) == (
            660 + 700
        )
        credit_collector_for_delivery(session, delivery=delivery)
        credit_collector_for_delivery(session, delivery=delivery)  # a retry posts nothing more
        balances = _balances(session, pickup)
    # the collector bought at 1360 and sold at 1496: the margin is theirs
    assert balances["collector"] == -1360 + 1496
    assert balances["revenue"] == -1496


def test_piece_priced_delivery_needs_an_explicit_amount(city, client, login):
    """A fridge is priced per piece, so the station must give the amount (422 naming the line)."""
    pickup = paid_pickup(client, login)
    with session_scope(city) as session:
        delivery = _delivery(session, pickup, [("fridge", "working", 40_000)])
        with pytest.raises(ValidationError) as error:
            station_buying_price_cents(session, delivery=delivery)
        assert "lines.0" in error.value.errors
        credit_collector_for_delivery(session, delivery=delivery, amount_cents=6600)
        assert _balances(session, pickup)["collector"] == -1360 + 6600


def test_dispute_compensation_adds_entries_and_never_edits(city, client, login):
    """Compensation is a new transaction; the weighing's transaction is untouched; once."""
    pickup = paid_pickup(client, login, goods_cents=1360, subsidy_cents=40)
    with session_scope(city) as session:
        dispute = Dispute(
            booking_id=pickup.booking_id, opened_by_user_id=pickup.resident_user_id, reason="x"
        )
        session.add(dispute)
        session.flush()
        with pytest.raises(ValidationError):
            post_dispute_compensation(session, dispute=dispute, amount_cents=0)
        first = post_dispute_compensation(session, dispute=dispute, amount_cents=250)
        second = post_dispute_compensation(session, dispute=dispute, amount_cents=250)
        assert first.transaction_id == second.transaction_id
        balances = _balances(session, pickup)
        weighing_tx = session.scalar(
            select(LedgerTransaction).where(LedgerTransaction.kind == "weighing_credit")
        )
        assert sorted(e.amount_cents for e in weighing_tx.entries) == [-1360, -40, 1400]
    assert balances["resident"] == 1400 + 250
    assert balances["revenue"] == -250


def test_every_transaction_sums_to_zero_after_a_scenario(city, client, login):
    """Weighings, a delivery and a compensation: each transaction and the whole ledger sum to 0."""
    first = paid_pickup(client, login, goods_cents=999, subsidy_cents=1)
    paid_pickup(client, login, goods_cents=12_345, subsidy_cents=0)
    with session_scope(city) as session:
        delivery = _delivery(session, first, [("pet", "clear", 7777)])
        credit_collector_for_delivery(session, delivery=delivery)
        dispute = Dispute(
            booking_id=first.booking_id, opened_by_user_id=first.resident_user_id, reason="x"
        )
        session.add(dispute)
        session.flush()
        post_dispute_compensation(session, dispute=dispute, amount_cents=77)
    with session_scope(city) as session:
        assert len(session.scalars(select(LedgerTransaction)).all()) == 4
        assert unbalanced_transactions(session) == []
        assert ledger_total(session) == 0
