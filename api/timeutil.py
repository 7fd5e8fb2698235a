"""Local time of the city (slots are shown in it) versus UTC (everything is stored in it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Shanghai"


def city_tz() -> ZoneInfo:
    """The city's time zone (``RECYCLE_TIMEZONE``, Asia/Shanghai by default)."""
    name = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which the local ``day`` starts and ends."""
    tz = city_tz()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def local_at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=city_tz()).astimezone(UTC)


def to_local(instant: datetime) -> datetime:
    """An aware instant in the city's time zone (for display)."""
    return instant.astimezone(city_tz())


def local_today() -> date:
    """Today's date in the city."""
    return datetime.now(city_tz()).date()
