"""Bookable pickup slots."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.slots import service
from api.slots.schemas import SlotQueryArgsSchema, SlotSchema
from api.web import auth_required
from api.zones.service import get_zone_by_code_or_raise

blp = Blueprint("slots", __name__, url_prefix="/api/slots", description="Pickup slots")


@blp.route("")
class Slots(MethodView):
    @auth_required()
    @blp.arguments(SlotQueryArgsSchema, location="query")
    @blp.response(200, SlotSchema(many=True))
    def get(self, args):
        """A zone's slots on a local date, with places left"""
        session = get_session()
        zone = get_zone_by_code_or_raise(session, code=args["zone"], field="zone")
        return service.list_slots(session, zone=zone, day=args["date"])
