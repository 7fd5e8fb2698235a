"""Collector credit: consents to lenders, and the score for the collector or a consented lender."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from api.credit import service
from api.credit.schemas import CreditConsentCreateSchema, CreditConsentSchema, CreditSnapshotSchema
from api.db import get_session
from api.web import atomic, auth_required, current_role, current_user_id

blp = Blueprint("credit", __name__, url_prefix="/api/collectors", description="Collector credit")


@blp.route("/me/credit-consents")
class CreditConsents(MethodView):
    @auth_required("collector")
    @blp.response(200, CreditConsentSchema(many=True))
    def get(self):
        """The lenders I have allowed to read my credit score"""
        return service.list_consents(get_session(), user_id=current_user_id())

    @atomic(idempotent=True)
    @auth_required("collector")
    @blp.arguments(CreditConsentCreateSchema)
    @blp.response(201, CreditConsentSchema)
    def post(self, data):
        """Allow one lender to read my credit score"""
        return service.grant_consent(get_session(), user_id=current_user_id(), **data)


@blp.route("/me/credit-consents/<int:credit_consent_id>/revocation")
class CreditConsentRevocation(MethodView):
    @atomic
    @auth_required("collector")
    @blp.response(200, CreditConsentSchema)
    def post(self, credit_consent_id):
        """Withdraw a lender's access to my credit score"""
        return service.revoke_consent(
            get_session(), user_id=current_user_id(), credit_consent_id=credit_consent_id
        )


@blp.route("/<int:collector_id>/credit")
class CollectorCredit(MethodView):
    @auth_required("collector", "lender")
    @blp.response(200, CreditSnapshotSchema(many=True))
    def get(self, collector_id):
        """A collector's credit score history (the collector, or a lender with consent)"""
        return service.get_credit_for_viewer(
            get_session(),
            collector_id=collector_id,
            user_id=current_user_id(),
            role=current_role(),
            hmac_key=current_app.config["WAREHOUSE_HMAC_KEY"],
        )
