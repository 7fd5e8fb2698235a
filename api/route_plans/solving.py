"""Solve one zone-day and store it as a new plan version, at most once per set of inputs.

The solve runs with no database transaction open: inputs are read and committed first,
the solver runs, then the result is stored in a short transaction that re-checks the
current version under a row lock. Two workers solving the same zone-day race on the
unique (service_date, zone_id, version) key; the loser re-reads and keeps the winner.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import session_scope, utcnow
from api.route_plans.models import RoutePlan, RoutePlanRoute
from api.route_plans.problem import ZoneDay, build_zone_day, parse_id
from api.route_plans.timeline import record_plan_events
from api.zones.models import Zone
from dispatch import ProblemError, Route, SolveParams, check_plan, plan_routes
from dispatch.serialize import from_jsonable

log = logging.getLogger(__name__)
STORE_ATTEMPTS = 3


def get_current_plan(
    session: Session, *, zone_id: int, service_date: date, lock: bool = False
) -> RoutePlan | None:
    """The current version of a zone-day's plan, optionally locked for update."""
    stmt = select(RoutePlan).where(
        RoutePlan.zone_id == zone_id,
        RoutePlan.service_date == service_date,
        RoutePlan.status == "current",
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def clear_replan_mark(session: Session, *, zone_id: int, service_date: date) -> None:
    """Forget the pending re-plan: changes from now on ask for another one."""
    session.execute(
        update(RoutePlan)
        .where(
            RoutePlan.zone_id == zone_id,
            RoutePlan.service_date == service_date,
            RoutePlan.status == "current",
        )
        .values(replan_requested_at=None)
        .execution_options(synchronize_session=False)
    )


def solve_zone(
    app: Flask,
    *,
    zone_id: int,
    service_date: date,
    trigger: str,
    time_limit_s: float | None = None,
    requested_by_user_id: int | None = None,
) -> int | None:
    """Plan the zone-day; the id of the current plan afterwards (None for an unknown zone)."""
    with session_scope(app) as session:
        if trigger == "replan":
            clear_replan_mark(session, zone_id=zone_id, service_date=service_date)
        zone = session.get(Zone, zone_id)
        if zone is None or not zone.is_active:
            return None
        zone_day = build_zone_day(session, zone=zone, service_date=service_date, now=utcnow())
        current = get_current_plan(session, zone_id=zone_id, service_date=service_date)
        if current is not None and current.inputs_hash == zone_day.inputs_hash:
            return current.route_plan_id
    limit = time_limit_s or float(app.config["DISPATCH_TIME_LIMIT_S"])
    # One process (prefork children may not fork): the engines share the limit in series.
    params = SolveParams(time_limit_s=limit, num_workers=1, in_series=True)
    result = _solve(zone_day, params)
    for attempt in range(STORE_ATTEMPTS):
        try:
            with session_scope(app) as session:
                plan = store_plan(
                    session,
                    zone_day=zone_day,
                    result=result,
                    trigger=trigger,
                    requested_by_user_id=requested_by_user_id,
                )
                return plan.route_plan_id
        except IntegrityError:
            # Another worker stored a version meanwhile: re-read and decide again.
            log.info("route plan store conflict zone=%s attempt=%s", zone_id, attempt + 1)
    raise RuntimeError(f"could not store the plan of zone {zone_id} on {service_date}")


def _solve(zone_day: ZoneDay, params: SolveParams) -> dict:
    """The plan as a dict; a malformed problem becomes a plan with every pickup unassigned."""
    try:
        plan = plan_routes(zone_day.problem, params)
    except ProblemError as error:
        # Ids only in the log; the message may carry coordinates.
        log.warning(
            "route plan input rejected zone=%s date=%s", zone_day.zone_id, zone_day.service_date
        )
        return _unplannable(zone_day, str(error))
    result = plan.to_dict()
    # The planner promises these rules; a broken one is kept with the plan for dispatchers.
    result["violations"] = check_plan(zone_day.problem, plan)
    if result["violations"]:
        log.warning(
            "route plan breaks %s rules zone=%s", len(result["violations"]), zone_day.zone_id
        )
    return result


def _unplannable(zone_day: ZoneDay, detail: str) -> dict:
    pickups = zone_day.problem.pickups
    return {
        "routes": [],
        "violations": [],
        "unassigned": [
            {"pickup_id": p.id, "reason": "invalid_problem", "detail": detail} for p in pickups
        ],
        "summary": {
            "vehicles_used": 0,
            "pickups_planned": 0,
            "pickups_unassigned": len(pickups),
            "distance_m": 0,
            "duration_s": 0,
            "collected_g": 0,
            "expected_value_cents": 0,
            "km_per_tonne": None,
            "utilisation": None,
            "stops_per_hour": None,
            "solve_seconds": 0.0,
            "strategy": "",
            "engine": "",
        },
    }


def store_plan(
    session: Session,
    *,
    zone_day: ZoneDay,
    result: dict,
    trigger: str,
    requested_by_user_id: int | None,
) -> RoutePlan:
    """Store ``result`` as the next version unless the current one has the same or newer inputs."""
    current = get_current_plan(
        session, zone_id=zone_day.zone_id, service_date=zone_day.service_date, lock=True
    )
    if current is not None and (
        current.inputs_hash == zone_day.inputs_hash or current.inputs_built_at > zone_day.built_at
    ):
        return current  # same inputs, or a later solve already won: keep it
    last = session.scalar(
        select(func.max(RoutePlan.version)).where(
            RoutePlan.zone_id == zone_day.zone_id, RoutePlan.service_date == zone_day.service_date
        )
    )
    now = utcnow()
    if current is not None:
        current.status, current.superseded_at = "superseded", now
        session.flush()  # the old version stops being current before the new one is
    plan = _new_version(zone_day, result, (last or 0) + 1, trigger, requested_by_user_id)
    # A re-plan asked for while this one was solving is still pending.
    plan.replan_requested_at = current.replan_requested_at if current is not None else None
    plan.created_at = now
    session.add(plan)
    session.flush()
    record_plan_events(session, previous=current, plan=plan)
    return plan


def _new_version(
    zone_day: ZoneDay, result: dict, version: int, trigger: str, requested_by_user_id: int | None
) -> RoutePlan:
    summary = result["summary"]
    return RoutePlan(
        service_date=zone_day.service_date,
        zone_id=zone_day.zone_id,
        version=version,
        status="current",
        trigger=trigger,
        requested_by_user_id=requested_by_user_id,
        inputs=zone_day.inputs,
        inputs_hash=zone_day.inputs_hash,
        inputs_built_at=zone_day.built_at,
        result=result,
        solve_seconds=float(summary["solve_seconds"]),
        pickups_planned=int(summary["pickups_planned"]),
        pickups_unassigned=int(summary["pickups_unassigned"]),
        routes=[_route_row(route) for route in result["routes"]],
    )


def _route_row(data: dict) -> RoutePlanRoute:
    route = from_jsonable(Route, data)
    return RoutePlanRoute(
        collector_id=parse_id(route.collector_id),
        vehicle_type=route.vehicle_type.value,
        stops=data["stops"],
        breaks=data.get("breaks", []),
        pickup_count=len(route.pickup_ids),
        distance_m=route.distance_m,
        duration_s=route.duration_s,
        collected_g=route.collected_g,
    )
