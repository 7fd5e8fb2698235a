"""Wallet bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.timeutil import to_local


class WalletQueryArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class WalletEntrySchema(Schema):
    entry_id = fields.Integer()
    amount_cents = fields.Integer(metadata={"description": "positive: credited to you"})
    kind = fields.String(metadata={"description": "e.g. weighing_credit, payout_request"})
    reference = fields.String(metadata={"description": "e.g. weighing:12, payout:3"})
    memo = fields.String(allow_none=True)
    created_at = fields.Function(lambda e: to_local(e["created_at"]).isoformat())


class WalletSchema(Schema):
    account_kind = fields.String()
    balance_cents = fields.Integer(metadata={"description": "owed to you, incl. money in transit"})
    in_transit_cents = fields.Integer(metadata={"description": "withdrawals not yet settled"})
    available_cents = fields.Integer(metadata={"description": "what you may withdraw now"})
    currency = fields.Constant("CNY")
    page = fields.Integer()
    page_size = fields.Integer()
    total_entries = fields.Integer()
    entries = fields.List(fields.Nested(WalletEntrySchema))
