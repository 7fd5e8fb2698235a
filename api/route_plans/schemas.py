"""Route plan bodies; times are shown in the city's time zone."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.route_plans.models import PLAN_STATUSES
from api.timeutil import to_local


def _local_or_none(value):
    return to_local(value).isoformat() if value else None


class RoutePlanSchema(Schema):
    route_plan_id = fields.Integer()
    service_date = fields.Date()
    zone = fields.Function(lambda p: p.zone.code)
    version = fields.Integer()
    status = fields.String()
    trigger = fields.String()
    pickups_planned = fields.Integer()
    pickups_unassigned = fields.Integer()
    vehicles_used = fields.Function(lambda p: p.result["summary"]["vehicles_used"])
    solve_seconds = fields.Float()
    inputs_hash = fields.String()
    is_replan_pending = fields.Function(lambda p: p.replan_requested_at is not None)
    created_at = fields.Function(lambda p: _local_or_none(p.created_at))
    superseded_at = fields.Function(lambda p: _local_or_none(p.superseded_at), allow_none=True)


class RoutePlanQueryArgsSchema(Schema):
    date = fields.Date(metadata={"description": "local service date"})
    zone = fields.String(validate=validate.Length(1, 32), metadata={"description": "zone code"})
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))


class RoutePlanCreateSchema(Schema):
    service_date = fields.Date(required=True)
    zone = fields.String(required=True, validate=validate.Length(1, 32))
    time_limit_s = fields.Integer(
        strict=True,
        load_default=None,
        validate=validate.Range(min=1, max=120),
        metadata={"description": "solver time limit; DISPATCH_TIME_LIMIT_S when omitted"},
    )


class SolveRequestSchema(Schema):
    task_id = fields.String()
    state = fields.String(metadata={"description": "queued (a worker solves it) or done"})
    route_plan = fields.Nested(RoutePlanSchema, allow_none=True)


class PlannedBreakSchema(Schema):
    start_at = fields.String()
    end_at = fields.String()


class StopStationSchema(Schema):
    station_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    latitude = fields.Float()
    longitude = fields.Float()


class PlannedStopSchema(Schema):
    sequence = fields.Integer()
    kind = fields.String(metadata={"description": "start, pickup, unload or end"})
    arrival_at = fields.String()
    service_start_at = fields.String()
    departure_at = fields.String()
    load_g = fields.Integer(metadata={"description": "grams on board after the stop"})
    load_l = fields.Integer(metadata={"description": "litres on board after the stop"})
    distance_from_previous_m = fields.Integer()
    booking_id = fields.Integer()
    station = fields.Nested(StopStationSchema)


class PlannedRouteSchema(Schema):
    collector_id = fields.Integer()
    vehicle_type = fields.String()
    pickup_count = fields.Integer()
    distance_m = fields.Integer()
    distance_km = fields.Float()
    duration_s = fields.Integer()
    duration_minutes = fields.Integer()
    collected_g = fields.Integer()
    breaks = fields.List(fields.Nested(PlannedBreakSchema))
    stops = fields.List(fields.Nested(PlannedStopSchema))


class StopAddressSchema(Schema):
    text = fields.String()
    building = fields.String(allow_none=True)
    floor = fields.String(allow_none=True)
    access_notes = fields.String(allow_none=True)
    latitude = fields.Float()
    longitude = fields.Float()


class CollectorPlannedStopSchema(PlannedStopSchema):
    booking_status = fields.String(allow_none=True)
    is_held = fields.Boolean(metadata={"description": "the job is yours: the address is shown"})
    neighbourhood = fields.String()
    approx_latitude = fields.Float()
    approx_longitude = fields.Float()
    address = fields.Nested(StopAddressSchema)


class CollectorRouteSchema(PlannedRouteSchema):
    route_plan_id = fields.Integer()
    service_date = fields.String()
    zone = fields.String()
    version = fields.Integer()
    stops = fields.List(fields.Nested(CollectorPlannedStopSchema))


class MyRoutesSchema(Schema):
    service_date = fields.String()
    collector_id = fields.Integer()
    routes = fields.List(fields.Nested(CollectorRouteSchema))


class PlanSummarySchema(Schema):
    vehicles_used = fields.Integer()
    pickups_planned = fields.Integer()
    pickups_unassigned = fields.Integer()
    distance_m = fields.Integer()
    duration_s = fields.Integer()
    collected_g = fields.Integer()
    expected_value_cents = fields.Integer()
    km_per_tonne = fields.Float(allow_none=True)
    utilisation = fields.Float(allow_none=True)
    stops_per_hour = fields.Float(allow_none=True)
    solve_seconds = fields.Float()
    strategy = fields.String()
    engine = fields.String()


class RoutePlanDetailSchema(Schema):
    plan = fields.Nested(RoutePlanSchema)
    summary = fields.Nested(PlanSummarySchema)
    routes = fields.List(fields.Nested(PlannedRouteSchema))


class PlanCollectorKpiSchema(Schema):
    collector_id = fields.Integer()
    vehicle_type = fields.String()
    pickup_count = fields.Integer()
    distance_m = fields.Integer()
    duration_s = fields.Integer()
    collected_g = fields.Integer()


class RoutePlanKpisSchema(Schema):
    route_plan_id = fields.Integer()
    version = fields.Integer()
    summary = fields.Nested(PlanSummarySchema)
    unassigned_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())
    violations = fields.List(
        fields.String(), metadata={"description": "planner rules the plan breaks (expected: none)"}
    )
    collectors = fields.List(fields.Nested(PlanCollectorKpiSchema))


class UnassignedPickupSchema(Schema):
    booking_id = fields.Integer()
    reason = fields.String(
        metadata={
            "description": "no_collector_with_skill, no_capacity, outside_shift, "
            "window_unreachable, dropped_by_optimiser or invalid_problem"
        }
    )
    detail = fields.String()
