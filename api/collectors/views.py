"""Collectors: apply, review queue and decisions, shifts, location pings.

Bag tags are issued by the custody domain (``POST /api/tags/batches``), which chains the issue.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, g
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from api.bookings.schemas import EventSchema
from api.collectors import service, shifts
from api.collectors.schemas import (
    CollectorCreateSchema,
    CollectorQueryArgsSchema,
    CollectorSchema,
    CollectorUpdateSchema,
    DecisionCreateSchema,
    PingCreateSchema,
    PingSchema,
    ShiftQueryArgsSchema,
    ShiftSchema,
    ShiftSetSchema,
)
from api.db import get_session
from api.errors import ValidationError
from api.extensions import limiter
from api.web import atomic, auth_required, current_user_id, if_match_version, list_page, with_etag

blp = Blueprint(
    "collectors", __name__, url_prefix="/api/collectors", description="Collectors (enrolment)"
)


def _pii_key() -> str:
    return current_app.config["PII_KEY"]


def _per_user() -> str:
    """Rate-limit key: the signed-in user (phones on one carrier NAT share an address)."""
    user_id = g.get("user_id")
    return f"user:{user_id}" if user_id is not None else get_remote_address()


def _parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError.on("shift_date", "a date YYYY-MM-DD") from None


@blp.route("")
class Collectors(MethodView):
    @auth_required("admin")
    @blp.arguments(CollectorQueryArgsSchema, location="query")
    @blp.response(200, CollectorSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Review queue: applications by status, oldest first (admin)"""
        return list_page(
            pagination_parameters,
            service.list_collectors,
            status=args.get("status"),
        )

    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.arguments(CollectorCreateSchema)
    @blp.response(201, CollectorSchema)
    def post(self, data):
        """Apply to collect (collector accounts; the ID number is shown masked)"""
        return service.apply_to_collect(
            get_session(), user_id=current_user_id(), data=data, pii_key=_pii_key()
        )


@blp.route("/me")
class MyEnrolment(MethodView):
    @auth_required("collector")
    @blp.response(200, CollectorSchema)
    def get(self):
        """My enrolment and its status"""
        return with_etag(service.get_my_collector(get_session(), user_id=current_user_id()))

    @atomic
    @auth_required("collector")
    @blp.arguments(CollectorUpdateSchema(partial=True))
    @blp.response(200, CollectorSchema)
    def patch(self, changes):
        """Change my application while under review (re-applies after needs_info)"""
        collector = service.update_application(
            get_session(),
            user_id=current_user_id(),
            changes=changes,
            pii_key=_pii_key(),
            expected_version=if_match_version(),
        )
        return with_etag(collector)


@blp.route("/me/events")
class MyEvents(MethodView):
    @auth_required("collector")
    @blp.response(200, EventSchema(many=True))
    def get(self):
        """Decisions on my enrolment, oldest first"""
        return service.collector_events(get_session(), user_id=current_user_id())


@blp.route("/<int:collector_id>")
class CollectorItem(MethodView):
    @auth_required("admin")
    @blp.response(200, CollectorSchema)
    def get(self, collector_id):
        """One collector (admin)"""
        return with_etag(service.get_collector_or_raise(get_session(), collector_id=collector_id))


@blp.route("/<int:collector_id>/decisions")
class Decisions(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin")
    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, CollectorSchema)
    def post(self, data, collector_id):
        """Approve, reject, ask for information, suspend, reinstate or offboard (admin)"""
        collector = service.decide(
            get_session(),
            collector_id=collector_id,
            actor_user_id=current_user_id(),
            expected_version=if_match_version(),
            **data,
        )
        return with_etag(collector, 201)


@blp.route("/me/shifts")
class MyShifts(MethodView):
    @auth_required("collector")
    @blp.arguments(ShiftQueryArgsSchema, location="query")
    @blp.response(200, ShiftSchema(many=True))
    def get(self, args):
        """My shifts from today (or date_from) on"""
        return shifts.list_shifts(get_session(), user_id=current_user_id(), **args)


@blp.route("/me/shifts/<string:shift_date>")
class MyShift(MethodView):
    @atomic
    @auth_required("collector")
    @blp.arguments(ShiftSetSchema)
    @blp.response(200, ShiftSchema)
    def put(self, data, shift_date: str):
        """Set my availability on a local day (start and end as local HH:MM)"""
        shift = shifts.set_shift(
            get_session(),
            user_id=current_user_id(),
            day=_parse_day(shift_date),
            expected_version=if_match_version(),
            **data,
        )
        return with_etag(shift)


@blp.route("/me/pings")
class MyPings(MethodView):
    @atomic
    @auth_required("collector")
    @limiter.limit("12 per minute", key_func=_per_user)
    @blp.arguments(PingCreateSchema)
    @blp.response(201, PingSchema)
    def post(self, data):
        """Report my position while on shift (at most 12 a minute)"""
        return shifts.record_ping(get_session(), user_id=current_user_id(), **data)
