"""Stations (where collectors unload) and the deliveries station staff receive."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.stations import service
from api.stations.schemas import DeliveryCreateSchema, DeliverySchema, StationSchema
from api.web import atomic, auth_required, current_role, current_user_id, list_page

blp = Blueprint("stations", __name__, url_prefix="/api", description="Stations and deliveries")


@blp.route("/stations")
class Stations(MethodView):
    @auth_required()
    @blp.response(200, StationSchema(many=True))
    def get(self):
        """Active stations: code, name, location and local opening hours"""
        return service.list_stations_with_zones(get_session())


@blp.route("/station-deliveries")
class Deliveries(MethodView):
    @auth_required("station", "collector", "admin")
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Deliveries: my station's (staff), mine (collector) or all (admin), newest first"""
        return list_page(
            pagination_parameters,
            service.list_deliveries,
            user_id=current_user_id(),
            role=current_role(),
        )

    @atomic(idempotent=True)
    @auth_required("station")
    @blp.arguments(DeliveryCreateSchema)
    @blp.response(201, DeliverySchema)
    def post(self, data):
        """Receive a collector's delivery: net grams per material and every bag's tag scanned"""
        return service.receive_delivery(get_session(), user_id=current_user_id(), **data)
