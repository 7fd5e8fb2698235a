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

import functools
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from api.auth.models import User
from api.bookings.models import Booking, BookingItem
from api.collectors.models import Collector, CollectorSkill
from api.collectors.service import lock_approved_collector, valid_skills
from api.collectors.shifts import shift_for_slot
from api.db import utcnow
from api.errors import ConflictError, NotFoundError
from api.events.service import record_event
from api.jobs.feed import (
    JobItem,
    SlotRef,
    estimated_value_cents,
    items_grams,
    job_item,
    locked_unit_price,
    priced_value_cents,
)
from api.jobs.models import Weighing
from api.jobs.policy import JobPolicy
from api.jobs.pool import HELD_STATUSES, unassign
from api.materials.models import Material
from api.residents.models import Address
from api.route_plans.service import request_replan
from api.slots.models import Slot
from api.stations.models import Station
from api.timeutil import local_day_bounds, to_local
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


def _door(address) -> Door:
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
        address=_door(session.get(Address, booking.address_id)) if holding else None,
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


def _check_capacity(session: Session, *, collector, shift, grams: int, policy: JobPolicy) -> None:
    """What the collector holds that day plus the job (``grams``) must fit the vehicle and
    the shift's hours (one statement: the held jobs with their items)."""
    start, end = local_day_bounds(shift.shift_date)
    rows = session.execute(
        select(
            Booking.booking_id,
            BookingItem.material_code,
            BookingItem.unit,
            BookingItem.estimated_quantity,
        )
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .outerjoin(BookingItem, BookingItem.booking_id == Booking.booking_id)
        .where(
            Booking.collector_id == collector.collector_id,
            Booking.status.in_(HELD_STATUSES),
            Slot.starts_at >= start,
            Slot.starts_at < end,
        )
    ).all()
    held = len({row.booking_id for row in rows})
    hours = (shift.ends_at - shift.starts_at).total_seconds() / 3600
    max_jobs = max(1, math.floor(policy.max_jobs_per_shift_hour * hours))
    if held + 1 > max_jobs:
        raise ConflictError(
            f"you already hold {held} jobs that day; your {hours:g} h shift allows {max_jobs}",
            code="too_many_jobs",
        )
    grams += items_grams(row for row in rows if row.material_code is not None)
    if grams > collector.payload_grams:
        raise ConflictError(
            f"about {grams // 1000} kg that day would exceed your vehicle's "
            f"{collector.payload_grams // 1000} kg payload",
            code="over_payload",
        )


@functools.cache
def _claimable_statement():
    """The booking with its slot, zone, door and phone: one row per item, each with the
    skill its material needs and its locked price (built once; ``booking_id`` is bound)."""
    return (
        select(
            Booking.status,
            Booking.collector_id,
            Booking.zone_id,
            Booking.version,
            Booking.notes,
            Booking.photo_refs,
            Slot.slot_id,
            Slot.starts_at,
            Slot.ends_at,
            Zone.code.label("zone_code"),
            Address.text,
            Address.building,
            Address.floor,
            Address.access_notes,
            Address.latitude,
            Address.longitude,
            User.phone,
            BookingItem.material_code,
            BookingItem.grade,
            BookingItem.unit,
            BookingItem.estimated_quantity,
            Material.required_skill,
            locked_unit_price().label("unit_price_cents"),
        )
        .select_from(Booking)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .join(Zone, Zone.zone_id == Booking.zone_id)
        .join(Address, Address.address_id == Booking.address_id)
        .join(User, User.user_id == Booking.resident_id)
        .outerjoin(BookingItem, BookingItem.booking_id == Booking.booking_id)
        .outerjoin(Material, Material.code == BookingItem.material_code)
        .where(Booking.booking_id == bindparam("booking_id"))
        .order_by(BookingItem.booking_item_id)
    )


def _may_see(session: Session, *, collector, job, items: list) -> bool:
    """The feed's rule for one job: the collector's zone, and every skill its materials need
    valid on the slot's local day (their skills are read only when one is needed)."""
    if job.zone_code not in collector.zone_codes:
        return False
    needed = {item.required_skill for item in items if item.required_skill is not None}
    if not needed:
        return True
    skills = session.execute(
        select(CollectorSkill.skill, CollectorSkill.expires_on).where(
            CollectorSkill.collector_id == collector.collector_id
        )
    ).all()
    return needed <= valid_skills(skills, to_local(job.starts_at).date())


def claim_job(session: Session, *, user_id: int, booking_id: int, policy: JobPolicy) -> HeldJob:
    """Take an open job: 403 unapproved, 404 not yours to see, 409 taken / no shift / full.

    A handful of statements: the booking with everything the answer shows, the collector's
    row locked, their shift, what they hold that day, the conditional UPDATE, the event.
    """
    rows = session.execute(_claimable_statement(), {"booking_id": booking_id}).all()
    if not rows:
        raise NotFoundError()
    job = rows[0]
    items = [row for row in rows if row.material_code is not None]
    collector = lock_approved_collector(session, user_id=user_id)
    if not _may_see(session, collector=collector, job=job, items=items):
        raise NotFoundError()
    if job.status != "scheduled" or job.collector_id is not None:
        raise ConflictError("another collector took this job", code="already_claimed")
    if job.ends_at <= utcnow():
        raise ConflictError("this job's slot is over", code="invalid_state")
    shift = shift_for_slot(session, collector_id=collector.collector_id, slot=job)
    if shift is None:
        raise ConflictError("none of your shifts covers this slot", code="not_on_shift")
    _check_capacity(
        session,
        collector=collector,
        shift=shift,
        grams=items_grams(items),
        policy=policy,
    )
    claimed = session.execute(
        update(Booking)
        .where(
            Booking.booking_id == booking_id,
            Booking.status == "scheduled",
            Booking.collector_id.is_(None),
        )
        .values(collector_id=collector.collector_id, status="assigned", version=Booking.version + 1)
        .returning(Booking.version, Booking.slot_id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        raise ConflictError("another collector took this job", code="already_claimed")
    _expire_loaded(session, booking_id)
    record_event(
        session,
        entity_type="booking",
        entity_id=booking_id,
        kind="assigned",
        actor_user_id=user_id,
        data={"collector_id": collector.collector_id},
    )
    _replan(session, job.zone_id, job)
    return _claimed_job(session, booking_id, job, items, claimed)


def _expire_loaded(session: Session, booking_id: int) -> None:
    # A caller's session (a task, the simulation) may hold the booking: it is stale now.
    booking = session.identity_map.get(session.identity_key(Booking, booking_id))
    if booking is not None:
        session.expire(booking)


def _claimed_job(session: Session, booking_id: int, job, items: list, claimed) -> HeldJob:
    """The answer to a claim, from what was read before the UPDATE and what it returned."""
    slot = SlotRef(job.slot_id, job.starts_at, job.ends_at)
    if claimed.slot_id != job.slot_id:  # rescheduled between the read and the UPDATE
        moved = session.execute(
            select(Slot.starts_at, Slot.ends_at).where(Slot.slot_id == claimed.slot_id)
        ).one()
        slot = SlotRef(claimed.slot_id, moved.starts_at, moved.ends_at)
    return HeldJob(
        booking_id=booking_id,
        status="assigned",
        version=claimed.version,
        zone_code=job.zone_code,
        slot=slot,
        items=[job_item(item) for item in items],
        notes=job.notes,
        photo_refs=job.photo_refs,
        address=_door(job),
        resident_phone=job.phone,
        estimated_value_cents=priced_value_cents(items),
        # A job is claimable only while scheduled, and a booking never returns to scheduled
        # once arrived: a just-claimed job has no weighing.
        weighing=None,
    )


def _replan(session: Session, zone_id: int, slot) -> None:
    # A claim pins the job to its collector, a release frees it: the zone-day's plan
    # follows (debounced, sent after commit), as it does for booking changes.
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
    _replan(session, booking.zone_id, slot)
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
    _replan(session, booking.zone_id, slot)
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
