"""Holding jobs: my jobs with the door details, release, no-shows (claims: ``claims.py``).

A job is a booking; the collector holding it sees the door and the resident's phone.

No-shows: a job whose collector did not come goes back to the pool (``scheduled``) while its
slot has not ended, else the booking closes as ``no_show`` (the resident books again); either
way the collector's ``no_show_count`` goes up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.models import User
from api.bookings.models import Booking, BookingItem
from api.collectors.models import Collector
from api.db import utcnow
from api.errors import ConflictError, NotFoundError
from api.events.service import record_event
from api.jobs.feed import (
    JobItem,
    SlotRef,
    estimated_value_cents,
)
from api.jobs.models import Weighing
from api.jobs.policy import JobPolicy
from api.jobs.pool import HELD_STATUSES, unassign
from api.residents.models import Address
from api.route_plans.service import request_replan
from api.slots.models import Slot
from api.stations.models import Station
from api.timeutil import to_local
from api.zones.models import Zone

NO_SHOW_STATUSES = ("assigned", "en_route")


@dataclass(frozen=True, slots=True)
class Door:
    """The exact address, shown only to the collector holding the job."""

    text: str
    building: str | None
    floor: str | None
    access_notes: str | None
    latitude: float
    longitude: float


@dataclass(frozen=True)
class HeldJob:
    """A job as its collector sees it: with the door details and phone while they hold it."""

    booking_id: int
    status: str
    version: int
    zone_code: str
    slot: Slot | SlotRef
    items: list[BookingItem] | list[JobItem]
    notes: str | None
    photo_refs: list
    address: Door | None
    resident_phone: str | None
    estimated_value_cents: int
    weighing: Weighing | None


def current_weighing(session: Session, *, booking_id: int) -> Weighing | None:
    """The booking's latest weighing that was not superseded by a re-weighing."""
    stmt = (
        select(Weighing)
        .where(Weighing.booking_id == booking_id, Weighing.status != "superseded")
        .order_by(Weighing.weighing_id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def door(address) -> Door:
    """The door details of an address row (or a row that selected its columns)."""
    return Door(
        address.text,
        address.building,
        address.floor,
        address.access_notes,
        address.latitude,
        address.longitude,
    )


def _held_job(session: Session, booking: Booking) -> HeldJob:
    # The door and the phone only while the job is held: not after it is finished or refused.
    holding = booking.status in HELD_STATUSES
    return HeldJob(
        booking_id=booking.booking_id,
        status=booking.status,
        version=booking.version,
        zone_code=session.get(Zone, booking.zone_id).code,
        slot=session.get(Slot, booking.slot_id),
        items=booking.items,
        notes=booking.notes,
        photo_refs=booking.photo_refs,
        address=door(session.get(Address, booking.address_id)) if holding else None,
        resident_phone=session.get(User, booking.resident_id).phone if holding else None,
        estimated_value_cents=estimated_value_cents(session, booking),
        weighing=current_weighing(session, booking_id=booking.booking_id),
    )


def get_held_booking(
    session: Session, *, user_id: int, booking_id: int, lock: bool = False
) -> tuple[Collector, Booking]:
    """The caller's collector record and a booking they hold (any other booking is a 404)."""
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    booking = session.get(Booking, booking_id)
    if collector is None or booking is None or booking.collector_id != collector.collector_id:
        raise NotFoundError()
    if lock:
        session.refresh(booking, with_for_update=True)
        if booking.collector_id != collector.collector_id:
            raise NotFoundError()
    return collector, booking


def get_job(session: Session, *, user_id: int, booking_id: int) -> HeldJob:
    """A job the caller holds or held (completed ones too), with the door details."""
    return _held_job(session, get_held_booking(session, user_id=user_id, booking_id=booking_id)[1])


def list_my_jobs(session: Session, *, user_id: int, active_only: bool = True) -> list[HeldJob]:
    """The caller's jobs in slot order: held ones, or all they ever held."""
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    if collector is None:
        return []
    stmt = (
        select(Booking)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .where(Booking.collector_id == collector.collector_id)
        .order_by(Slot.starts_at, Booking.booking_id)
    )
    if active_only:
        stmt = stmt.where(Booking.status.in_(HELD_STATUSES))
    return [_held_job(session, booking) for booking in session.scalars(stmt)]


def replan_zone_day(session: Session, zone_id: int, slot) -> None:
    """A claim pins the job to its collector, a release frees it: the zone-day's plan follows
    (debounced, sent after commit), as it does for booking changes."""
    request_replan(session, zone_id=zone_id, service_date=to_local(slot.starts_at).date())


def release_job(session: Session, *, user_id: int, booking_id: int) -> Booking:
    """Give a job back before its slot's cut-off; after it, only support can reassign."""
    _collector, booking = get_held_booking(session, user_id=user_id, booking_id=booking_id)
    if booking.status not in NO_SHOW_STATUSES:
        raise ConflictError(
            f"a job that is {booking.status} cannot be released", code="invalid_state"
        )
    slot = session.get(Slot, booking.slot_id)
    if utcnow() >= slot.cutoff_at:
        raise ConflictError(
            "past the slot's cut-off: call support to hand the job over", code="past_cutoff"
        )
    released = unassign(
        session,
        booking=booking,
        from_statuses=NO_SHOW_STATUSES,
        actor_user_id=user_id,
        kind="released",
    )
    replan_zone_day(session, booking.zone_id, slot)
    return released


def _station_zone(session: Session, user: User) -> int | None:
    station = session.get(Station, user.organisation_id) if user.organisation_id else None
    return station.zone_id if station else None


def mark_no_show(session: Session, *, booking_id: int, actor_user_id: int | None) -> Booking:
    """Record that the collector did not come (admin, station staff of the zone, or the task)."""
    booking = session.get(Booking, booking_id)
    actor = session.get(User, actor_user_id) if actor_user_id else None
    if booking is None or (
        actor is not None
        and actor.role == "station"
        and _station_zone(session, actor) != booking.zone_id
    ):
        raise NotFoundError()
    if booking.status not in NO_SHOW_STATUSES:
        raise ConflictError(
            f"a job that is {booking.status} cannot be a no-show", code="invalid_state"
        )
    slot = session.get(Slot, booking.slot_id)
    back_to_pool = utcnow() < slot.ends_at
    collector_id = booking.collector_id
    unassign(
        session,
        booking=booking,
        from_statuses=NO_SHOW_STATUSES,
        actor_user_id=actor_user_id,
        kind="no_show",
        to_status="scheduled" if back_to_pool else "no_show",
        returned_to_pool=back_to_pool,
    )
    _count_no_show(session, collector_id, booking, slot, actor_user_id)
    replan_zone_day(session, booking.zone_id, slot)
    return booking


def _count_no_show(
    session: Session, collector_id: int, booking: Booking, slot: Slot, actor_user_id: int | None
) -> None:
    session.execute(
        update(Collector)
        .where(Collector.collector_id == collector_id)
        .values(no_show_count=Collector.no_show_count + 1)
        .execution_options(synchronize_session=False)
    )
    record_event(
        session,
        entity_type="collector",
        entity_id=collector_id,
        kind="no_show",
        actor_user_id=actor_user_id,
        data={
            "booking_id": booking.booking_id,
            "slot_starts_at": to_local(slot.starts_at).isoformat(),
        },
    )


def overdue_booking_ids(session: Session, *, policy: JobPolicy) -> list[int]:
    """Held jobs not started whose slot ended more than the grace period ago."""
    limit = utcnow() - timedelta(minutes=policy.no_show_grace_minutes)
    stmt = (
        select(Booking.booking_id)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .where(Booking.status.in_(NO_SHOW_STATUSES), Slot.ends_at < limit)
        .order_by(Booking.booking_id)
    )
    return list(session.scalars(stmt))
