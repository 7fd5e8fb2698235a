"""The signed-in resident's or collector's wallet."""

from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint

from api.db import get_session
from api.wallets import service
from api.wallets.schemas import WalletQueryArgsSchema, WalletSchema
from api.web import auth_required, current_role, current_user_id

blp = Blueprint("wallets", __name__, url_prefix="/api/wallets", description="Wallets")


@blp.route("/me")
class MyWallet(MethodView):
    @auth_required("resident", "collector")
    @blp.arguments(WalletQueryArgsSchema, location="query")
    @blp.response(200, WalletSchema)
    def get(self, args):
        """My balance, what I may withdraw, and my latest entries (paginated)"""
        session = get_session()
        summary = service.get_wallet_summary(
            session, user_id=current_user_id(), role=current_role()
        )
        entries, total = service.list_wallet_entries(
            session,
            user_id=current_user_id(),
            role=current_role(),
            offset=(args["page"] - 1) * args["page_size"],
            limit=args["page_size"],
        )
        return {**asdict(summary), **args, "total_entries": total, "entries": entries}
