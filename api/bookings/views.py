"""Residents' bookings: create, list, read, cancel, reschedule, timeline."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.bookings import service
from api.bookings.schemas import (
    BookingCreateSchema,
    BookingQueryArgsSchema,
    BookingSchema,
    CancellationCreateSchema,
    EventSchema,
    ReschedulingCreateSchema,
)
from api.db import get_session
from api.web import atomic, auth_required, current_user_id, list_page

blp = Blueprint("bookings", __name__, url_prefix="/api/bookings", description="Bookings")


@blp.route("")
class Bookings(MethodView):
    @auth_required("resident")
    @blp.arguments(BookingQueryArgsSchema, location="query")
    @blp.response(200, BookingSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """My bookings (paginated; filter by status and local slot date)"""
        return list_page(
            pagination_parameters,
            service.list_bookings,
            resident_id=current_user_id(),
            **{k: args.get(k) for k in ("status", "date_from", "date_to")},
        )

    @atomic(idempotent=True)
    @auth_required("resident")
    @blp.arguments(BookingCreateSchema)
    @blp.response(201, BookingSchema)
    def post(self, data):
        """Book a pickup (send an Idempotency-Key to retry safely)"""
        return service.create_booking(get_session(), resident_id=current_user_id(), data=data)


@blp.route("/<int:booking_id>")
class BookingItem(MethodView):
    @auth_required("resident")
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """One of my bookings"""
        return service.get_booking_for_resident(
            get_session(), resident_id=current_user_id(), booking_id=booking_id
        )


@blp.route("/<int:booking_id>/cancellation")
class Cancellation(MethodView):
    @atomic(idempotent=True)
    @auth_required("resident")
    @blp.arguments(CancellationCreateSchema)
    @blp.response(200, BookingSchema)
    def post(self, data, booking_id):
        """Cancel (free before the slot's cut-off, recorded as late after it)"""
        return service.cancel_booking(
            get_session(), resident_id=current_user_id(), booking_id=booking_id, **data
        )


@blp.route("/<int:booking_id>/rescheduling")
class Rescheduling(MethodView):
    @atomic(idempotent=True)
    @auth_required("resident")
    @blp.arguments(ReschedulingCreateSchema)
    @blp.response(200, BookingSchema)
    def post(self, data, booking_id):
        """Move the booking to another slot (capacity checked)"""
        return service.reschedule_booking(
            get_session(), resident_id=current_user_id(), booking_id=booking_id, **data
        )


@blp.route("/<int:booking_id>/events")
class Timeline(MethodView):
    @auth_required("resident")
    @blp.response(200, EventSchema(many=True))
    def get(self, booking_id):
        """The booking's status timeline"""
        return service.booking_timeline(
            get_session(), resident_id=current_user_id(), booking_id=booking_id
        )
