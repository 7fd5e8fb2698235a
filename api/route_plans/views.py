"""Route plans: the collector's route today, and plans, KPIs and solves for admins."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.route_plans import service
from api.route_plans.schemas import (
    MyRoutesSchema,
    RoutePlanCreateSchema,
    RoutePlanDetailSchema,
    RoutePlanKpisSchema,
    RoutePlanQueryArgsSchema,
    RoutePlanSchema,
    SolveRequestSchema,
    UnassignedPickupSchema,
)
from api.web import atomic, auth_required, current_user_id, list_page

blp = Blueprint(
    "route_plans", __name__, url_prefix="/api/route-plans", description="Daily route plans"
)


@blp.route("")
class RoutePlans(MethodView):
    @auth_required("admin")
    @blp.arguments(RoutePlanQueryArgsSchema, location="query")
    @blp.response(200, RoutePlanSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Plans with all their versions (filter by local date, zone code, status)"""
        return list_page(
            pagination_parameters,
            service.list_plans,
            service_date=args.get("date"),
            zone=args.get("zone"),
            status=args.get("status"),
        )

    @atomic(idempotent=True)
    @auth_required("admin")
    @blp.arguments(RoutePlanCreateSchema)
    @blp.response(202, SolveRequestSchema)
    def post(self, data):
        """Solve a zone-day now (queued for a worker; done in-process without a broker)"""
        return service.request_solve(get_session(), user_id=current_user_id(), **data)


@blp.route("/today")
class MyRouteToday(MethodView):
    @auth_required("collector")
    @blp.response(200, MyRoutesSchema)
    def get(self):
        """My route today: ordered stops, local times, load after each stop, km and duration"""
        return service.collector_today(get_session(), user_id=current_user_id())


@blp.route("/<int:route_plan_id>")
class RoutePlanItem(MethodView):
    @auth_required("admin")
    @blp.response(200, RoutePlanDetailSchema)
    def get(self, route_plan_id):
        """One plan version with its routes"""
        return service.plan_detail(get_session(), route_plan_id=route_plan_id)


@blp.route("/<int:route_plan_id>/kpis")
class RoutePlanKpis(MethodView):
    @auth_required("admin")
    @blp.response(200, RoutePlanKpisSchema)
    def get(self, route_plan_id):
        """Day KPIs of a plan, per collector, and unassigned pickups by reason"""
        return service.plan_kpis(get_session(), route_plan_id=route_plan_id)


@blp.route("/<int:route_plan_id>/unassigned")
class RoutePlanUnassigned(MethodView):
    @auth_required("admin")
    @blp.response(200, UnassignedPickupSchema(many=True))
    def get(self, route_plan_id):
        """Pickups the plan leaves out, with the reason"""
        return service.plan_unassigned(get_session(), route_plan_id=route_plan_id)
