"""Materials catalogue: read for everyone signed in, changed by admins."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.materials import service
from api.materials.schemas import MaterialCreateSchema, MaterialSchema, MaterialUpdateSchema
from api.web import atomic, auth_required, if_match_version, with_etag

blp = Blueprint("materials", __name__, url_prefix="/api/materials", description="Materials")


@blp.route("")
class Materials(MethodView):
    @auth_required()
    @blp.response(200, MaterialSchema(many=True))
    def get(self):
        """List active materials and their grades"""
        return service.list_materials(get_session())

    @atomic
    @auth_required("admin")
    @blp.arguments(MaterialCreateSchema)
    @blp.response(201, MaterialSchema)
    def post(self, data):
        """Add a material (admin)"""
        return service.create_material(get_session(), data=data)


@blp.route("/<string:code>")
class MaterialItem(MethodView):
    @auth_required()
    @blp.response(200, MaterialSchema)
    def get(self, code):
        """One material (its ETag goes back in If-Match when changing it)"""
        return with_etag(service.get_material_or_raise(get_session(), code=code))

    @atomic
    @auth_required("admin")
    @blp.arguments(MaterialUpdateSchema)
    @blp.response(200, MaterialSchema)
    def patch(self, changes, code):
        """Change a material (admin; send If-Match with the ETag you read)"""
        material = service.update_material(
            get_session(), code=code, changes=changes, expected_version=if_match_version()
        )
        return with_etag(material)
