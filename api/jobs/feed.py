"""The job feed: open bookings a collector may claim, shown without the resident's address.

A collector sees a job when it is in one of their zones, every item's material needs only
skills whose certificate is valid on the slot's day, and the slot overlaps one of their
shifts. The feed shows the neighbourhood (zone name and a ~1 km cell), the distance from
where the collector is (latest fresh ping, else home base) rounded to 100 m so it cannot
pinpoint a door, the items and the estimated value - never the address or the phone.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session

from api.bookings.models import Booking, BookingItem
from api.collectors.models import Collector, CollectorSkill, Shift
from api.collectors.shifts import latest_position
from api.db import UTCDateTime, utcnow
from api.jobs.policy import JobPolicy, estimated_grams
from api.materials.models import Material
from api.quotes.models import Quote, QuoteLine
from api.residents.models import Address
from api.slots.models import Slot
from api.timeutil import local_day_bounds
from api.zones.geometry import coarse_cell
from api.zones.models import Zone
from dispatch.matrix import EARTH_RADIUS_M
from dispatch.model import Location
from pricing import amount_cents

DISTANCE_STEP_M = 100


@dataclass(frozen=True, slots=True)
class SlotRef:
    """A slot's id and window, as the feed and a claimed job show it."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class JobItem:
    """A booked item as a job shows it."""

    material_code: str
    grade: str
    unit: str
    estimated_quantity: int


@dataclass(frozen=True)
class FeedEntry:
    """One open job as the feed shows it."""

    booking_id: int
    zone_code: str
    zone_name: str
    cell: str
    distance_m: int
    slot: SlotRef
    items: list[JobItem]
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


def locked_unit_price():
    """SQL: the quote's locked price of a booking item (correlated to ``bookings`` and
    ``booking_items``; like :func:`estimated_value_cents`, the last line of a
    material and grade wins)."""
    return (
        select(QuoteLine.unit_price_cents)
        .where(
            QuoteLine.quote_id == Booking.quote_id,
            QuoteLine.material_code == BookingItem.material_code,
            QuoteLine.grade == BookingItem.grade,
        )
        .order_by(QuoteLine.quote_line_id.desc())
        .limit(1)
        .scalar_subquery()
    )


def priced_value_cents(items) -> int:
    """:func:`estimated_value_cents` of rows that carry their ``unit_price_cents``."""
    return sum(
        amount_cents(
            unit_price_cents=item.unit_price_cents,
            quantity=item.estimated_quantity,
            unit=item.unit,
        )
        for item in items
    )


def items_grams(items) -> int:
    """How heavy the items (rows or ``BookingItem``) are expected to be: capacity checks."""
    return sum(
        estimated_grams(item.material_code, item.unit, item.estimated_quantity) for item in items
    )


def job_item(row) -> JobItem:
    """The item part of a row that selected the booking item's columns."""
    return JobItem(row.material_code, row.grade, row.unit, row.estimated_quantity)


def _distance_steps(dialect: str):
    """SQL: ``round(haversine_m(origin, address) / DISTANCE_STEP_M)``, to the last bit.

    The same floating-point operations in the same order as ``dispatch.matrix.haversine_m``
    (``math.radians`` multiplies by pi/180; the database calls the same C maths library), and
    Python's round-half-even: PostgreSQL's ``round(float8)`` is ``rint``; SQLite's ``round``
    rounds halves up, so there the half-even step is spelt out from ``floor``.
    The origin is bound per request: ``lat1`` (radians), ``cos_lat1`` and ``lon0`` (degrees).
    """
    to_radians = math.pi / 180
    lat2 = Address.latitude * to_radians
    sin_half_dlat = func.sin((lat2 - bindparam("lat1", type_=Float)) / 2.0)
    sin_half_dlon = func.sin(
        (Address.longitude - bindparam("lon0", type_=Float)) * to_radians / 2.0
    )
    h = sin_half_dlat * sin_half_dlat + bindparam("cos_lat1", type_=Float) * func.cos(lat2) * (
        sin_half_dlon * sin_half_dlon
    )
    capped = func.least(1.0, h) if dialect == "postgresql" else func.min(1.0, h)
    steps = 2 * EARTH_RADIUS_M * func.asin(func.sqrt(capped)) / float(DISTANCE_STEP_M)
    if dialect == "postgresql":
        return func.round(steps)
    whole = func.floor(steps)
    up = or_(
        steps - whole > 0.5,
        and_(steps - whole == 0.5, cast(whole, Integer) % 2 == 1),
    )
    return whole + case((up, 1.0), else_=0.0)


def _skills_suffice(expiring: tuple[bool, ...]):
    """SQL: no item of the booking needs a skill the collector lacks on the slot's local day.

    One bound ``skill_<i>`` per skill of the collector, and ``valid_until_<i>`` when its
    certificate expires: expiring on day E it is valid for slots starting before the local
    day after E.
    """
    valid = [
        and_(
            Material.required_skill == bindparam(f"skill_{i}", type_=String),
            Slot.starts_at < bindparam(f"valid_until_{i}", type_=UTCDateTime),
        )
        if expires
        else Material.required_skill == bindparam(f"skill_{i}", type_=String)
        for i, expires in enumerate(expiring)
    ]
    lacking = Material.required_skill.is_not(None)
    if valid:
        lacking = and_(lacking, not_(or_(*valid)))
    return ~exists().where(
        BookingItem.booking_id == Booking.booking_id,
        Material.code == BookingItem.material_code,
        lacking,
    )


def _on_shift(on_day: bool):
    """SQL: the slot overlaps a shift of ``collector_id`` not over at ``now`` (and, with
    ``on_day``, one overlapping ``day_start`` - ``day_end``)."""
    conditions = [
        Shift.collector_id == bindparam("collector_id"),
        Shift.ends_at > bindparam("now", type_=UTCDateTime),
        Slot.starts_at < Shift.ends_at,
        Slot.ends_at > Shift.starts_at,
    ]
    if on_day:
        conditions += [
            Shift.starts_at < bindparam("day_end", type_=UTCDateTime),
            Shift.ends_at > bindparam("day_start", type_=UTCDateTime),
        ]
    return exists().where(*conditions)


def _open_jobs(expiring: tuple[bool, ...], on_day: bool, *columns):
    """A select of ``columns`` over the open jobs the collector may see (see the module),
    with the request's values left as bound parameters (see :func:`_bound_values`)."""
    return (
        select(*columns)
        .select_from(Booking)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .join(Address, Address.address_id == Booking.address_id)
        .join(Zone, Zone.zone_id == Booking.zone_id)
        .where(
            Booking.status == "scheduled",
            Booking.collector_id.is_(None),
            Zone.code.in_(bindparam("zone_codes", expanding=True)),
            Slot.ends_at > bindparam("now", type_=UTCDateTime),
            _on_shift(on_day),
            _skills_suffice(expiring),
        )
    )


# Statements are built once per shape of request (dialect, which skills expire, whether a
# day is asked, paged or not): building and hashing the tree cost about 1 ms a request.
@functools.lru_cache(maxsize=64)
def _page_statement(dialect: str, expiring: tuple[bool, ...], on_day: bool, paged: bool):
    """One page of the open jobs, ranked, with the total of all of them on every row."""
    steps = _distance_steps(dialect).label("steps")
    stmt = (
        _open_jobs(expiring, on_day, Booking.booking_id)
        .add_columns(
            Slot.slot_id,
            Slot.starts_at,
            Slot.ends_at,
            Zone.code,
            Zone.name,
            Address.latitude,
            Address.longitude,
            steps,
            func.count().over().label("total"),
        )
        .order_by(steps, Slot.starts_at, Booking.booking_id)
        .offset(bindparam("offset", type_=Integer))
    )
    return stmt.limit(bindparam("limit", type_=Integer)) if paged else stmt


@functools.lru_cache(maxsize=64)
def _count_statement(expiring: tuple[bool, ...], on_day: bool):
    """How many open jobs the collector may see."""
    subquery = _open_jobs(expiring, on_day, Booking.booking_id).subquery()
    return select(func.count()).select_from(subquery)


def _bound_values(collector, skills: list, now: datetime, day: date | None, origin: Location):
    """The values of the request for the statements above."""
    lat1 = math.radians(origin.lat)
    values = {
        "collector_id": collector.collector_id,
        "zone_codes": list(collector.zone_codes),
        "now": now,
        "lat1": lat1,
        "cos_lat1": math.cos(lat1),
        "lon0": origin.lon,
    }
    if day is not None:
        values["day_start"], values["day_end"] = local_day_bounds(day)
    for i, skill in enumerate(skills):
        values[f"skill_{i}"] = skill.skill
        if skill.expires_on is not None:
            values[f"valid_until_{i}"] = local_day_bounds(skill.expires_on)[1]
    return values


def _collector_and_skills(session: Session, user_id: int) -> tuple[object, list]:
    """The caller's collector row (or None) and their skills, in one statement."""
    rows = session.execute(
        select(
            Collector.collector_id,
            Collector.status,
            Collector.zone_codes,
            Collector.home_latitude,
            Collector.home_longitude,
            CollectorSkill.skill,
            CollectorSkill.expires_on,
        )
        .outerjoin(CollectorSkill, CollectorSkill.collector_id == Collector.collector_id)
        .where(Collector.user_id == user_id)
    ).all()
    if not rows:
        return None, []
    return rows[0], [row for row in rows if row.skill is not None]


def list_feed(
    session: Session,
    *,
    user_id: int,
    policy: JobPolicy,
    day: date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[FeedEntry], int]:
    """Open jobs for the approved collector, nearest first (in 100 m steps), then earliest,
    then oldest booking: one page, and how many there are in all.

    Anyone else with the collector role (not enrolled, under review, suspended) sees an empty
    feed: only approved collectors see jobs; GET /api/collectors/me says why.
    The database filters, ranks, pages and counts (a busy zone has thousands of open jobs);
    Python only builds the page, so a request costs the same few statements at any size.
    """
    collector, skills = _collector_and_skills(session, user_id)
    if collector is None or collector.status != "approved" or not collector.zone_codes:
        return [], 0
    now = utcnow()
    since = now - timedelta(minutes=policy.ping_fresh_minutes)
    origin = latest_position(session, collector_id=collector.collector_id, since=since)
    if origin is None:
        origin = Location(lat=collector.home_latitude, lon=collector.home_longitude)
    expiring = tuple(skill.expires_on is not None for skill in skills)
    values = _bound_values(collector, skills, now, day, origin)
    stmt = _page_statement(
        session.get_bind().dialect.name, expiring, day is not None, limit is not None
    )
    page = session.execute(stmt, {**values, "offset": offset, "limit": limit}).all()
    if not page:
        # past the last page (or none at all): only then is the total counted on its own
        if not offset:
            return [], 0
        return [], session.scalar(_count_statement(expiring, day is not None), values)
    return _entries(session, page), page[0].total


def _entries(session: Session, page: list) -> list[FeedEntry]:
    """The feed entries of one page of open-job rows, in order (one more statement)."""
    items: dict[int, list] = {row.booking_id: [] for row in page}
    stmt = (
        select(
            BookingItem.booking_id,
            BookingItem.material_code,
            BookingItem.grade,
            BookingItem.unit,
            BookingItem.estimated_quantity,
            locked_unit_price().label("unit_price_cents"),
        )
        .join(Booking, Booking.booking_id == BookingItem.booking_id)
        .where(BookingItem.booking_id.in_(list(items)))
        .order_by(BookingItem.booking_item_id)
    )
    for item in session.execute(stmt):
        items[item.booking_id].append(item)
    return [
        FeedEntry(
            booking_id=row.booking_id,
            zone_code=row.code,
            zone_name=row.name,
            cell=coarse_cell(row.latitude, row.longitude),
            distance_m=int(row.steps) * DISTANCE_STEP_M,
            slot=SlotRef(row.slot_id, row.starts_at, row.ends_at),
            items=[job_item(item) for item in items[row.booking_id]],
            estimated_value_cents=priced_value_cents(items[row.booking_id]),
            estimated_grams=items_grams(items[row.booking_id]),
        )
        for row in page
    ]
