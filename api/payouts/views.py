"""Withdrawals from the signed-in resident's or collector's wallet."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.payouts import service
from api.payouts.schemas import PayoutCreateSchema, PayoutSchema
from api.web import atomic, auth_required, current_role, current_user_id, list_page

blp = Blueprint("payouts", __name__, url_prefix="/api/payouts", description="Payouts")


@blp.route("")
class Payouts(MethodView):
    @auth_required("resident", "collector")
    @blp.response(200, PayoutSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """My withdrawals, newest first (paginated)"""
        return list_page(
            pagination_parameters,
            service.list_payouts,
            user_id=current_user_id(),
        )

    @atomic(idempotent=True)
    @auth_required("resident", "collector")
    @blp.arguments(PayoutCreateSchema)
    @blp.response(201, PayoutSchema)
    def post(self, data):
        """Withdraw from my wallet (send an Idempotency-Key to retry safely)"""
        return service.create_payout(
            get_session(), user_id=current_user_id(), role=current_role(), **data
        )


@blp.route("/<int:payout_id>")
class PayoutItem(MethodView):
    @auth_required("resident", "collector")
    @blp.response(200, PayoutSchema)
    def get(self, payout_id):
        """One of my withdrawals"""
        return service.get_payout_or_raise(
            get_session(), user_id=current_user_id(), payout_id=payout_id
        )
