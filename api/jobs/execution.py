"""Doing the job: departure, arrival at the door (position checked), completion (paid).

Each step is a conditional UPDATE from the states it may follow, and an event on the
booking's timeline, which the resident sees.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.custody.manifests import record_pickup_manifest
from api.errors import ConflictError, ValidationError
from api.events.service import record_event
from api.jobs.policy import JobPolicy
from api.jobs.service import current_weighing, get_held_booking
from api.ledger.postings import credit_resident_for_weighing
from api.residents.models import Address
from dispatch.matrix import haversine_m
from dispatch.model import Location

COMPLETABLE_WEIGHINGS = ("recorded", "accepted")


def advance(
    session: Session,
    *,
    booking: Booking,
    from_statuses: tuple[str, ...],
    to_status: str,
    actor_user_id: int,
    **data,
) -> Booking:
    """Move a held booking to ``to_status`` if it is still in ``from_statuses`` (else 409)."""
    result = session.execute(
        update(Booking)
        .where(
            Booking.booking_id == booking.booking_id,
            Booking.collector_id == booking.collector_id,
            Booking.status.in_(from_statuses),
        )
        .values(status=to_status, version=Booking.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError(
            f"a job that is {booking.status} cannot become {to_status}", code="invalid_state"
        )
    session.refresh(booking)
    record_event(
        session,
        entity_type="booking",
        entity_id=booking.booking_id,
        kind=to_status,
        actor_user_id=actor_user_id,
        data=data,
    )
    return booking


def depart(session: Session, *, user_id: int, booking_id: int, eta_minutes: int) -> Booking:
    """On the way: the resident sees the ETA on the timeline."""
    _collector, booking = get_held_booking(session, user_id=user_id, booking_id=booking_id)
    return advance(
        session,
        booking=booking,
        from_statuses=("assigned",),
        to_status="en_route",
        actor_user_id=user_id,
        eta_minutes=eta_minutes,
    )


def arrive(
    session: Session,
    *,
    user_id: int,
    booking_id: int,
    latitude: float,
    longitude: float,
    policy: JobPolicy,
) -> Booking:
    """At the door: the reported position must be within the tolerance of the address."""
    _collector, booking = get_held_booking(session, user_id=user_id, booking_id=booking_id)
    address = session.get(Address, booking.address_id)
    metres = haversine_m(
        Location(lat=latitude, lon=longitude), Location(lat=address.latitude, lon=address.longitude)
    )
    if metres > policy.arrival_tolerance_m:
        reason = f"{round(metres)} m from the pickup address (at most {policy.arrival_tolerance_m})"
        raise ValidationError(
            reason, code="too_far", errors={"latitude": [reason], "longitude": [reason]}
        )
    # Only the distance goes on the timeline: the position is the resident's door.
    return advance(
        session,
        booking=booking,
        from_statuses=("assigned", "en_route"),
        to_status="arrived",
        actor_user_id=user_id,
        distance_m=round(metres),
    )


def complete(session: Session, *, user_id: int, booking_id: int) -> Booking:
    """Finish the pickup: needs a weighing the resident is bound by; pays the resident and
    records the custody hand-over (pickup manifest)."""
    _collector, booking = get_held_booking(
        session, user_id=user_id, booking_id=booking_id, lock=True
    )
    weighing = current_weighing(session, booking_id=booking_id)
    if booking.status != "weighed" or weighing is None:
        raise ConflictError(
            f"a job that is {booking.status} cannot be completed", code="invalid_state"
        )
    if weighing.status not in COMPLETABLE_WEIGHINGS:
        raise ConflictError(
            "the resident has not accepted the weighing yet", code="awaiting_acceptance"
        )
    advance(
        session,
        booking=booking,
        from_statuses=("weighed",),
        to_status="completed",
        actor_user_id=user_id,
        weighing_id=weighing.weighing_id,
        total_cents=weighing.total_cents,
    )
    credit_resident_for_weighing(session, weighing=weighing)
    # The bags are now in the collector's custody: resident -> collector manifest.
    record_pickup_manifest(session, weighing=weighing, actor_user_id=user_id)
    return booking
