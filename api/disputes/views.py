"""Disputes of a weighing: opened by the booking's resident, resolved by an admin."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.disputes import service
from api.disputes.schemas import (
    DisputeCreateSchema,
    DisputeQueryArgsSchema,
    DisputeSchema,
    ResolutionCreateSchema,
)
from api.web import atomic, auth_required, current_role, current_user_id, list_page

blp = Blueprint("disputes", __name__, url_prefix="/api/disputes", description="Disputes")


@blp.route("")
class Disputes(MethodView):
    @auth_required("resident", "admin")
    @blp.arguments(DisputeQueryArgsSchema, location="query")
    @blp.response(200, DisputeSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """My disputes (admins: every dispute), newest first; filter by status"""
        return list_page(
            pagination_parameters,
            service.list_disputes,
            user_id=current_user_id(),
            role=current_role(),
            status=args.get("status"),
        )

    @atomic(idempotent=True)
    @auth_required("resident")
    @blp.arguments(DisputeCreateSchema)
    @blp.response(201, DisputeSchema)
    def post(self, data):
        """Dispute the weighing of one of my bookings, with evidence"""
        return service.open_dispute(get_session(), user_id=current_user_id(), **data)


@blp.route("/<int:dispute_id>")
class DisputeItem(MethodView):
    @auth_required("resident", "admin")
    @blp.response(200, DisputeSchema)
    def get(self, dispute_id):
        """One dispute (mine, or any for an admin)"""
        return service.get_dispute_or_raise(
            get_session(), user_id=current_user_id(), role=current_role(), dispute_id=dispute_id
        )


@blp.route("/<int:dispute_id>/resolution")
class Resolution(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin")
    @blp.arguments(ResolutionCreateSchema)
    @blp.response(200, DisputeSchema)
    def post(self, data, dispute_id):
        """Uphold (with compensation to the resident's wallet) or reject an open dispute"""
        return service.resolve_dispute(
            get_session(), admin_id=current_user_id(), dispute_id=dispute_id, **data
        )
