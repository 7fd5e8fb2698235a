"""Auction and bid bodies."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from api.auctions.models import AUCTION_KINDS
from api.lots.schemas import AuctionLiveSchema
from api.plants.schemas import BANK_REFERENCE
from api.timeutil import to_local

MAX_CENTS = 100_000_000_000  # 1 billion CNY: far above any lot, far below overflow


def _percent(value: Decimal) -> None:
    # Checked here rather than with validate.Range, whose Decimal bounds the OpenAPI document
    # would show as strings.
    if not 0 <= value <= 100:
        raise ValidationError("a percentage from 0 to 100")
    if value.as_tuple().exponent < -2:
        raise ValidationError("at most two decimal places")


class SoftCloseCreateSchema(Schema):
    window_seconds = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=3600)
    )
    extension_seconds = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=3600)
    )
    cap_seconds = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=86_400),
        metadata={"description": "the most the end may move in total; 0 never extends"},
    )


class AuctionCreateSchema(Schema):
    kind = fields.String(load_default="english", validate=validate.OneOf(AUCTION_KINDS))
    start_price_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_CENTS)
    )
    starts_at = fields.AwareDateTime(load_default=None, allow_none=True)
    ends_at = fields.AwareDateTime(required=True)
    soft_close = fields.Nested(
        SoftCloseCreateSchema,
        allow_none=True,
        metadata={"description": "English only; defaults from configuration"},
    )
    reserve_cents = fields.Integer(
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=MAX_CENTS),
        metadata={"description": "hidden; default from the clearing-price index or tariff"},
    )
    deposit_cents = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_CENTS))
    deposit_pct = fields.Decimal(
        validate=_percent,
        metadata={"description": "percent (0-100, 2 places) of a bid to hold as deposit"},
    )


class BidCreateSchema(Schema):
    max_amount_cents = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_CENTS),
        metadata={"description": "the most you pay for the whole lot (sealed: your tender)"},
    )


class BidSchema(Schema):
    bid_id = fields.Integer()
    seq = fields.Integer()
    max_amount_cents = fields.Integer()
    placed_at = fields.Function(lambda row: to_local(row["placed_at"]).isoformat())
    extended = fields.Boolean(metadata={"description": "this bid moved the end (soft close)"})
    auction = fields.Nested(AuctionLiveSchema)


class BidHistorySchema(Schema):
    seq = fields.Integer()
    bidder = fields.String(metadata={"description": "pseudonym, stable within the auction"})
    is_yours = fields.Boolean()
    placed_at = fields.Function(lambda row: to_local(row["placed_at"]).isoformat())
    price_after_cents = fields.Integer(allow_none=True)
    amount_cents = fields.Integer(
        allow_none=True, metadata={"description": "yours; sealed tenders after the close"}
    )
    leads_after = fields.Boolean(allow_none=True)
    plant_id = fields.Integer(metadata={"description": "admin only"})
    bid_id = fields.Integer(metadata={"description": "admin only"})


class PaymentCreateSchema(Schema):
    bank_reference = fields.String(required=True, validate=BANK_REFERENCE)
