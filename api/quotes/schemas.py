"""Quote bodies: money in integer cents (CNY), quantities in grams or pieces."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.fields import Id
from api.timeutil import to_local


class QuoteItemCreateSchema(Schema):
    material = fields.String(required=True, validate=validate.Length(1, 32))
    grade = fields.String(required=True, validate=validate.Length(1, 32))
    quantity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=5_000_000),
        metadata={"description": "grams for kg materials, pieces for piece materials"},
    )


class QuoteCreateSchema(Schema):
    address_id = Id(required=True)
    items = fields.List(
        fields.Nested(QuoteItemCreateSchema), required=True, validate=validate.Length(1, 20)
    )


class DeductionRuleSchema(Schema):
    kind = fields.String()
    max_percent = fields.String()
    description = fields.String()


class QuoteLineSchema(Schema):
    material = fields.String(attribute="material_code")
    grade = fields.String()
    unit = fields.String()
    quantity = fields.Integer()
    unit_price_cents = fields.Integer()
    estimated_amount_cents = fields.Integer()
    deduction_rules = fields.List(fields.Nested(DeductionRuleSchema))


def _local(value):
    return to_local(value).isoformat() if value else None


class QuoteSchema(Schema):
    quote_id = fields.String()
    currency = fields.Constant("CNY")
    lines = fields.List(fields.Nested(QuoteLineSchema))
    estimated_total_cents = fields.Integer()
    expires_at = fields.Function(lambda q: _local(q.expires_at))
    locked_until = fields.Function(lambda q: _local(q.locked_until), allow_none=True)
