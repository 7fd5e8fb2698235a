"""Giving a held job back: to the pool (``scheduled``) or closing it as a ``no_show``."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.errors import ConflictError
from api.events.service import record_event

HELD_STATUSES = ("assigned", "en_route", "arrived", "weighed")


def unassign(
    session: Session,
    *,
    booking: Booking,
    from_statuses: tuple[str, ...],
    actor_user_id: int | None,
    kind: str,
    to_status: str = "scheduled",
    **data,
) -> Booking:
    """Take the job from its collector (conditional on its state: 409 if it moved meanwhile).

    Back in the pool the collector is cleared so anyone may claim it; a ``no_show`` keeps
    the collector on the booking as the record of who did not come.
    """
    collector_id = booking.collector_id
    values = {"status": to_status, "version": Booking.version + 1}
    if to_status == "scheduled":
        values["collector_id"] = None
    result = session.execute(
        update(Booking)
        .where(
            Booking.booking_id == booking.booking_id,
            Booking.collector_id == collector_id,
            Booking.status.in_(from_statuses),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError("the job changed meanwhile; reload it", code="invalid_state")
    session.refresh(booking)
    record_event(
        session,
        entity_type="booking",
        entity_id=booking.booking_id,
        kind=kind,
        actor_user_id=actor_user_id,
        data={"collector_id": collector_id, "status": to_status, **data},
    )
    return booking


def return_assigned_jobs(
    session: Session, *, collector_id: int, actor_user_id: int | None, reason: str
) -> int:
    """Put the collector's not-yet-started jobs back in the pool; returns how many."""
    stmt = select(Booking).where(Booking.collector_id == collector_id, Booking.status == "assigned")
    bookings = list(session.scalars(stmt.with_for_update()))
    for booking in bookings:
        unassign(
            session,
            booking=booking,
            from_statuses=("assigned",),
            actor_user_id=actor_user_id,
            kind="unassigned",
            reason=reason,
        )
    return len(bookings)
