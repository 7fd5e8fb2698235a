"""Warehouse marts over HTTP: read-only, pseudonymised, paginated."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.warehouse_api import service
from api.warehouse_api.schemas import (
    CreditScoreQueryArgsSchema,
    CreditScoreSchema,
    LotResultQueryArgsSchema,
    LotResultSchema,
    PriceIndexQueryArgsSchema,
    PriceIndexSchema,
    RecoveryRateQueryArgsSchema,
    RecoveryRateSchema,
)
from api.web import auth_required

blp = Blueprint(
    "warehouse", __name__, url_prefix="/api/warehouse", description="Warehouse marts (read-only)"
)
MARKET_ROLES = ("analyst", "admin", "regulator", "plant", "station", "lender")


def _page(mart: str, args: dict, pagination_parameters) -> list[dict]:
    rows, total = service.list_rows(
        mart,
        filters=args,
        offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return rows


@blp.route("/price-indices")
class PriceIndices(MethodView):
    @auth_required()  # published indices are for everyone signed in
    @blp.arguments(PriceIndexQueryArgsSchema, location="query")
    @blp.response(200, PriceIndexSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Monthly and weekly recycled-material price indices (published rows are final)"""
        return _page("price_indices", args, pagination_parameters)


@blp.route("/credit-scores")
class CreditScores(MethodView):
    @auth_required("admin", "analyst")  # lenders read one collector, with consent
    @blp.arguments(CreditScoreQueryArgsSchema, location="query")
    @blp.response(200, CreditScoreSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Current collector credit scores, best first (collectors by pseudonym)"""
        return _page("collector_credit_scores", args, pagination_parameters)


@blp.route("/credit-scores/<string:collector_key>")
class CreditScoreHistory(MethodView):
    @auth_required("admin", "analyst")
    @blp.response(200, CreditScoreSchema(many=True))
    def get(self, collector_key):
        """One collector's month-end and current scores, oldest first"""
        return service.get_credit_history_or_raise(collector_key=collector_key)


@blp.route("/material-recovery-rates")
class RecoveryRates(MethodView):
    @auth_required("regulator", "admin", "analyst")
    @blp.arguments(RecoveryRateQueryArgsSchema, location="query")
    @blp.response(200, RecoveryRateSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Tonnage through each custody hand-over with leakage and recovery rates, by month"""
        return _page("material_recovery_rates", args, pagination_parameters)


@blp.route("/lot-results")
class LotResults(MethodView):
    @auth_required("plant", "admin", "analyst")
    @blp.arguments(LotResultQueryArgsSchema, location="query")
    @blp.response(200, LotResultSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Auction results per lot: reserve, clearing price, premiums, bidders, late bids"""
        return _page("lot_auction_results", args, pagination_parameters)
