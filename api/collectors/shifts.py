"""Shifts (declared availability per local day) and location pings while on shift."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Row, delete, func, select
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.collectors.models import LocationPing, Shift
from api.collectors.service import get_my_collector, require_approved
from api.db import utcnow
from api.errors import ConflictError, ValidationError, check_version
from api.jobs.pool import HELD_STATUSES
from api.slots.models import Slot
from api.timeutil import local_at, local_today
from dispatch.model import Location

# Shifts are planned at most two weeks ahead (the slots exist for a week).
MAX_DAYS_AHEAD = 14
# A phone's clock and a flaky network: accept pings slightly early, late or off-shift.
PING_SKEW = timedelta(minutes=2)
PING_MAX_AGE = timedelta(minutes=30)
SHIFT_SLACK = timedelta(minutes=30)


def _parse_hhmm(value: str) -> tuple[int, int]:
    hours, minutes = value.split(":")
    return int(hours), int(minutes)


def set_shift(
    session: Session,
    *,
    user_id: int,
    day: date,
    start: str,
    end: str,
    expected_version: int | None = None,
) -> Shift:
    """Declare (or change) the collector's availability on a local day.

    ``expected_version`` (``If-Match``) must be the stored shift's version; with no shift
    that day yet there is nothing it can match (412).
    """
    collector = require_approved(session, user_id=user_id)
    today = local_today()
    if not today <= day <= today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError.on("shift_date", f"from today to {MAX_DAYS_AHEAD} days ahead")
    if end <= start:
        raise ValidationError.on("end", "must be after start")
    starts_at, ends_at = local_at(day, *_parse_hhmm(start)), local_at(day, *_parse_hhmm(end))
    _check_held_jobs_fit(session, collector.collector_id, day, starts_at, ends_at)
    shift = session.scalar(
        select(Shift)
        .where(Shift.collector_id == collector.collector_id, Shift.shift_date == day)
        .with_for_update()
    )
    # -1: no ETag this API returns can match a shift that does not exist yet
    check_version(shift.version if shift is not None else -1, expected_version)
    if shift is None:
        shift = Shift(collector_id=collector.collector_id, shift_date=day, version=0)
        session.add(shift)
    shift.starts_at, shift.ends_at = starts_at, ends_at
    shift.version += 1
    session.flush()
    return shift


def _check_held_jobs_fit(
    session: Session, collector_id: int, day: date, starts_at: datetime, ends_at: datetime
) -> None:
    """Shrinking a shift must not strand a job already claimed on that day."""
    day_start, day_end = local_at(day, 0), local_at(day + timedelta(days=1), 0)
    stmt = (
        select(func.count())
        .select_from(Booking)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .where(
            Booking.collector_id == collector_id,
            Booking.status.in_(HELD_STATUSES),
            Slot.starts_at >= day_start,
            Slot.starts_at < day_end,
            (Slot.starts_at >= ends_at) | (Slot.ends_at <= starts_at),
        )
    )
    stranded = session.scalar(stmt)
    if stranded:
        raise ConflictError(
            f"{stranded} job(s) you hold fall outside this shift; release them first",
            code="jobs_outside_shift",
        )


def list_shifts(
    session: Session, *, user_id: int, date_from: date | None = None, date_to: date | None = None
) -> list[Shift]:
    """The collector's shifts from ``date_from`` (default today) to ``date_to``."""
    collector = get_my_collector(session, user_id=user_id)
    stmt = select(Shift).where(
        Shift.collector_id == collector.collector_id,
        Shift.shift_date >= (date_from or local_today()),
    )
    if date_to:
        stmt = stmt.where(Shift.shift_date <= date_to)
    return list(session.scalars(stmt.order_by(Shift.shift_date)))


def shift_covering(session: Session, *, collector_id: int, at: datetime) -> Shift | None:
    """The shift running at ``at`` (with a little slack either side), if any."""
    stmt = select(Shift).where(
        Shift.collector_id == collector_id,
        Shift.starts_at <= at + SHIFT_SLACK,
        Shift.ends_at >= at - SHIFT_SLACK,
    )
    return session.scalars(stmt).first()


def shift_for_slot(session: Session, *, collector_id: int, slot) -> Row | None:
    """The date and hours of the shift that overlaps the slot's window, if any.

    ``slot``: anything with ``starts_at`` and ``ends_at``.
    """
    stmt = select(Shift.shift_date, Shift.starts_at, Shift.ends_at).where(
        Shift.collector_id == collector_id,
        Shift.starts_at < slot.ends_at,
        Shift.ends_at > slot.starts_at,
    )
    return session.execute(stmt).first()


def record_ping(
    session: Session,
    *,
    user_id: int,
    latitude: float,
    longitude: float,
    accuracy_m: int | None,
    recorded_at: datetime | None,
) -> LocationPing:
    """Store where the collector is; only while on shift (409 otherwise)."""
    collector = require_approved(session, user_id=user_id)
    now = utcnow()
    at = recorded_at or now
    if at > now + PING_SKEW:
        raise ValidationError.on("recorded_at", "is in the future")
    if at < now - PING_MAX_AGE:
        raise ValidationError.on("recorded_at", "is too old; send pings as they are taken")
    if shift_covering(session, collector_id=collector.collector_id, at=at) is None:
        raise ConflictError("you are not on shift now", code="not_on_shift")
    ping = LocationPing(
        collector_id=collector.collector_id,
        recorded_at=at,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
    )
    session.add(ping)
    session.flush()
    return ping


def latest_position(session: Session, *, collector_id: int, since: datetime) -> Location | None:
    """Where the collector's newest ping recorded after ``since`` put them, if any."""
    stmt = (
        select(LocationPing.latitude, LocationPing.longitude)
        .where(LocationPing.collector_id == collector_id, LocationPing.recorded_at >= since)
        .order_by(LocationPing.recorded_at.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    return Location(lat=row.latitude, lon=row.longitude) if row is not None else None


def purge_pings(session: Session, *, older_than_days: int) -> int:
    """Delete pings recorded more than ``older_than_days`` ago; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = session.execute(
        delete(LocationPing)
        .where(LocationPing.recorded_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
