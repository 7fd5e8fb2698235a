"""Route plan rules: who sees which plan, asking for a solve, and debounced re-plans."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from api.collectors.models import Collector
from api.db import session_scope, utcnow
from api.errors import NotFoundError, ValidationError
from api.extensions import enqueue_after_commit
from api.route_plans import present
from api.route_plans.models import RoutePlan, RoutePlanRoute
from api.route_plans.problem import parse_id
from api.route_plans.tasks import plan_zone, replan_zone
from api.timeutil import local_today
from api.zones.models import Zone
from api.zones.service import get_zone_by_code_or_raise

PLAN_AHEAD_DAYS = 14
STALE_MARK_S = 15 * 60

_PLANS = RoutePlan.__table__
# built once (see ``api.db``'s note on hot statements): every booking change runs it
_MARK_REPLAN = (
    update(_PLANS)
    .where(
        _PLANS.c.zone_id == bindparam("zone"),
        _PLANS.c.service_date == bindparam("day"),
        _PLANS.c.status == "current",
        or_(
            _PLANS.c.replan_requested_at.is_(None),
            _PLANS.c.replan_requested_at < bindparam("stale"),
        ),
    )
    .values(replan_requested_at=bindparam("now"))
)


def replan_enabled() -> bool:
    """Re-plan on booking changes: on by default only with a real worker behind a broker.

    Without a broker every task runs inside the request that sent it; a solve of several
    seconds per booking would stall the phone, so the embedded default leaves it off.
    """
    enabled = current_app.config.get("DISPATCH_REPLAN_ON_CHANGE")
    if enabled is None:
        return bool(current_app.config.get("CELERY_BROKER_URL"))
    return bool(enabled)


def request_replan(session: Session, *, zone_id: int, service_date: date) -> bool:
    """Ask for a re-plan of a zone-day after its bookings changed; True if one was sent.

    Only today's and tomorrow's plans are re-planned, and only once one exists (the
    nightly plan or an admin makes the first). The mark on the current plan debounces:
    while a re-plan is pending, further changes ride along with it. The task is sent
    after commit, with a delay that gathers a burst of changes into one solve.
    """
    today = local_today()
    if service_date not in (today, today + timedelta(days=1)) or not replan_enabled():
        return False
    delay = int(current_app.config["DISPATCH_REPLAN_DELAY_S"])
    # A mark older than the delay plus a solve belongs to a lost task: ask again.
    stale = utcnow() - timedelta(seconds=delay + STALE_MARK_S)
    marked = session.execute(
        _MARK_REPLAN,
        {"zone": zone_id, "day": service_date, "stale": stale, "now": utcnow()},
    )
    if marked.rowcount != 1:
        return False
    signature = replan_zone.si(zone_id, service_date.isoformat()).set(countdown=delay)
    enqueue_after_commit(session, signature)
    return True


def list_plans(
    session: Session,
    *,
    service_date: date | None,
    zone: str | None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[RoutePlan], int]:
    """Plans with every version, newest day first, then zone, then newest version."""
    stmt = select(RoutePlan)
    if service_date:
        stmt = stmt.where(RoutePlan.service_date == service_date)
    if zone:
        found = get_zone_by_code_or_raise(session, code=zone, field="zone")
        stmt = stmt.where(RoutePlan.zone_id == found.zone_id)
    if status:
        stmt = stmt.where(RoutePlan.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    order = (RoutePlan.service_date.desc(), RoutePlan.zone_id, RoutePlan.version.desc())
    return list(session.scalars(stmt.order_by(*order).offset(offset).limit(limit))), total


def get_plan_or_raise(session: Session, *, route_plan_id: int) -> RoutePlan:
    """A plan by id, or 404."""
    plan = session.get(RoutePlan, route_plan_id)
    if plan is None:
        raise NotFoundError()
    return plan


def plan_detail(session: Session, *, route_plan_id: int) -> dict:
    """A plan with its routes for dispatchers."""
    plan = get_plan_or_raise(session, route_plan_id=route_plan_id)
    routes = [present.admin_route(session, plan=plan, route=r) for r in plan.routes]
    return {"plan": plan, "summary": plan.result["summary"], "routes": routes}


def plan_kpis(session: Session, *, route_plan_id: int) -> dict:
    """Day KPIs, per-collector figures and unassigned pickups counted by reason."""
    plan = get_plan_or_raise(session, route_plan_id=route_plan_id)
    reasons = Counter(u["reason"] for u in plan.result["unassigned"])
    return {
        "route_plan_id": plan.route_plan_id,
        "version": plan.version,
        "summary": plan.result["summary"],
        "unassigned_by_reason": dict(sorted(reasons.items())),
        "violations": plan.result.get("violations", []),
        "collectors": [
            {
                "collector_id": r.collector_id,
                "vehicle_type": r.vehicle_type,
                "pickup_count": r.pickup_count,
                "distance_m": r.distance_m,
                "duration_s": r.duration_s,
                "collected_g": r.collected_g,
            }
            for r in plan.routes
        ],
    }


def plan_unassigned(session: Session, *, route_plan_id: int) -> list[dict]:
    """The pickups a plan leaves out, each with the reason and the solver's detail."""
    plan = get_plan_or_raise(session, route_plan_id=route_plan_id)
    return [
        {"booking_id": parse_id(u["pickup_id"]), "reason": u["reason"], "detail": u["detail"]}
        for u in plan.result["unassigned"]
    ]


def collector_today(session: Session, *, user_id: int) -> dict:
    """The signed-in collector's routes in today's current plans (usually one)."""
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    if collector is None:
        raise NotFoundError("not enrolled as a collector")
    today = local_today()
    stmt = (
        select(RoutePlanRoute, RoutePlan)
        .join(RoutePlan, RoutePlan.route_plan_id == RoutePlanRoute.route_plan_id)
        .where(
            RoutePlanRoute.collector_id == collector.collector_id,
            RoutePlan.service_date == today,
            RoutePlan.status == "current",
            RoutePlanRoute.pickup_count > 0,
        )
        .order_by(RoutePlan.zone_id)
    )
    routes = [
        present.collector_route(
            session, plan=plan, route=route, viewer_collector_id=collector.collector_id
        )
        for route, plan in session.execute(stmt)
    ]
    return {
        "service_date": today.isoformat(),
        "collector_id": collector.collector_id,
        "routes": routes,
    }


def request_solve(
    session: Session,
    *,
    user_id: int,
    service_date: date,
    zone: str,
    time_limit_s: int | None = None,
) -> dict:
    """Solve a zone-day now: queued for a worker, or done in-process without a broker."""
    today = local_today()
    if not today <= service_date <= today + timedelta(days=PLAN_AHEAD_DAYS):
        raise ValidationError.on(
            "service_date", f"must be between today and {PLAN_AHEAD_DAYS} days ahead"
        )
    found: Zone = get_zone_by_code_or_raise(session, code=zone, field="zone")
    result = plan_zone.apply_async(
        args=[found.zone_id, service_date.isoformat()],
        kwargs={"time_limit_s": time_limit_s, "trigger": "manual", "requested_by_user_id": user_id},
    )
    body = {"task_id": result.id, "state": "queued", "route_plan": None}
    if current_app.extensions["celery"].conf.task_always_eager:
        # Read with a fresh session: this request's snapshot predates the task's commit.
        with session_scope(current_app) as fresh:
            body["route_plan"] = get_plan_or_raise(fresh, route_plan_id=result.result)
            body["state"] = "done"
    return body
