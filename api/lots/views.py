"""Lots: made at stations, listed for plants, auctioned, bid on, handed over, received."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auctions import service as auctions
from api.auctions.conditional import conditional_response
from api.auctions.schemas import AuctionCreateSchema, BidCreateSchema, BidSchema
from api.db import get_session
from api.extensions import limiter
from api.lots import handover, service
from api.lots.access import Viewer, viewer_for
from api.lots.schemas import (
    AuctionLiveSchema,
    CollectionCreateSchema,
    LotCreateSchema,
    LotEventSchema,
    LotQueryArgsSchema,
    LotSchema,
    ReceiptCreateSchema,
)
from api.web import atomic, auth_required, current_role, current_user_id, list_page, per_user_key

blp = Blueprint("lots", __name__, url_prefix="/api/lots", description="Lots and bidding")

READERS = ("plant", "station", "admin", "regulator", "analyst")


def _viewer() -> Viewer:
    return viewer_for(get_session(), user_id=current_user_id(), role=current_role())


@blp.route("")
class Lots(MethodView):
    @auth_required(*READERS)
    @blp.arguments(LotQueryArgsSchema, location="query")
    @blp.response(200, LotSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Lots I may see: plants the ones on offer and their own; staff their station's"""
        return list_page(
            pagination_parameters,
            service.list_lots,
            viewer=_viewer(),
            args=args,
        )

    @atomic(idempotent=True)
    @auth_required("station")
    @blp.arguments(LotCreateSchema)
    @blp.response(201, LotSchema)
    def post(self, data):
        """Make a lot from unassigned delivery lines of my station (one material grade)"""
        return service.create_lot(get_session(), viewer=_viewer(), data=data)


@blp.route("/<int:lot_id>")
class LotItem(MethodView):
    @auth_required(*READERS)
    @blp.response(200, LotSchema)
    @blp.alt_response(304, description="Not modified (send the ETag in If-None-Match)")
    def get(self, lot_id):
        """One lot with its live auction (poll with If-None-Match: 304 when unchanged)"""
        etag, left, build = service.lot_live(get_session(), viewer=_viewer(), lot_id=lot_id)
        return conditional_response(etag, left, build, LotSchema())


@blp.route("/<int:lot_id>/events")
class LotTimeline(MethodView):
    @auth_required("station", "admin", "regulator")
    @blp.response(200, LotEventSchema(many=True))
    def get(self, lot_id):
        """The lot's timeline (station staff and overseers)"""
        return service.lot_timeline(get_session(), viewer=_viewer(), lot_id=lot_id)


@blp.route("/<int:lot_id>/auctions")
class LotAuctions(MethodView):
    @atomic(idempotent=True)
    @auth_required("station", "admin")
    @blp.arguments(AuctionCreateSchema)
    @blp.response(201, AuctionLiveSchema)
    def post(self, data, lot_id):
        """Put the lot up for auction: English (proxy bids, soft close) or sealed tender"""
        return auctions.create_auction(get_session(), viewer=_viewer(), lot_id=lot_id, data=data)


@blp.route("/<int:lot_id>/bids")
class LotBids(MethodView):
    @atomic(idempotent=True)
    @auth_required("plant")
    @limiter.limit("60 per minute", key_func=per_user_key)
    @blp.arguments(BidCreateSchema)
    @blp.response(201, BidSchema)
    def post(self, data, lot_id):
        """Bid (send an Idempotency-Key); refusals are 409 with the reason as the code"""
        return auctions.place_bid(get_session(), viewer=_viewer(), lot_id=lot_id, **data)


@blp.route("/<int:lot_id>/collection")
class Collection(MethodView):
    @atomic(idempotent=True)
    @auth_required("station")
    @blp.arguments(CollectionCreateSchema)
    @blp.response(201, LotSchema)
    def post(self, data, lot_id):
        """Hand a paid lot over to the buying plant (station staff)"""
        return handover.record_collection(get_session(), viewer=_viewer(), lot_id=lot_id, **data)


@blp.route("/<int:lot_id>/receipt")
class Receipt(MethodView):
    @atomic(idempotent=True)
    @auth_required("plant")
    @blp.arguments(ReceiptCreateSchema)
    @blp.response(201, LotSchema)
    def post(self, data, lot_id):
        """Record the net weight on the plant's own scale at receipt"""
        return handover.record_receipt(get_session(), viewer=_viewer(), lot_id=lot_id, **data)
