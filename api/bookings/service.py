"""Booking rules: who may book, cancel and reschedule, and what each change records."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import Row, func, insert, select
from sqlalchemy.orm import Session

from api.bookings.models import Booking, BookingItem
from api.db import last_step, utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.models import Event
from api.events.service import append_events, list_events, record_event
from api.quotes.models import Quote
from api.quotes.service import lock_quote_for_booking
from api.residents.service import address_zone_or_raise
from api.route_plans.service import request_replan
from api.slots import service as slots
from api.slots.models import Slot
from api.timeutil import local_day_bounds, to_local

CANCELLABLE = ("scheduled", "assigned")
RESCHEDULABLE = ("scheduled", "assigned")

_BOOKINGS = Booking.__table__
# built once (see ``api.db``'s note on hot statements)
_INSERT_BOOKING = insert(_BOOKINGS).returning(*_BOOKINGS.c)
_INSERT_ITEMS = insert(BookingItem.__table__)


def _event(session: Session, booking: Booking, kind: str, actor: int | None, **data) -> Event:
    return record_event(
        session,
        entity_type="booking",
        entity_id=booking.booking_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def _replan(session: Session, booking: Booking, slot: Slot) -> None:
    # today's and tomorrow's routes follow booking changes (debounced, after commit)
    request_replan(session, zone_id=booking.zone_id, service_date=to_local(slot.starts_at).date())


def _items_from_quote(quote_lines: list[Row], items: list[dict] | None) -> list[dict]:
    lines = {(line.material_code, line.grade): line for line in quote_lines}
    if items is None:
        items = [
            {"material": m, "grade": g, "quantity": line.quantity} for (m, g), line in lines.items()
        ]
    rows = []
    for index, item in enumerate(items):
        line = lines.get((item["material"], item["grade"]))
        if line is None:
            raise ValidationError.on(f"items.{index}", "not in the quote; ask for a new quote")
        rows.append(
            {
                "material_id": line.material_id,
                "material_code": line.material_code,
                "grade": line.grade,
                "unit": line.unit,
                "estimated_quantity": item["quantity"],
            }
        )
    return rows


def create_booking(session: Session, *, resident_id: int, data: dict) -> SimpleNamespace:
    """Book a slot at an address with a quote; takes a place in the slot atomically.

    The busiest write of the product, so it is written as plain statements (no ORM unit of
    work; each ORM flush or load costs about as much Python as the statement itself). Returns
    the new row's columns with its ``items``, which is all a response shows.
    """
    zone_id = address_zone_or_raise(session, resident_id=resident_id, address_id=data["address_id"])
    slot = slots.read_slot_or_raise(session, slot_id=data["slot_id"])
    if slot.zone_id != zone_id:
        raise ValidationError.on("slot_id", "this slot is for another zone than the address")
    quote_zone_id, quote_lines = lock_quote_for_booking(
        session, resident_id=resident_id, quote_id=data["quote_id"], locked_until=slot.ends_at
    )
    if quote_zone_id != zone_id:
        raise ValidationError.on("quote_id", "the quote was made for another zone")
    items = _items_from_quote(quote_lines, data.get("items"))
    slots.check_open(slot)
    row = session.execute(
        _INSERT_BOOKING,
        {
            "resident_id": resident_id,
            "address_id": data["address_id"],
            "zone_id": zone_id,
            "slot_id": slot.slot_id,
            "quote_id": data["quote_id"],
            "status": "scheduled",
            "notes": data.get("notes"),
            "photo_refs": data.get("photo_refs", []),
        },
    ).one()
    booking_id = row.booking_id
    session.execute(_INSERT_ITEMS, [{"booking_id": booking_id, **item} for item in items])
    append_events(
        session,
        entity_type="booking",
        entity_id=booking_id,
        actor_user_id=resident_id,
        kinds=[("created", {"slot_id": slot.slot_id}), ("scheduled", {"slot_id": slot.slot_id})],
    )
    # Last of all, once the answer is built and stored: the zone-day's plan and the slot's
    # row (a popular slot is everyone's row) stay locked only from here to the commit; when
    # the slot is full, everything above rolls back with the 409.
    service_date = to_local(slot.starts_at).date()
    last_step(session, lambda: request_replan(session, zone_id=zone_id, service_date=service_date))
    last_step(session, lambda: slots.take_place(session, slot=slot))
    return SimpleNamespace(**row._mapping, items=items)


def get_booking_for_resident(session: Session, *, resident_id: int, booking_id: int) -> Booking:
    """The resident's own booking; anyone else's is a 404."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.resident_id != resident_id:
        raise NotFoundError()
    return booking


def list_bookings(
    session: Session,
    *,
    resident_id: int,
    status: str | None,
    date_from: date | None,
    date_to: date | None,
    offset: int,
    limit: int,
) -> tuple[list[Booking], int]:
    """The resident's bookings, newest slot first, filtered by status and local slot dates."""
    stmt = select(Booking).join(Slot, Slot.slot_id == Booking.slot_id)
    stmt = stmt.where(Booking.resident_id == resident_id)
    if status:
        stmt = stmt.where(Booking.status == status)
    if date_from:
        stmt = stmt.where(Slot.starts_at >= local_day_bounds(date_from)[0])
    if date_to:
        stmt = stmt.where(Slot.starts_at < local_day_bounds(date_to)[1])
    # the page and the total in one statement; only a page past the end counts separately
    page = session.execute(
        stmt.add_columns(func.count().over().label("total"))
        .order_by(Slot.starts_at.desc(), Booking.booking_id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    if page:
        return [row.Booking for row in page], page[0].total
    return [], session.scalar(select(func.count()).select_from(stmt.subquery()))


def _lock(session: Session, booking: Booking) -> Booking:
    session.refresh(booking, with_for_update=True)
    return booking


def cancel_booking(
    session: Session, *, resident_id: int, booking_id: int, reason: str | None
) -> Booking:
    """Cancel before the pickup starts; after the slot's cut-off it is recorded as late."""
    booking = _lock(
        session, get_booking_for_resident(session, resident_id=resident_id, booking_id=booking_id)
    )
    if booking.status not in CANCELLABLE:
        raise ConflictError(
            f"a booking that is {booking.status} cannot be cancelled", code="invalid_state"
        )
    slot = session.get(Slot, booking.slot_id)
    now = utcnow()
    booking.status = "cancelled"
    booking.cancelled_at = now
    booking.cancellation_reason = reason
    booking.is_late_cancellation = now >= slot.cutoff_at
    booking.version += 1
    slots.give_back_place(session, slot_id=slot.slot_id)
    _event(
        session, booking, "cancelled", resident_id, late=booking.is_late_cancellation, reason=reason
    )
    _replan(session, booking, slot)
    return booking


def reschedule_booking(
    session: Session, *, resident_id: int, booking_id: int, slot_id: int
) -> Booking:
    """Move a booking to another slot of its zone before the current slot's cut-off."""
    booking = _lock(
        session, get_booking_for_resident(session, resident_id=resident_id, booking_id=booking_id)
    )
    if booking.status not in RESCHEDULABLE:
        raise ConflictError(
            f"a booking that is {booking.status} cannot be moved", code="invalid_state"
        )
    old_slot = session.get(Slot, booking.slot_id)
    if utcnow() >= old_slot.cutoff_at:
        raise ConflictError(
            "the current slot is past its cut-off; cancel instead", code="invalid_state"
        )
    new_slot = slots.get_slot_or_raise(session, slot_id=slot_id)
    if new_slot.slot_id == old_slot.slot_id:
        raise ValidationError.on("slot_id", "already booked in this slot")
    if new_slot.zone_id != booking.zone_id:
        raise ValidationError.on("slot_id", "this slot is for another zone")
    slots.take_place(session, slot=new_slot)
    slots.give_back_place(session, slot_id=old_slot.slot_id)
    was_assigned = booking.status == "assigned"
    booking.slot_id = new_slot.slot_id
    booking.status = "scheduled"
    booking.collector_id = None
    booking.version += 1
    session.get(Quote, booking.quote_id).locked_until = new_slot.ends_at
    _event(
        session,
        booking,
        "rescheduled",
        resident_id,
        from_slot_id=old_slot.slot_id,
        to_slot_id=new_slot.slot_id,
        unassigned=was_assigned,
    )
    _replan(session, booking, old_slot)
    _replan(session, booking, new_slot)
    return booking


def booking_timeline(session: Session, *, resident_id: int, booking_id: int) -> list[Event]:
    """The booking's events, oldest first."""
    get_booking_for_resident(session, resident_id=resident_id, booking_id=booking_id)
    return list_events(session, entity_type="booking", entity_id=booking_id)
