"""Payout bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.timeutil import to_local

MAX_PAYOUT_CENTS = 100_000_000  # 1,000,000 CNY: far above any wallet, far below BIGINT


class PayoutCreateSchema(Schema):
    amount_cents = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_PAYOUT_CENTS, error="must be 1 to {max} cents"),
    )


class PayoutSchema(Schema):
    payout_id = fields.Integer()
    amount_cents = fields.Integer()
    status = fields.String(metadata={"description": "requested, sending, paid or failed"})
    failure_reason = fields.String(allow_none=True)
    created_at = fields.Function(lambda p: to_local(p.created_at).isoformat())
    settled_at = fields.Function(
        lambda p: to_local(p.settled_at).isoformat() if p.settled_at else None, allow_none=True
    )
