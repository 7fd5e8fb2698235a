"""Ratings of a completed pickup, by its resident and by its collector."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.ratings import service
from api.ratings.schemas import RatingCreateSchema, RatingSchema
from api.web import atomic, auth_required, current_role, current_user_id

blp = Blueprint("ratings", __name__, url_prefix="/api/bookings", description="Ratings")


@blp.route("/<int:booking_id>/ratings")
class Ratings(MethodView):
    @auth_required("resident", "collector")
    @blp.response(200, RatingSchema(many=True))
    def get(self, booking_id):
        """The rating I gave on this pickup (empty until I rate it)"""
        return service.list_my_ratings(
            get_session(), booking_id=booking_id, user_id=current_user_id(), role=current_role()
        )

    @atomic(idempotent=True)
    @auth_required("resident", "collector")
    @blp.arguments(RatingCreateSchema)
    @blp.response(201, RatingSchema)
    def post(self, data, booking_id):
        """Rate the other side of a completed pickup (1-5 stars), once"""
        return service.rate_booking(
            get_session(),
            booking_id=booking_id,
            user_id=current_user_id(),
            role=current_role(),
            **data,
        )
