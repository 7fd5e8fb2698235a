"""Bookable pickup slots."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.slots import service
from api.slots.schemas import SlotQueryArgsSchema, SlotSchema
from api.web import auth_required

blp = Blueprint("slots", __name__, url_prefix="/api/slots", description="Pickup slots")


@blp.route("")
class Slots(MethodView):
    @auth_required()
    @blp.arguments(SlotQueryArgsSchema, location="query")
    @blp.response(200, SlotSchema(many=True))
    def get(self, args):
        """A zone's slots on a local date, with places left"""
        return service.list_zone_slots(get_session(), zone_code=args["zone"], day=args["date"])
