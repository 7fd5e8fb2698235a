"""Tariff bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class TariffSchema(Schema):
    tariff_id = fields.Function(lambda row: row["tariff"].tariff_id)
    material = fields.String()
    grade = fields.Function(lambda row: row["tariff"].grade)
    zone = fields.String(allow_none=True)
    unit = fields.String()
    price_cents_per_unit = fields.Function(lambda row: row["tariff"].price_cents_per_unit)
    currency = fields.Constant("CNY")
    valid_from = fields.Function(lambda row: row["tariff"].valid_from.isoformat())
    version = fields.Function(lambda row: row["tariff"].version)
    status = fields.Function(lambda row: row["tariff"].status)
    source = fields.Function(lambda row: row["tariff"].source)


class TariffQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(["active", "proposed", "rejected"]))


class TariffCreateSchema(Schema):
    material = fields.String(required=True)
    grade = fields.String(required=True)
    zone = fields.String(load_default=None, allow_none=True)
    price_cents_per_unit = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=10_000_000)
    )
    valid_from = fields.Date(required=True)


class TariffSuggestionCreateSchema(Schema):
    days = fields.Integer(
        load_default=30,
        strict=True,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "clearing prices of lots sold in the last N days"},
    )


class SuggestedTariffSchema(TariffSchema):
    lot_count = fields.Integer()
    index_cents_per_kg = fields.Integer(metadata={"description": "volume-weighted clearing price"})
    current_price_cents_per_unit = fields.Integer(allow_none=True)


class SkippedSuggestionSchema(Schema):
    material = fields.String()
    grade = fields.String()
    reason = fields.String()


class TariffSuggestionSchema(Schema):
    proposed = fields.List(fields.Nested(SuggestedTariffSchema))
    skipped = fields.List(fields.Nested(SkippedSuggestionSchema))


class TariffDecisionCreateSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
