"""The Celery beat schedule: every periodic task in one place (sent by one beat: ``api.beat``)."""

from __future__ import annotations

from api.custody.tasks import beat_schedule as custody_entries
from api.route_plans.schedule import LocalCrontab, nightly_plan_entry


def beat_schedule(tz_name: str) -> dict:
    """Periodic tasks; wall-clock ones run in the city's time zone."""
    return {
        "route_plans.plan_day": nightly_plan_entry(tz_name),
        "auctions.close_ended": {"task": "auctions.close_ended", "schedule": 30.0},
        "auctions.enforce_payment_deadlines": {
            "task": "auctions.enforce_payment_deadlines",
            "schedule": 300.0,
        },
        "payouts.resend_stuck": {"task": "payouts.resend_stuck", "schedule": 300.0},
        "jobs.mark_no_shows": {"task": "jobs.mark_no_shows", "schedule": 900.0},
        "collectors.purge_pings": {
            "task": "collectors.purge_pings",
            "schedule": LocalCrontab(40, 3, tz_name=tz_name),
        },
        "warehouse.refresh": {
            "task": "warehouse.refresh",
            "schedule": LocalCrontab(0, 4, tz_name=tz_name),
        },
        **custody_entries(tz_name),
    }
