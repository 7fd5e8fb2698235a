"""The postings of the pickup money flow: each one a balanced transaction, posted once.

Every function takes the caller's session and never commits. Each posting is keyed by
``(kind, reference)``, so calling it twice for the same weighing, delivery, dispute or
payout returns the first transaction instead of paying again. The chart of accounts and the
entries of each posting are in ``api/ledger/README.md``.
"""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.collectors.models import Collector
from api.errors import ConflictError, ValidationError
from api.jobs.models import Dispute, Weighing
from api.ledger.models import LedgerAccount, LedgerTransaction, Payout
from api.ledger.service import UnbalancedTransactionError, get_account, post_transaction
from api.stations.models import Station, StationDelivery
from api.tariffs.service import active_rates
from api.timeutil import to_local
from api.zones.models import Zone
from pricing.money import exact_amount, to_cents
from pricing.tariffs import select_rate

# Only a weighing the resident is bound by may be paid: recorded within the threshold, or
# accepted by the resident after falling too far below the quote.
PAYABLE_WEIGHING_STATUSES = ("recorded", "accepted")
DEFAULT_COLLECTOR_MARGIN_PCT = Decimal("10")


def _collector_user_id(session: Session, collector_id: int) -> int:
    return session.get(Collector, collector_id).user_id


def credit_resident_for_weighing(session: Session, *, weighing: Weighing) -> LedgerTransaction:
    """Pay the resident for a completed weighing: once per weighing.

    resident_wallet +total; collector_account -goods (the collector bought the material
    through the platform); subsidies -subsidy.
    """
    if weighing.status not in PAYABLE_WEIGHING_STATUSES:
        raise ConflictError(
            f"a weighing that is {weighing.status} cannot be paid", code="invalid_state"
        )
    if weighing.total_cents != weighing.goods_cents + weighing.subsidy_cents:
        raise UnbalancedTransactionError(f"weighing {weighing.weighing_id}: total != goods+subsidy")
    booking = session.get(Booking, weighing.booking_id)
    collector_user = _collector_user_id(session, weighing.collector_id)
    return post_transaction(
        session,
        kind="weighing_credit",
        reference=f"weighing:{weighing.weighing_id}",
        memo=f"booking {booking.booking_id}",
        entries=[
            (
                get_account(session, kind="resident_wallet", owner_user_id=booking.resident_id),
                weighing.total_cents,
            ),
            (
                get_account(session, kind="collector_account", owner_user_id=collector_user),
                -weighing.goods_cents,
            ),
            (get_account(session, kind="subsidies"), -weighing.subsidy_cents),
        ],
    )


def collector_margin_pct() -> Decimal:
    """The collector's margin over the tariff at the station (config COLLECTOR_MARGIN_PCT)."""
    if not has_app_context():
        return DEFAULT_COLLECTOR_MARGIN_PCT
    return Decimal(
        str(current_app.config.get("COLLECTOR_MARGIN_PCT", DEFAULT_COLLECTOR_MARGIN_PCT))
    )


def station_buying_price_cents(
    session: Session, *, delivery: StationDelivery, margin_pct: Decimal | None = None
) -> int:
    """What the station pays the collector for a delivery.

    Per line: the resident tariff in force in the station's zone on the local delivery date,
    times the net kg, times (1 + margin %), rounded once per line; the sum of the lines.
    """
    margin = collector_margin_pct() if margin_pct is None else margin_pct
    factor = 1 + margin / 100
    station = session.get(Station, delivery.station_id)
    zone_code = session.get(Zone, station.zone_id).code
    on = to_local(delivery.received_at).date()
    rates = active_rates(session, material_codes={line.material_code for line in delivery.lines})
    total = 0
    for index, line in enumerate(delivery.lines):
        rate = select_rate(
            rates, material_code=line.material_code, grade=line.grade, zone_code=zone_code, on=on
        )
        if rate.unit != "kg":
            raise ValidationError.on(
                f"lines.{index}", "priced per piece; the station must give the amount"
            )
        exact = exact_amount(
            unit_price_cents=rate.price_cents_per_unit, quantity=line.net_grams, unit="kg"
        )
        total += to_cents(exact * factor)
    return total


def credit_collector_for_delivery(
    session: Session, *, delivery: StationDelivery, amount_cents: int | None = None
) -> LedgerTransaction:
    """The station buys a delivery from the collector: once per delivery.

    collector_account +amount; platform_revenue -amount (the platform's cost of the
    material, recovered when plants pay for the lot). Without ``amount_cents`` the price is
    :func:`station_buying_price_cents`.
    """
    if amount_cents is None:
        amount_cents = station_buying_price_cents(session, delivery=delivery)
    if amount_cents < 0:
        raise ValidationError.on("amount_cents", "must not be negative")
    collector_user = _collector_user_id(session, delivery.collector_id)
    return post_transaction(
        session,
        kind="delivery_credit",
        reference=f"delivery:{delivery.station_delivery_id}",
        memo=f"station {delivery.station_id}",
        entries=[
            (
                get_account(session, kind="collector_account", owner_user_id=collector_user),
                amount_cents,
            ),
            (get_account(session, kind="platform_revenue"), -amount_cents),
        ],
    )


def post_dispute_compensation(
    session: Session, *, dispute: Dispute, amount_cents: int
) -> LedgerTransaction:
    """Compensate the resident of a disputed booking: new entries, never an edit; once.

    resident_wallet +amount; platform_revenue -amount (the platform stands behind its
    collectors' weighings).
    """
    if amount_cents <= 0:
        raise ValidationError.on("compensation_cents", "must be positive")
    booking = session.get(Booking, dispute.booking_id)
    return post_transaction(
        session,
        kind="dispute_compensation",
        reference=f"dispute:{dispute.dispute_id}",
        memo=f"booking {booking.booking_id}",
        entries=[
            (
                get_account(session, kind="resident_wallet", owner_user_id=booking.resident_id),
                amount_cents,
            ),
            (get_account(session, kind="platform_revenue"), -amount_cents),
        ],
    )


def post_payout_requested(session: Session, *, payout: Payout) -> LedgerTransaction:
    """Reserve a withdrawal: wallet -amount; payouts_in_transit +amount."""
    return _payout_posting(session, payout, "payout_request", "payouts_in_transit", "wallet")


def post_payout_paid(session: Session, *, payout: Payout) -> LedgerTransaction:
    """The provider paid: payouts_in_transit -amount; platform_cash +amount (cash left)."""
    return _payout_posting(session, payout, "payout_paid", "platform_cash", "payouts_in_transit")


def post_payout_refund(session: Session, *, payout: Payout) -> LedgerTransaction:
    """The provider refused: payouts_in_transit -amount; wallet +amount (money back)."""
    return _payout_posting(session, payout, "payout_refund", "wallet", "payouts_in_transit")


def _payout_posting(
    session: Session, payout: Payout, kind: str, to: str, from_: str
) -> LedgerTransaction:
    def account(name: str) -> LedgerAccount:
        if name == "wallet":
            return session.get(LedgerAccount, payout.account_id)
        return get_account(session, kind=name)

    return post_transaction(
        session,
        kind=kind,
        reference=f"payout:{payout.payout_id}",
        entries=[(account(to), payout.amount_cents), (account(from_), -payout.amount_cents)],
    )
