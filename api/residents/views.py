"""The signed-in resident's profile and addresses."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth.service import get_user_or_raise
from api.db import get_session
from api.residents import service
from api.residents.schemas import (
    AddressCreateSchema,
    AddressSchema,
    AddressUpdateSchema,
    ProfileSchema,
    ProfileUpdateSchema,
)
from api.web import (
    atomic,
    auth_required,
    current_user_id,
    etag_headers,
    if_match_version,
    with_etag,
)

blp = Blueprint("residents", __name__, url_prefix="/api/residents/me", description="Residents")


@blp.route("")
class Profile(MethodView):
    @auth_required("resident")
    @blp.response(200, ProfileSchema)
    def get(self):
        """My profile (its ETag goes back in If-Match when you change it)"""
        return with_etag(get_user_or_raise(get_session(), user_id=current_user_id()))

    @atomic
    @auth_required("resident")
    @blp.arguments(ProfileUpdateSchema)
    @blp.response(200, ProfileSchema)
    def patch(self, changes):
        """Change my name or language (send If-Match with the ETag you read)"""
        user = service.update_profile(
            get_session(),
            user_id=current_user_id(),
            changes=changes,
            expected_version=if_match_version(),
        )
        return with_etag(user)


@blp.route("/addresses")
class Addresses(MethodView):
    @auth_required("resident")
    @blp.response(200, AddressSchema(many=True))
    def get(self):
        """My pickup addresses"""
        return service.list_addresses(get_session(), resident_id=current_user_id())

    @atomic
    @auth_required("resident")
    @blp.arguments(AddressCreateSchema)
    @blp.response(201, AddressSchema)
    def post(self, data):
        """Add a pickup address (must be in a service zone)"""
        return service.create_address(get_session(), resident_id=current_user_id(), data=data)


@blp.route("/addresses/<int:address_id>")
class AddressItem(MethodView):
    @auth_required("resident")
    @blp.response(200, AddressSchema)
    def get(self, address_id):
        """One of my addresses"""
        address = service.get_address_or_raise(
            get_session(), resident_id=current_user_id(), address_id=address_id
        )
        return address, 200, etag_headers(address.version)

    @atomic
    @auth_required("resident")
    @blp.arguments(AddressUpdateSchema)
    @blp.response(200, AddressSchema)
    def patch(self, changes, address_id):
        """Change an address's details (send If-Match with the ETag you read)"""
        address = service.update_address(
            get_session(),
            resident_id=current_user_id(),
            address_id=address_id,
            changes=changes,
            expected_version=if_match_version(),
        )
        return address, 200, etag_headers(address.version)

    @atomic
    @auth_required("resident")
    @blp.response(204)
    def delete(self, address_id):
        """Remove an address (past bookings keep it)"""
        service.delete_address(get_session(), resident_id=current_user_id(), address_id=address_id)
