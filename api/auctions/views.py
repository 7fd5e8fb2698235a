"""Auctions: the live view phones poll, the bid history, paying for a lot won."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auctions import closing, history, service
from api.auctions.conditional import conditional_response
from api.auctions.schemas import BidHistorySchema, PaymentCreateSchema
from api.db import get_session
from api.lots.access import Viewer, viewer_for
from api.lots.schemas import AuctionLiveSchema
from api.web import atomic, auth_required, current_role, current_user_id

blp = Blueprint("auctions", __name__, url_prefix="/api/auctions", description="Auctions")

READERS = ("plant", "station", "admin", "regulator", "analyst")


def _viewer() -> Viewer:
    return viewer_for(get_session(), user_id=current_user_id(), role=current_role())


@blp.route("/<int:auction_id>")
class AuctionItem(MethodView):
    @auth_required(*READERS)
    @blp.response(200, AuctionLiveSchema)
    @blp.alt_response(304, description="Not modified (send the ETag in If-None-Match)")
    def get(self, auction_id):
        """Live auction: price, minimum next bid, time left by the database clock (ETag)"""
        etag, left, build = service.auction_live(
            get_session(), viewer=_viewer(), auction_id=auction_id
        )
        return conditional_response(etag, left, build, AuctionLiveSchema())


@blp.route("/<int:auction_id>/bids")
class Bids(MethodView):
    @auth_required(*READERS)
    @blp.response(200, BidHistorySchema(many=True))
    def get(self, auction_id):
        """Bid history; bidders are pseudonymous, your own bids are marked"""
        return history.list_bids(get_session(), viewer=_viewer(), auction_id=auction_id)


@blp.route("/<int:auction_id>/payment")
class Payment(MethodView):
    @atomic(idempotent=True)
    @auth_required("plant")
    @blp.arguments(PaymentCreateSchema)
    @blp.response(201, AuctionLiveSchema)
    def post(self, data, auction_id):
        """Pay for a lot you won (or were offered) before the deadline"""
        return closing.pay_for_auction(
            get_session(), viewer=_viewer(), auction_id=auction_id, **data
        )
