"""Tariffs: everyone signed in reads them; admins publish new versions."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.tariffs import service, suggestions
from api.tariffs.schemas import (
    TariffCreateSchema,
    TariffDecisionCreateSchema,
    TariffQueryArgsSchema,
    TariffSchema,
    TariffSuggestionCreateSchema,
    TariffSuggestionSchema,
)
from api.web import atomic, auth_required, current_user_id

blp = Blueprint("tariffs", __name__, url_prefix="/api/tariffs", description="Tariffs")


@blp.route("")
class Tariffs(MethodView):
    @auth_required()
    @blp.arguments(TariffQueryArgsSchema, location="query")
    @blp.response(200, TariffSchema(many=True))
    def get(self, args):
        """List tariff versions"""
        return service.list_tariffs(get_session(), status=args.get("status"))

    @atomic
    @auth_required("admin")
    @blp.arguments(TariffCreateSchema)
    @blp.response(201, TariffSchema)
    def post(self, data):
        """Publish a new tariff version (admin)"""
        session = get_session()
        tariff = service.create_tariff(session, actor_user_id=current_user_id(), **data)
        return next(r for r in service.list_tariffs(session) if r["tariff"] is tariff)


@blp.route("/suggestions")
class Suggestions(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin")
    @blp.arguments(TariffSuggestionCreateSchema)
    @blp.response(201, TariffSuggestionSchema)
    def post(self, data):
        """Propose tariffs from recent auction clearing prices (admin; status proposed)"""
        return suggestions.suggest_tariffs(get_session(), actor_user_id=current_user_id(), **data)


@blp.route("/<int:tariff_id>/decision")
class Decision(MethodView):
    @atomic
    @auth_required("admin")
    @blp.arguments(TariffDecisionCreateSchema)
    @blp.response(200, TariffSchema)
    def post(self, data, tariff_id):
        """Approve a proposed tariff (newest active version) or reject it with a reason"""
        return suggestions.decide_tariff(
            get_session(), tariff_id=tariff_id, actor_user_id=current_user_id(), **data
        )
