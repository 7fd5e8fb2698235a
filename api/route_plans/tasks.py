"""Celery tasks: the evening fan-out, one solve per zone, and the debounced re-plan.

Tasks take ids and ISO dates, re-read everything, and are idempotent: a solve whose inputs
equal the current version's stores nothing, so a redelivered task is harmless.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from api.db import session_scope
from api.route_plans.solving import solve_zone
from api.timeutil import local_today
from api.zones.models import Zone


@shared_task(name="route_plans.plan_day", acks_late=True)
def plan_day(service_date_iso: str | None = None) -> list[int]:
    """Send one ``plan_zone`` per active zone (default: tomorrow), so workers share the city."""
    service_date = (
        date.fromisoformat(service_date_iso) if service_date_iso else local_today() + timedelta(1)
    )
    with session_scope(current_app) as session:
        zone_ids = list(
            session.scalars(
                select(Zone.zone_id).where(Zone.is_active.is_(True)).order_by(Zone.zone_id)
            )
        )
    for zone_id in zone_ids:
        plan_zone.delay(zone_id, service_date.isoformat())
    return zone_ids


@shared_task(name="route_plans.plan_zone", acks_late=True)
def plan_zone(
    zone_id: int,
    service_date_iso: str,
    time_limit_s: float | None = None,
    trigger: str = "nightly",
    requested_by_user_id: int | None = None,
) -> int | None:
    """Solve one zone-day and store a new version if its inputs changed; the plan id."""
    return solve_zone(
        current_app,
        zone_id=zone_id,
        service_date=date.fromisoformat(service_date_iso),
        trigger=trigger,
        time_limit_s=time_limit_s,
        requested_by_user_id=requested_by_user_id,
    )


@shared_task(name="route_plans.replan_zone", acks_late=True)
def replan_zone(zone_id: int, service_date_iso: str) -> int | None:
    """Re-plan after booking changes; started routes stay as fixed prefixes."""
    return solve_zone(
        current_app,
        zone_id=zone_id,
        service_date=date.fromisoformat(service_date_iso),
        trigger="replan",
    )
