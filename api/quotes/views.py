"""Quotes."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.quotes import service
from api.quotes.schemas import QuoteCreateSchema, QuoteSchema
from api.web import atomic, auth_required, current_user_id

blp = Blueprint("quotes", __name__, url_prefix="/api/quotes", description="Quotes")


@blp.route("")
class Quotes(MethodView):
    @atomic
    @auth_required("resident")
    @blp.arguments(QuoteCreateSchema)
    @blp.response(201, QuoteSchema)
    def post(self, data):
        """Price items at the tariff in force; the prices lock when a booking uses the quote"""
        valid_for = timedelta(hours=current_app.config["QUOTE_VALID_HOURS"])
        return service.create_quote(
            get_session(), resident_id=current_user_id(), valid_for=valid_for, **data
        )


@blp.route("/<string:quote_id>")
class QuoteItem(MethodView):
    @auth_required("resident")
    @blp.response(200, QuoteSchema)
    def get(self, quote_id):
        """One of my quotes"""
        return service.get_quote_or_raise(
            get_session(), resident_id=current_user_id(), quote_id=quote_id
        )
