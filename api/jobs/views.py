"""Jobs: the collector's feed, claims, execution at the door, and the resident's decision.

One blueprint under ``/api`` because the resident's weighing decision lives under the
booking (``/api/bookings/{id}/weighing-decision``) while the rest is under ``/api/jobs``.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.db import get_session
from api.jobs import claims, execution, service, weighing
from api.jobs.feed import list_feed
from api.jobs.policy import policy_from_config
from api.jobs.schemas import (
    ArrivalCreateSchema,
    BookingStateSchema,
    DepartureCreateSchema,
    FeedEntrySchema,
    FeedQueryArgsSchema,
    JobSchema,
    WeighingCreateSchema,
    WeighingDecisionCreateSchema,
    WeighingSchema,
)
from api.web import atomic, auth_required, current_user_id, list_page

blp = Blueprint("jobs", __name__, url_prefix="/api", description="Jobs (collectors at the door)")


class JobQueryArgsSchema(Schema):
    include_finished = fields.Boolean(load_default=False)


def _policy():
    return policy_from_config(current_app.config)


@blp.route("/jobs/feed")
class Feed(MethodView):
    @auth_required("collector")
    @blp.arguments(FeedQueryArgsSchema, location="query")
    @blp.response(200, FeedEntrySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Open jobs I may claim, nearest first (neighbourhood only, never the address)"""
        return list_page(
            pagination_parameters,
            list_feed,
            user_id=current_user_id(),
            policy=_policy(),
            day=args.get("date"),
        )


@blp.route("/jobs")
class Jobs(MethodView):
    @auth_required("collector")
    @blp.arguments(JobQueryArgsSchema, location="query")
    @blp.response(200, JobSchema(many=True))
    def get(self, args):
        """Jobs I hold (or held, with include_finished), with the door details"""
        return service.list_my_jobs(
            get_session(), user_id=current_user_id(), active_only=not args["include_finished"]
        )


@blp.route("/jobs/<int:booking_id>")
class JobItem(MethodView):
    @auth_required("collector")
    @blp.response(200, JobSchema)
    def get(self, booking_id):
        """A job I hold: address, access notes and the resident's phone"""
        return service.get_job(get_session(), user_id=current_user_id(), booking_id=booking_id)


@blp.route("/jobs/<int:booking_id>/claim")
class Claim(MethodView):
    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.response(200, JobSchema)
    def post(self, booking_id):
        """Claim an open job (exactly one collector wins; the others get 409)"""
        return claims.claim_job(
            get_session(), user_id=current_user_id(), booking_id=booking_id, policy=_policy()
        )


@blp.route("/jobs/<int:booking_id>/release")
class Release(MethodView):
    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.response(200, BookingStateSchema)
    def post(self, booking_id):
        """Give a job back to the pool before the slot's cut-off"""
        return service.release_job(get_session(), user_id=current_user_id(), booking_id=booking_id)


@blp.route("/jobs/<int:booking_id>/no-show")
class NoShow(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin", "station")
    @blp.response(200, BookingStateSchema)
    def post(self, booking_id):
        """The collector did not come: back to the pool, or closed as no_show after the slot"""
        return service.mark_no_show(
            get_session(), booking_id=booking_id, actor_user_id=current_user_id()
        )


@blp.route("/jobs/<int:booking_id>/departure")
class Departure(MethodView):
    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.arguments(DepartureCreateSchema)
    @blp.response(200, BookingStateSchema)
    def post(self, data, booking_id):
        """On my way (with an ETA the resident sees)"""
        return execution.depart(
            get_session(), user_id=current_user_id(), booking_id=booking_id, **data
        )


@blp.route("/jobs/<int:booking_id>/arrival")
class Arrival(MethodView):
    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.arguments(ArrivalCreateSchema)
    @blp.response(200, BookingStateSchema)
    def post(self, data, booking_id):
        """At the door (my position must be near the address)"""
        return execution.arrive(
            get_session(),
            user_id=current_user_id(),
            booking_id=booking_id,
            latitude=data["latitude"],
            longitude=data["longitude"],
            policy=_policy(),
        )


@blp.route("/jobs/<int:booking_id>/weighing")
class DoorWeighing(MethodView):
    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.arguments(WeighingCreateSchema)
    @blp.response(201, WeighingSchema)
    def post(self, data, booking_id):
        """Record what I weighed, bag by bag with its tag (re-weigh until the resident decides)"""
        return weighing.record_weighing(
            get_session(),
            user_id=current_user_id(),
            booking_id=booking_id,
            lines=data["lines"],
            policy=_policy(),
        )


@blp.route("/jobs/<int:booking_id>/completion")
class Completion(MethodView):
    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.response(200, BookingStateSchema)
    def post(self, booking_id):
        """Finish the pickup; the resident is credited"""
        return execution.complete(get_session(), user_id=current_user_id(), booking_id=booking_id)


@blp.route("/bookings/<int:booking_id>/weighing")
class ResidentWeighing(MethodView):
    @auth_required("resident")
    @blp.response(200, WeighingSchema)
    def get(self, booking_id):
        """What was weighed at my door and what I will be paid"""
        return weighing.get_weighing_for_resident(
            get_session(), resident_id=current_user_id(), booking_id=booking_id
        )


@blp.route("/bookings/<int:booking_id>/weighing-decision")
class WeighingDecision(MethodView):
    @atomic(idempotent=True)
    @auth_required("resident")
    @blp.arguments(WeighingDecisionCreateSchema)
    @blp.response(200, WeighingSchema)
    def post(self, data, booking_id):
        """Accept or refuse a low weighing, or confirm one within the threshold"""
        return weighing.decide_weighing(
            get_session(), resident_id=current_user_id(), booking_id=booking_id, **data
        )
