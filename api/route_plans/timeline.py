"""What a stored plan tells residents: a "planned" event with the expected arrival window.

The plan suggests; it does not assign. A booking's status and collector change only when a
collector claims the job. Residents still see, on their booking timeline, which collector
is expected and when. Only changes are recorded: a new version that keeps a booking with
the same collector and window adds nothing to its timeline.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.events.service import record_event
from api.route_plans.models import RoutePlan
from api.route_plans.problem import PLANNABLE, parse_id
from api.timeutil import local_day_bounds, to_local

# Residents are promised a window of an hour around the planned start at their door.
HALF_WINDOW_S = 1800
ROUND_S = 300


def planned_visits(plan: RoutePlan | None) -> dict[int, tuple[int, int, int]]:
    """booking_id -> (collector_id, window start s, window end s) of a plan."""
    if plan is None:
        return {}
    windows = {p["id"]: p["window"] for p in plan.inputs.get("pickups", [])}
    visits = {}
    for route in plan.routes:
        for stop in route.stops:
            if stop["kind"] != "pickup":
                continue
            slot = windows[stop["ref_id"]]
            start, end = arrival_window(stop["service_start_s"], slot["start_s"], slot["end_s"])
            visits[parse_id(stop["ref_id"])] = (route.collector_id, start, end)
    return visits


def arrival_window(service_start_s: int, slot_start_s: int, slot_end_s: int) -> tuple[int, int]:
    """An hour around the planned start, on 5-minute marks, inside the booked slot."""
    start = (service_start_s - HALF_WINDOW_S) // ROUND_S * ROUND_S
    end = -(-(service_start_s + HALF_WINDOW_S) // ROUND_S) * ROUND_S
    return max(start, slot_start_s), min(end, slot_end_s)


def record_plan_events(session: Session, *, previous: RoutePlan | None, plan: RoutePlan) -> int:
    """Record "planned" / "unplanned" on the bookings whose planned visit changed."""
    before, after = planned_visits(previous), planned_visits(plan)
    reasons = {parse_id(u["pickup_id"]): u["reason"] for u in plan.result.get("unassigned", [])}
    changed = {b for b, visit in after.items() if before.get(b) != visit}
    dropped = {b for b in before if b not in after}
    if not changed and not dropped:
        return 0
    stmt = select(Booking.booking_id, Booking.status).where(
        Booking.booking_id.in_(changed | dropped)
    )
    plannable = {b for b, status in session.execute(stmt) if status in PLANNABLE}
    day_start = local_day_bounds(plan.service_date)[0]
    common = {"route_plan_id": plan.route_plan_id, "version": plan.version}
    recorded = 0
    for booking_id in sorted(changed & plannable):
        collector, start, end = after[booking_id]
        data = {
            **common,
            "collector_id": collector,
            "arrival_window_start": _local(day_start, start),
            "arrival_window_end": _local(day_start, end),
        }
        _record(session, booking_id, "planned", data)
        recorded += 1
    for booking_id in sorted(dropped & plannable):
        _record(session, booking_id, "unplanned", {**common, "reason": reasons.get(booking_id)})
        recorded += 1
    return recorded


def _local(day_start, seconds: int) -> str:
    return to_local(day_start + timedelta(seconds=seconds)).isoformat()


def _record(session: Session, booking_id: int, kind: str, data: dict) -> None:
    record_event(session, entity_type="booking", entity_id=booking_id, kind=kind, data=data)
