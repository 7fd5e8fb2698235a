"""Dispute rules: who may open one and when, and how a resolution pays compensation.

Compensation is new ledger entries (``post_dispute_compensation``); the weighing and the
entries it produced are never edited.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.service import record_event
from api.jobs.models import Dispute, Weighing
from api.ledger.postings import post_dispute_compensation

DISPUTE_STATUSES = ("open", "upheld", "rejected")


def _latest_weighing(session: Session, booking_id: int) -> Weighing | None:
    stmt = (
        select(Weighing)
        .where(Weighing.booking_id == booking_id, Weighing.status != "superseded")
        .order_by(Weighing.weighing_id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def _has_open_dispute(session: Session, booking_id: int) -> bool:
    stmt = select(Dispute.dispute_id).where(
        Dispute.booking_id == booking_id, Dispute.status == "open"
    )
    return session.scalar(stmt) is not None


def open_dispute(
    session: Session, *, user_id: int, booking_id: int, reason: str, evidence_refs: list[str]
) -> Dispute:
    """The booking's resident disputes its weighing; one open dispute per booking (409)."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.resident_id != user_id:
        raise NotFoundError(errors={"booking_id": ["no such booking"]})
    if _latest_weighing(session, booking_id) is None:
        raise ConflictError("nothing has been weighed for this booking", code="invalid_state")
    if _has_open_dispute(session, booking_id):
        raise ConflictError("this booking already has an open dispute", code="dispute_open")
    dispute = Dispute(
        booking_id=booking_id,
        opened_by_user_id=user_id,
        reason=reason,
        evidence_refs=evidence_refs,
        status="open",
        compensation_cents=0,
    )
    try:
        with session.begin_nested():
            session.add(dispute)
    except IntegrityError as error:  # a concurrent open won the partial unique index
        raise ConflictError(
            "this booking already has an open dispute", code="dispute_open"
        ) from error
    _booking_event(session, dispute, "dispute_opened", user_id, evidence=len(evidence_refs))
    return dispute


def _booking_event(session: Session, dispute: Dispute, kind: str, actor: int, **data) -> None:
    record_event(
        session,
        entity_type="booking",
        entity_id=dispute.booking_id,
        kind=kind,
        actor_user_id=actor,
        data={"dispute_id": dispute.dispute_id, **data},
    )


def get_dispute_or_raise(session: Session, *, user_id: int, role: str, dispute_id: int) -> Dispute:
    """An admin sees any dispute; a resident only those they opened (else 404)."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None or (role != "admin" and dispute.opened_by_user_id != user_id):
        raise NotFoundError()
    return dispute


def list_disputes(
    session: Session, *, user_id: int, role: str, status: str | None, offset: int, limit: int
) -> tuple[list[Dispute], int]:
    """Admins see every dispute, residents their own; newest first, filtered by status."""
    stmt = select(Dispute)
    if role != "admin":
        stmt = stmt.where(Dispute.opened_by_user_id == user_id)
    if status:
        stmt = stmt.where(Dispute.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(Dispute.dispute_id.desc()).offset(offset).limit(limit))
    return list(rows), total


def _check_compensation(session: Session, dispute: Dispute, outcome: str, cents: int) -> None:
    if outcome == "rejected" and cents:
        raise ValidationError.on("compensation_cents", "must be 0 when the dispute is rejected")
    # An admin's typo must not pay a fortune: compensation is capped by the quoted total.
    cap = _latest_weighing(session, dispute.booking_id).quoted_total_cents
    if cents > cap:
        raise ValidationError.on(
            "compensation_cents", f"at most the booking's quoted total ({cap} cents)"
        )


def resolve_dispute(
    session: Session,
    *,
    admin_id: int,
    dispute_id: int,
    outcome: str,
    compensation_cents: int,
    note: str,
) -> Dispute:
    """Uphold (optionally compensating the resident) or reject an open dispute, once."""
    dispute = session.get(Dispute, dispute_id, with_for_update=True)
    if dispute is None:
        raise NotFoundError()
    if dispute.status != "open":
        raise ConflictError(f"the dispute is already {dispute.status}", code="invalid_state")
    _check_compensation(session, dispute, outcome, compensation_cents)
    if compensation_cents:
        post_dispute_compensation(session, dispute=dispute, amount_cents=compensation_cents)
    dispute.status = outcome
    dispute.resolution = note
    dispute.compensation_cents = compensation_cents
    dispute.resolved_by_user_id = admin_id
    dispute.resolved_at = utcnow()
    _booking_event(
        session,
        dispute,
        "dispute_resolved",
        admin_id,
        outcome=outcome,
        compensation_cents=compensation_cents,
    )
    return dispute
