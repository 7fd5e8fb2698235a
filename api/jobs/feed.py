"""The job feed: open bookings a collector may claim, shown without the resident's address.

A collector sees a job when it is in one of their zones, every item's material needs only
skills whose certificate is valid on the slot's day, and the slot overlaps one of their
shifts. The feed shows the neighbourhood (zone name and a ~1 km cell), the distance from
where the collector is (latest fresh ping, else home base) rounded to 100 m so it cannot
pinpoint a door, the items and the estimated value - never the address or the phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from api.bookings.models import Booking, BookingItem
from api.collectors.models import Collector, Shift
from api.collectors.service import valid_skills
from api.collectors.shifts import latest_ping
from api.db import utcnow
from api.jobs.policy import JobPolicy, estimated_grams
from api.materials.models import Material
from api.quotes.models import Quote
from api.residents.models import Address
from api.slots.models import Slot
from api.timeutil import local_day_bounds, to_local
from api.zones.geometry import coarse_cell
from api.zones.models import Zone
from dispatch.matrix import haversine_m
from dispatch.model import Location
from pricing import amount_cents

DISTANCE_STEP_M = 100


@dataclass(frozen=True)
class FeedEntry:
    """One open job as the feed shows it."""

    booking_id: int
    zone_code: str
    zone_name: str
    cell: str
    distance_m: int
    slot: Slot
    items: list
    estimated_value_cents: int
    estimated_grams: int


def estimated_value_cents(session: Session, booking: Booking) -> int:
    """The booked items at the quote's locked prices (each line rounded once, then summed)."""
    quote = session.get(Quote, booking.quote_id)
    prices = {(line.material_code, line.grade): line.unit_price_cents for line in quote.lines}
    return sum(
        amount_cents(
            unit_price_cents=prices[(item.material_code, item.grade)],
            quantity=item.estimated_quantity,
            unit=item.unit,
        )
        for item in booking.items
    )


def booking_grams(booking: Booking) -> int:
    """How heavy the booked items are expected to be (capacity checks)."""
    return sum(
        estimated_grams(item.material_code, item.unit, item.estimated_quantity)
        for item in booking.items
    )


def skill_map(session: Session) -> dict[str, str]:
    """Material code -> the skill it needs (the catalogue is small: read it once)."""
    stmt = select(Material.code, Material.required_skill).where(
        Material.required_skill.is_not(None)
    )
    return dict(session.execute(stmt).tuples().all())


def required_skills(skills: dict[str, str], booking: Booking) -> set[str]:
    """Skills the booking's materials need (e.g. ``appliance`` for a fridge)."""
    return {skills[item.material_code] for item in booking.items if item.material_code in skills}


def may_see(session: Session, *, collector: Collector, booking: Booking, slot: Slot) -> bool:
    """Whether the job is for this collector: their zone and valid skills on the slot's day."""
    zone_code = session.get(Zone, booking.zone_id).code
    if zone_code not in collector.zone_codes:
        return False
    needed = required_skills(skill_map(session), booking)
    return needed <= valid_skills(collector, to_local(slot.starts_at).date())


def _origin(session: Session, collector: Collector, policy: JobPolicy) -> Location:
    since = utcnow() - timedelta(minutes=policy.ping_fresh_minutes)
    ping = latest_ping(session, collector=collector, since=since)
    if ping is not None:
        return Location(lat=ping.latitude, lon=ping.longitude)
    return Location(lat=collector.home_latitude, lon=collector.home_longitude)


def _open_jobs(collector: Collector, shifts: list[Shift], now: datetime, *columns):
    """A select of ``columns`` over the open jobs in the collector's zones and shifts."""
    overlaps = [and_(Slot.starts_at < s.ends_at, Slot.ends_at > s.starts_at) for s in shifts]
    return (
        select(*columns)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .join(Address, Address.address_id == Booking.address_id)
        .join(Zone, Zone.zone_id == Booking.zone_id)
        .where(
            Booking.status == "scheduled",
            Booking.collector_id.is_(None),
            Zone.code.in_(collector.zone_codes),
            Slot.ends_at > now,
            or_(*overlaps),
        )
    )


def _skilled_materials(session: Session, open_jobs, skills: dict[str, str]) -> dict[int, set]:
    """Booking id -> codes of its materials that need a skill (only bookings with any)."""
    if not skills:
        return {}
    stmt = select(BookingItem.booking_id, BookingItem.material_code).where(
        BookingItem.booking_id.in_(open_jobs.with_only_columns(Booking.booking_id)),
        BookingItem.material_code.in_(list(skills)),
    )
    codes: dict[int, set] = {}
    for booking_id, code in session.execute(stmt):
        codes.setdefault(booking_id, set()).add(code)
    return codes


def list_feed(
    session: Session,
    *,
    user_id: int,
    policy: JobPolicy,
    day: date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[FeedEntry], int]:
    """Open jobs for the approved collector, nearest first, then earliest: one page, and
    how many there are in all.

    Anyone else with the collector role (not enrolled, under review, suspended) sees an empty
    feed: only approved collectors see jobs; GET /api/collectors/me says why.
    Every open job is filtered and ranked from a few plain columns; bookings, items and
    quotes are loaded only for the page shown (a busy zone has thousands of open jobs).
    """
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    if collector is None or collector.status != "approved":
        return [], 0
    now = utcnow()
    stmt = select(Shift).where(Shift.collector_id == collector.collector_id, Shift.ends_at > now)
    if day is not None:
        start, end = local_day_bounds(day)
        stmt = stmt.where(Shift.starts_at < end, Shift.ends_at > start)
    shifts = list(session.scalars(stmt))
    if not shifts or not collector.zone_codes:
        return [], 0
    origin = _origin(session, collector, policy)
    skills = skill_map(session)
    open_jobs = _open_jobs(
        collector,
        shifts,
        now,
        Booking.booking_id,
        Slot.starts_at,
        Address.latitude,
        Address.longitude,
    )
    skilled = _skilled_materials(session, open_jobs, skills)
    valid_on: dict[date, set[str]] = {}
    ranked = []
    for booking_id, starts_at, latitude, longitude in session.execute(open_jobs):
        if booking_id in skilled:
            local_day = to_local(starts_at).date()
            if local_day not in valid_on:
                valid_on[local_day] = valid_skills(collector, local_day)
            if not {skills[code] for code in skilled[booking_id]} <= valid_on[local_day]:
                continue
        metres = haversine_m(origin, Location(lat=latitude, lon=longitude))
        ranked.append((round(metres / DISTANCE_STEP_M) * DISTANCE_STEP_M, starts_at, booking_id))
    ranked.sort()
    page = ranked[offset : None if limit is None else offset + limit]
    return _entries(session, page), len(ranked)


def _entries(session: Session, page: list[tuple]) -> list[FeedEntry]:
    """The feed entries of one page of ``(distance_m, starts_at, booking_id)``, in order."""
    if not page:
        return []
    ids = [booking_id for _, _, booking_id in page]
    rows = session.execute(
        select(Booking, Slot, Address, Zone)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .join(Address, Address.address_id == Booking.address_id)
        .join(Zone, Zone.zone_id == Booking.zone_id)
        .where(Booking.booking_id.in_(ids))
    ).all()
    by_id = {row[0].booking_id: row for row in rows}
    # One query for the page's quotes: estimated_value_cents then finds them in the identity
    # map, which holds them only weakly - keep a reference, or each is read again one by one.
    quotes = list(
        session.scalars(select(Quote).where(Quote.quote_id.in_([b.quote_id for b, *_ in rows])))
    )
    entries = []
    for distance_m, _, booking_id in page:
        booking, slot, address, zone = by_id[booking_id]
        entries.append(
            FeedEntry(
                booking_id=booking.booking_id,
                zone_code=zone.code,
                zone_name=zone.name,
                cell=coarse_cell(address.latitude, address.longitude),
                distance_m=distance_m,
                slot=slot,
                items=booking.items,
                estimated_value_cents=estimated_value_cents(session, booking),
                estimated_grams=booking_grams(booking),
            )
        )
    del quotes
    return entries
