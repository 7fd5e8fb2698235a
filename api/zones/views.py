"""Service zones."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.web import atomic, auth_required
from api.zones import service
from api.zones.schemas import ZoneCreateSchema, ZoneSchema

blp = Blueprint("zones", __name__, url_prefix="/api/zones", description="Service zones")


@blp.route("")
class Zones(MethodView):
    @auth_required()
    @blp.response(200, ZoneSchema(many=True))
    def get(self):
        """List the service zones"""
        return service.list_zones(get_session())

    @atomic
    @auth_required("admin")
    @blp.arguments(ZoneCreateSchema)
    @blp.response(201, ZoneSchema)
    def post(self, data):
        """Add a service zone (admin)"""
        return service.create_zone(get_session(), **data)
