"""Plants: register with permits, admin decisions, earnest-money deposits."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.plants import service
from api.plants.schemas import (
    DepositCreateSchema,
    DepositSchema,
    PlantCreateSchema,
    PlantDecisionCreateSchema,
    PlantQueryArgsSchema,
    PlantSchema,
)
from api.web import atomic, auth_required, current_user_id, if_match_version, list_page, with_etag

blp = Blueprint("plants", __name__, url_prefix="/api/plants", description="Plants")


@blp.route("")
class Plants(MethodView):
    @auth_required("admin")
    @blp.arguments(PlantQueryArgsSchema, location="query")
    @blp.response(200, PlantSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Plants for review (admin; filter by status)"""
        return list_page(
            pagination_parameters,
            service.list_plants,
            status=args.get("status"),
        )

    @atomic(idempotent=True)
    @auth_required("plant")
    @blp.arguments(PlantCreateSchema)
    @blp.response(201, PlantSchema)
    def post(self, data):
        """Register my plant with its permit (reviewed by an admin before it may bid)"""
        return service.register_plant(get_session(), user_id=current_user_id(), data=data)


@blp.route("/me")
class MyPlant(MethodView):
    @auth_required("plant")
    @blp.response(200, PlantSchema)
    def get(self):
        """My plant, its status and the deposit held"""
        session = get_session()
        plant = service.get_my_plant_or_raise(session, user_id=current_user_id())
        return with_etag(service.plant_view(session, plant))


@blp.route("/me/deposits")
class Deposits(MethodView):
    @atomic(idempotent=True)
    @auth_required("plant")
    @blp.arguments(DepositCreateSchema)
    @blp.response(201, DepositSchema)
    def post(self, data):
        """Record earnest money sent by bank transfer (once per bank reference)"""
        return service.record_deposit(get_session(), user_id=current_user_id(), **data)


@blp.route("/<int:plant_id>")
class PlantItem(MethodView):
    @auth_required("admin")
    @blp.response(200, PlantSchema)
    def get(self, plant_id):
        """One plant (admin)"""
        session = get_session()
        plant = service.get_plant_or_raise(session, plant_id=plant_id)
        return with_etag(service.plant_view(session, plant))


@blp.route("/<int:plant_id>/decisions")
class Decisions(MethodView):
    @atomic
    @auth_required("admin")
    @blp.arguments(PlantDecisionCreateSchema)
    @blp.response(201, PlantSchema)
    def post(self, data, plant_id):
        """Approve, reject (with reason) or suspend (with reason) a plant (admin; If-Match)"""
        plant = service.decide_plant(
            get_session(),
            plant_id=plant_id,
            actor_user_id=current_user_id(),
            expected_version=if_match_version(),
            **data,
        )
        return with_etag(plant, 201)
