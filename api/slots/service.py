"""Slot capacity: places are taken and given back by conditional updates, never read-then-write."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db import utcnow
from api.errors import ConflictError, ValidationError
from api.slots.models import Slot
from api.timeutil import local_at, local_day_bounds
from api.zones.models import Zone

DEFAULT_WINDOWS = ((8, 10), (10, 12), (12, 14), (14, 16), (16, 18), (18, 20))


def list_slots(session: Session, *, zone: Zone, day: date) -> list[Slot]:
    """The zone's slots on the local ``day``, in time order."""
    start, end = local_day_bounds(day)
    stmt = (
        select(Slot)
        .where(Slot.zone_id == zone.zone_id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at)
    )
    return list(session.scalars(stmt))


def get_slot_or_raise(session: Session, *, slot_id: int, field: str = "slot_id") -> Slot:
    """A slot named in a request body, or 422 naming ``field``."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise ValidationError.on(field, "no such slot")
    return slot


def ensure_slots(
    session: Session,
    *,
    zone: Zone,
    day: date,
    capacity: int,
    cutoff: timedelta,
    windows=DEFAULT_WINDOWS,
) -> int:
    """Create the day's slots for ``zone`` that do not exist yet; returns how many."""
    existing = {s.starts_at for s in list_slots(session, zone=zone, day=day)}
    added = 0
    for start_hour, end_hour in windows:
        starts_at = local_at(day, start_hour)
        if starts_at in existing:
            continue
        session.add(
            Slot(
                zone_id=zone.zone_id,
                starts_at=starts_at,
                ends_at=local_at(day, end_hour),
                cutoff_at=starts_at - cutoff,
                capacity=capacity,
                booked_count=0,
            )
        )
        added += 1
    session.flush()
    return added


def take_place(session: Session, *, slot: Slot, field: str = "slot_id") -> None:
    """Reserve one place: 422 after the cut-off, 409 when full (atomic under concurrency)."""
    if utcnow() >= slot.cutoff_at:
        raise ValidationError.on(field, "this slot is past its booking cut-off", code="slot_closed")
    result = session.execute(
        update(Slot)
        .where(Slot.slot_id == slot.slot_id, Slot.booked_count < Slot.capacity)
        .values(booked_count=Slot.booked_count + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError(code="slot_full")
    session.refresh(slot)


def give_back_place(session: Session, *, slot_id: int) -> None:
    """Free one place (cancellation, reschedule)."""
    session.execute(
        update(Slot)
        .where(Slot.slot_id == slot_id, Slot.booked_count > 0)
        .values(booked_count=Slot.booked_count - 1)
        .execution_options(synchronize_session=False)
    )
