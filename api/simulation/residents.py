"""The residents' side of a day: opening slots, quotes and bookings, cancellations.

Residents book the day before, at a random time between breakfast and the evening; a few
cancel that evening, fewer the next morning after the slot's cut-off (a late cancellation).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from api.bookings.models import Booking
from api.bookings.service import cancel_booking, create_booking
from api.quotes.service import create_quote
from api.simulation.agenda import Agenda
from api.simulation.city import Resident
from api.simulation.weights import pick_items
from api.simulation.world import World
from api.slots.models import Slot
from api.slots.service import ensure_slots, list_slots
from api.zones.models import Zone

SLOT_CAPACITY = 40
# residents' favourite windows: mornings and after work
WINDOW_WEIGHTS = (1.3, 1.2, 0.8, 0.8, 1.0, 1.2)
QUOTE_VALID = timedelta(hours=24)


def schedule_day(world: World, day: date) -> None:
    """Open the slots of ``day`` and diary the residents who book it (the day before)."""
    eve = day - timedelta(days=1)
    world.agenda.add(world.at(eve, 6), lambda a: open_slots(world, day), label="open_slots")
    rate = world.params.booking_rate
    if not world.is_busy(day):
        rate *= world.params.history_rate
    # a smaller share of residents books at weekends, more on Mondays (the week's clear-out)
    rate *= (0.8, 1.1, 1.0, 1.0, 1.0, 0.9, 0.8)[day.weekday()]
    rng = world.rng
    for resident in world.city.residents:
        if rng.random() < rate * resident.habit:
            at = world.at(eve, 8, second=rng.randrange(0, 11 * 3600))
            world.agenda.add(at, _booker(world, resident, day), label="book")


def open_slots(world: World, day: date) -> None:
    """The six pickup windows of ``day`` in every zone."""
    cutoff = timedelta(minutes=int(world.app.config["SLOT_CUTOFF_MINUTES"]))
    session = world.agenda.session
    for zone in session.scalars(select(Zone).where(Zone.is_active.is_(True))):
        ensure_slots(session, zone=zone, day=day, capacity=SLOT_CAPACITY, cutoff=cutoff)


def _booker(world: World, resident: Resident, day: date):
    def book(agenda: Agenda) -> None:
        booking = book_pickup(world, resident, day)
        if booking is not None:
            world.bookings[day].append(booking.booking_id)
            _maybe_cancel(world, resident, booking.booking_id, day)

    return book


def _choose_slot(world: World, resident: Resident, day: date) -> Slot | None:
    session = world.agenda.session
    zone = session.get(Zone, resident.zone_id)
    slots = [s for s in list_slots(session, zone=zone, day=day) if s.booked_count < s.capacity]
    if not slots:
        return None
    weights = [WINDOW_WEIGHTS[min(i, len(WINDOW_WEIGHTS) - 1)] for i in range(len(slots))]
    return world.rng.choices(slots, weights=weights)[0]


def book_pickup(world: World, resident: Resident, day: date) -> Booking | None:
    """Quote the resident's items and book a slot of ``day`` with the quote."""
    session = world.agenda.session
    slot = _choose_slot(world, resident, day)
    if slot is None:
        world.agenda.outcomes["book:no_free_slot"] += 1
        return None
    quote = create_quote(
        session,
        resident_id=resident.user_id,
        address_id=resident.address_id,
        items=pick_items(world.rng),
        valid_for=QUOTE_VALID,
    )
    return create_booking(
        session,
        resident_id=resident.user_id,
        data={
            "address_id": resident.address_id,
            "slot_id": slot.slot_id,
            "quote_id": quote.quote_id,
        },
    )


def _maybe_cancel(world: World, resident: Resident, booking_id: int, day: date) -> None:
    rng = world.rng
    draw = rng.random()
    if draw < world.params.cancel_rate:
        at = world.at(day - timedelta(days=1), 19, 40, second=rng.randrange(0, 600))
        reason = rng.choice(("changed my plans", "sold it to a neighbour", "booked twice"))
    elif draw < world.params.cancel_rate + world.params.late_cancel_rate:
        at = world.at(day, 7, 0, second=rng.randrange(0, 1800))
        reason = "not at home today"
    else:
        return

    def cancel(agenda: Agenda) -> None:
        cancel_booking(
            agenda.session, resident_id=resident.user_id, booking_id=booking_id, reason=reason
        )

    world.agenda.add(at, cancel, label="cancel")
