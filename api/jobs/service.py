"""Holding jobs: claim (exactly one winner), my jobs with the door details, release, no-shows.

A job is a booking. Claiming is one conditional UPDATE on the booking row (status
``scheduled`` and no collector), so under any concurrency exactly one collector wins and
the others get 409. Each collector's claims are serialised by locking their own row first,
so two parallel claims by one collector cannot both pass the capacity check.

No-shows: a job whose collector did not come goes back to the pool (``scheduled``) while its
slot has not ended, else the booking closes as ``no_show`` (the resident books again); either
way the collector's ``no_show_count`` goes up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.models import User
from api.bookings.models import Booking
from api.collectors.models import Collector, Shift
from api.collectors.service import require_approved
from api.collectors.shifts import shift_for_slot
from api.db import utcnow
from api.errors import ConflictError, NotFoundError
from api.events.service import record_event
from api.jobs.feed import booking_grams, estimated_value_cents, may_see
from api.jobs.models import Weighing
from api.jobs.policy import JobPolicy
from api.jobs.pool import HELD_STATUSES, unassign
from api.residents.models import Address
from api.route_plans.service import request_replan
from api.slots.models import Slot
from api.stations.models import Station
from api.timeutil import local_day_bounds, to_local
from api.zones.models import Zone

NO_SHOW_STATUSES = ("assigned", "en_route")


@dataclass(frozen=True)
class HeldJob:
    """A job as its collector sees it: with the door details and phone while they hold it."""

    booking: Booking
    slot: Slot
    zone: Zone
    address: Address | None
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


def _held_job(session: Session, booking: Booking) -> HeldJob:
    # The door and the phone only while the job is held: not after it is finished or refused.
    holding = booking.status in HELD_STATUSES
    return HeldJob(
        booking=booking,
        slot=session.get(Slot, booking.slot_id),
        zone=session.get(Zone, booking.zone_id),
        address=session.get(Address, booking.address_id) if holding else None,
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


def _check_capacity(
    session: Session, *, collector: Collector, shift: Shift, booking: Booking, policy: JobPolicy
) -> None:
    """What the collector holds that day must fit the vehicle and the shift's hours."""
    start, end = local_day_bounds(shift.shift_date)
    held = list(
        session.scalars(
            select(Booking)
            .join(Slot, Slot.slot_id == Booking.slot_id)
            .where(
                Booking.collector_id == collector.collector_id,
                Booking.status.in_(HELD_STATUSES),
                Slot.starts_at >= start,
                Slot.starts_at < end,
            )
        )
    )
    hours = (shift.ends_at - shift.starts_at).total_seconds() / 3600
    max_jobs = max(1, math.floor(policy.max_jobs_per_shift_hour * hours))
    if len(held) + 1 > max_jobs:
        raise ConflictError(
            f"you already hold {len(held)} jobs that day; your {hours:g} h shift allows {max_jobs}",
            code="too_many_jobs",
        )
    grams = sum(booking_grams(b) for b in held) + booking_grams(booking)
    if grams > collector.payload_grams:
        raise ConflictError(
            f"about {grams // 1000} kg that day would exceed your vehicle's "
            f"{collector.payload_grams // 1000} kg payload",
            code="over_payload",
        )


def claim_job(session: Session, *, user_id: int, booking_id: int, policy: JobPolicy) -> HeldJob:
    """Take an open job: 403 unapproved, 404 not yours to see, 409 taken / no shift / full."""
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFoundError()
    collector = require_approved(session, user_id=user_id, lock=True)
    slot = session.get(Slot, booking.slot_id)
    if not may_see(session, collector=collector, booking=booking, slot=slot):
        raise NotFoundError()
    if booking.status != "scheduled" or booking.collector_id is not None:
        raise ConflictError("another collector took this job", code="already_claimed")
    if slot.ends_at <= utcnow():
        raise ConflictError("this job's slot is over", code="invalid_state")
    shift = shift_for_slot(session, collector_id=collector.collector_id, slot=slot)
    if shift is None:
        raise ConflictError("none of your shifts covers this slot", code="not_on_shift")
    _check_capacity(session, collector=collector, shift=shift, booking=booking, policy=policy)
    result = session.execute(
        update(Booking)
        .where(
            Booking.booking_id == booking_id,
            Booking.status == "scheduled",
            Booking.collector_id.is_(None),
        )
        .values(collector_id=collector.collector_id, status="assigned", version=Booking.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError("another collector took this job", code="already_claimed")
    session.refresh(booking)
    record_event(
        session,
        entity_type="booking",
        entity_id=booking_id,
        kind="assigned",
        actor_user_id=user_id,
        data={"collector_id": collector.collector_id},
    )
    _replan(session, booking, slot)
    return _held_job(session, booking)


def _replan(session: Session, booking: Booking, slot: Slot) -> None:
    # A claim pins the job to its collector, a release frees it: the zone-day's plan
    # follows (debounced, sent after commit), as it does for booking changes.
    request_replan(session, zone_id=booking.zone_id, service_date=to_local(slot.starts_at).date())


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
    _replan(session, booking, slot)
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
    _replan(session, booking, slot)
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
