"""A paid pickup for the money tests: booked, held by a collector, weighed, completed, paid."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from api.bookings.models import Booking
from api.db import session_scope, utcnow
from api.jobs.models import Weighing
from api.ledger.models import LedgerEntry, LedgerTransaction
from api.ledger.postings import credit_resident_for_weighing
from tests.api.collector_helpers import (
    enrol_approved_collector,
    weighed_and_completed_job,
)
from tests.api.helpers import book

RESIDENT = "+8613811112001"
COLLECTOR = "+8613711112001"
ADMIN = "+8613900002001"


@dataclass
class Pickup:
    """A completed, paid booking seen from both phones."""

    resident: dict
    collector: dict
    booking_id: int
    weighing_id: int
    resident_user_id: int
    collector_user_id: int
    collector_id: int


def user_id_of(client, headers: dict) -> int:
    """The signed-in user's id."""
    return client.get("/api/auth/me", headers=headers).get_json()["user_id"]


def add_weighing(
    app,
    *,
    booking_id: int,
    collector_id: int,
    goods_cents: int,
    subsidy_cents: int = 0,
    status: str = "recorded",
) -> int:
    """Record a weighing of the booking and, when payable, pay the resident as completion does."""
    with session_scope(app) as session:
        weighing = Weighing(
            booking_id=booking_id,
            collector_id=collector_id,
            weighed_at=utcnow(),
            quoted_total_cents=goods_cents + subsidy_cents,
            goods_cents=goods_cents,
            subsidy_cents=subsidy_cents,
            total_cents=goods_cents + subsidy_cents,
            status=status,
        )
        session.add(weighing)
        session.flush()
        booking = session.get(Booking, booking_id)
        booking.collector_id = collector_id
        if status in ("recorded", "accepted"):
            credit_resident_for_weighing(session, weighing=weighing)
            booking.status = "completed"
        else:
            booking.status = "weighed"
        return weighing.weighing_id


PAID_CENTS = 1360  # the default pickup: 3 kg clear PET at 220 + 5 kg cardboard A at 140


def _collector(client, login, phone: str) -> tuple[dict, int]:
    """An approved collector, enrolled once per app (a phone signs up only once)."""
    enrolled = client.application.extensions.setdefault("money_test_collectors", {})
    if phone not in enrolled:
        enrolled[phone] = enrol_approved_collector(client, login, phone)
    return enrolled[phone]


def paid_pickup(
    client,
    login,
    *,
    resident_phone: str = RESIDENT,
    collector_phone: str = COLLECTOR,
    goods_cents: int | None = None,
    subsidy_cents: int = 0,
    status: str = "recorded",
) -> Pickup:
    """A resident's booking held by a collector, weighed and completed (the resident paid).

    By default through the phones' API (claim, arrive, weigh, complete: ``PAID_CENTS``).
    With ``goods_cents`` (or a ``status`` other than recorded) the weighing is written as
    rows instead, for tests that need exact amounts or a weighing that is not payable.
    """
    if goods_cents is None and status == "recorded":
        job = weighed_and_completed_job(
            client,
            login,
            resident_phone=resident_phone,
            collector=_collector(client, login, collector_phone),
        )
        return Pickup(
            job.resident,
            job.collector,
            job.booking_id,
            job.weighing["weighing_id"],
            user_id_of(client, job.resident),
            user_id_of(client, job.collector),
            job.collector_id,
        )
    return _pickup_from_rows(
        client,
        login,
        resident_phone=resident_phone,
        collector_phone=collector_phone,
        goods_cents=PAID_CENTS if goods_cents is None else goods_cents,
        subsidy_cents=subsidy_cents,
        status=status,
    )


def _pickup_from_rows(
    client, login, *, resident_phone, collector_phone, goods_cents, subsidy_cents, status
) -> Pickup:
    app = client.application
    resident = login(resident_phone)
    collector, collector_id = _collector(client, login, collector_phone)
    collector_user_id = user_id_of(client, collector)
    booking_id = book(client, resident)["booking_id"]
    weighing_id = add_weighing(
        app,
        booking_id=booking_id,
        collector_id=collector_id,
        goods_cents=goods_cents,
        subsidy_cents=subsidy_cents,
        status=status,
    )
    return Pickup(
        resident,
        collector,
        booking_id,
        weighing_id,
        user_id_of(client, resident),
        collector_user_id,
        collector_id,
    )


def unbalanced_transactions(session) -> list[tuple[str, str, int]]:
    """Every transaction whose entries do not sum to zero (should be none)."""
    stmt = (
        select(
            LedgerTransaction.kind, LedgerTransaction.reference, func.sum(LedgerEntry.amount_cents)
        )
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.transaction_id)
        .group_by(
            LedgerTransaction.transaction_id, LedgerTransaction.kind, LedgerTransaction.reference
        )
        .having(func.sum(LedgerEntry.amount_cents) != 0)
    )
    return [tuple(row) for row in session.execute(stmt)]


def ledger_total(session) -> int:
    """The sum of every entry of every account (0 in a double-entry ledger)."""
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))))
