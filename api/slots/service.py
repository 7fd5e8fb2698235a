"""Slot capacity: places are taken and given back by conditional updates, never read-then-write."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from api.db import utcnow
from api.errors import ConflictError, ValidationError
from api.slots.models import Slot
from api.timeutil import local_at, local_day_bounds
from api.zones.models import Zone
from api.zones.service import get_zone_by_code_or_raise

DEFAULT_WINDOWS = ((8, 10), (10, 12), (12, 14), (14, 16), (16, 18), (18, 20))

_SLOTS = Slot.__table__
# built once (see ``api.db``'s note on hot statements)
_READ_SLOT = select(
    _SLOTS.c.slot_id, _SLOTS.c.zone_id, _SLOTS.c.starts_at, _SLOTS.c.ends_at, _SLOTS.c.cutoff_at
).where(_SLOTS.c.slot_id == bindparam("slot_id"))
_TAKE_PLACE = (
    update(_SLOTS)
    .where(_SLOTS.c.slot_id == bindparam("slot"), _SLOTS.c.booked_count < _SLOTS.c.capacity)
    .values(booked_count=_SLOTS.c.booked_count + 1)
    .returning(_SLOTS.c.booked_count, _SLOTS.c.updated_at)
)


def list_slots(session: Session, *, zone: Zone, day: date) -> list[Slot]:
    """The zone's slots on the local ``day``, in time order."""
    start, end = local_day_bounds(day)
    stmt = (
        select(Slot)
        .where(Slot.zone_id == zone.zone_id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at)
    )
    return list(session.scalars(stmt))


def list_zone_slots(session: Session, *, zone_code: str, day: date) -> list[Slot]:
    """An active zone's slots on the local ``day`` by the zone's code (one statement when the
    day has slots); an unknown or inactive zone is a 422 naming the ``zone`` parameter."""
    start, end = local_day_bounds(day)
    stmt = (
        select(Slot)
        .join(Zone, Zone.zone_id == Slot.zone_id)
        .where(
            Zone.code == zone_code,
            Zone.is_active.is_(True),
            Slot.starts_at >= start,
            Slot.starts_at < end,
        )
        .order_by(Slot.starts_at)
    )
    slots = list(session.scalars(stmt))
    if not slots:
        get_zone_by_code_or_raise(session, code=zone_code, field="zone")
    return slots


def get_slot_or_raise(session: Session, *, slot_id: int, field: str = "slot_id") -> Slot:
    """A slot named in a request body, or 422 naming ``field``."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise ValidationError.on(field, "no such slot")
    return slot


def read_slot_or_raise(session: Session, *, slot_id: int, field: str = "slot_id") -> Row:
    """A slot's times and zone as a plain row (no ORM object), or 422 naming ``field``."""
    row = session.execute(_READ_SLOT, {"slot_id": slot_id}).first()
    if row is None:
        raise ValidationError.on(field, "no such slot")
    return row


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


def check_open(slot: Slot | Row, field: str = "slot_id") -> None:
    """422 when the slot is past its booking cut-off."""
    if utcnow() >= slot.cutoff_at:
        raise ValidationError.on(field, "this slot is past its booking cut-off", code="slot_closed")


def take_place(session: Session, *, slot: Slot | Row, field: str = "slot_id") -> None:
    """Reserve one place: 422 after the cut-off, 409 when full (atomic under concurrency).

    ``slot`` is a mapped slot (its counters are refreshed) or a row from
    ``read_slot_or_raise``."""
    check_open(slot, field)
    taken = session.execute(_TAKE_PLACE, {"slot": slot.slot_id}).first()
    if taken is None:
        raise ConflictError(code="slot_full")
    if isinstance(slot, Slot):
        set_committed_value(slot, "booked_count", taken.booked_count)
        set_committed_value(slot, "updated_at", taken.updated_at)


def give_back_place(session: Session, *, slot_id: int) -> None:
    """Free one place (cancellation, reschedule)."""
    session.execute(
        update(Slot)
        .where(Slot.slot_id == slot_id, Slot.booked_count > 0)
        .values(booked_count=Slot.booked_count - 1)
        .execution_options(synchronize_session=False)
    )
