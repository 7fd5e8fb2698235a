"""Warehouse bodies: the marts' columns (money in integer cents, weights in grams)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PriceIndexQueryArgsSchema(Schema):
    series = fields.String(validate=validate.OneOf(["resident_paid", "plant_clearing"]))
    material_group = fields.String(validate=validate.Length(1, 32))
    frequency = fields.String(validate=validate.OneOf(["month", "week"]))


class PriceIndexSchema(Schema):
    series = fields.String()
    material_group = fields.String()
    frequency = fields.String()
    period = fields.String(metadata={"description": "YYYY-MM or ISO YYYY-Www"})
    index_value = fields.Float()
    n_products = fields.Integer()
    is_published = fields.Boolean(metadata={"description": "final: never revised"})


class CreditScoreQueryArgsSchema(Schema):
    score_band = fields.String(validate=validate.OneOf(["A", "B", "C", "D", "E"]))
    is_thin_file = fields.Boolean()


class CreditScoreSchema(Schema):
    collector_key = fields.String(metadata={"description": "pseudonym of the collector"})
    as_of_date = fields.Date()
    is_latest = fields.Boolean()
    credit_score = fields.Integer()
    score_band = fields.String()
    probability_of_default = fields.Float()
    reason_code_1 = fields.String(allow_none=True)
    reason_code_2 = fields.String(allow_none=True)
    reason_code_3 = fields.String(allow_none=True)
    is_thin_file = fields.Boolean()
    net_earnings_cents_per_month = fields.Integer()
    confirmed_receivables_cents = fields.Integer()
    credit_limit_cents = fields.Integer()


class RecoveryRateQueryArgsSchema(Schema):
    material_code = fields.String(validate=validate.Length(1, 32))
    month_start = fields.Date()


class RecoveryRateSchema(Schema):
    month_start = fields.Date()
    material_code = fields.String()
    material_group = fields.String(allow_none=True)
    pickup_grams = fields.Integer()
    dropoff_grams = fields.Integer()
    lot_handover_grams = fields.Integer()
    plant_receipt_grams = fields.Integer()
    collection_leakage_rate = fields.Float(allow_none=True)
    station_to_plant_rate = fields.Float(allow_none=True)
    recovery_rate = fields.Float(allow_none=True)
    handover_loss_rate = fields.Float(allow_none=True)


class LotResultQueryArgsSchema(Schema):
    material_id = fields.Integer(validate=validate.Range(1, 2**53))
    is_sold = fields.Boolean()


class LotResultSchema(Schema):
    lot_id = fields.Integer()
    auction_id = fields.Integer()
    material_id = fields.Integer()
    grade = fields.String()
    net_grams = fields.Integer()
    close_date = fields.Date(allow_none=True)
    reserve_cents = fields.Integer(allow_none=True)
    clearing_price_cents = fields.Integer(allow_none=True)
    is_sold = fields.Boolean()
    n_bids = fields.Integer()
    n_bidders = fields.Integer()
    late_bid_share = fields.Float(allow_none=True)
    extension_count = fields.Integer()
    premium_over_reserve_ratio = fields.Float(allow_none=True)
    premium_over_index_ratio = fields.Float(allow_none=True)
