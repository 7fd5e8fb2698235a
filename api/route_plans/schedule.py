"""The nightly plan in Celery beat, at a wall-clock time of the city."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from celery.schedules import crontab

NIGHTLY_PLAN_HOUR = 20


class LocalCrontab(crontab):
    """A crontab read in ``tz_name`` whatever Celery's own timezone (UTC here) is."""

    def __init__(self, minute="*", hour="*", *, tz_name: str, **kwargs) -> None:
        self.tz_name = tz_name
        super().__init__(minute=minute, hour=hour, **kwargs)

    @property
    def tz(self) -> ZoneInfo:
        """The zone the fields are read in (beat normalises times into it)."""
        return ZoneInfo(self.tz_name)

    def __reduce__(self):
        # beat pickles its schedule; keep the zone across a restart
        return (_local_crontab, (self._orig_minute, self._orig_hour, self.tz_name))


def _local_crontab(minute, hour, tz_name: str) -> LocalCrontab:
    return LocalCrontab(minute, hour, tz_name=tz_name)


def nightly_plan_entry(tz_name: str) -> dict:
    """Beat entry: at 20:00 local, plan tomorrow for every zone."""
    return {
        "task": "route_plans.plan_day",
        "schedule": LocalCrontab(0, NIGHTLY_PLAN_HOUR, tz_name=tz_name),
    }
