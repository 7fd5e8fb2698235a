"""Claiming a job: exactly one winner, whatever the concurrency.

Claiming is one conditional UPDATE on the booking row (status ``scheduled`` and no
collector), so under any concurrency exactly one collector wins and the others get 409. Each
collector's claims are serialised by locking their own row first, so two parallel claims by
one collector cannot both pass the capacity check.
"""

from __future__ import annotations

import functools
import math

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from api.auth.models import User
from api.bookings.models import Booking, BookingItem
from api.collectors.models import CollectorSkill
from api.collectors.service import lock_approved_collector, valid_skills
from api.collectors.shifts import shift_for_slot
from api.db import utcnow
from api.errors import ConflictError, NotFoundError
from api.events.service import record_event
from api.jobs.feed import SlotRef, items_grams, job_item, locked_unit_price, priced_value_cents
from api.jobs.policy import JobPolicy
from api.jobs.pool import HELD_STATUSES
from api.jobs.service import HeldJob, door, replan_zone_day
from api.materials.models import Material
from api.residents.models import Address
from api.slots.models import Slot
from api.timeutil import local_day_bounds, to_local
from api.zones.models import Zone


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
    replan_zone_day(session, job.zone_id, job)
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
        address=door(job),
        resident_phone=job.phone,
        estimated_value_cents=priced_value_cents(items),
        # A job is claimable only while scheduled, and a booking never returns to scheduled
        # once arrived: a just-claimed job has no weighing.
        weighing=None,
    )
