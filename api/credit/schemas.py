"""Credit consent and score bodies."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.fields import Id


class CreditConsentCreateSchema(Schema):
    lender_user_id = Id(required=True)


class CreditConsentSchema(Schema):
    credit_consent_id = fields.Integer()
    lender_user_id = fields.Integer()
    granted_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class CreditSnapshotSchema(Schema):
    """One monthly snapshot of the scorecard (columns of the warehouse mart)."""

    as_of_date = fields.Date()
    is_latest = fields.Boolean()
    credit_score = fields.Integer()
    score_band = fields.String()
    probability_of_default = fields.Float()
    reason_code_1 = fields.String(allow_none=True)
    reason_code_2 = fields.String(allow_none=True)
    reason_code_3 = fields.String(allow_none=True)
    is_thin_file = fields.Boolean()
    net_earnings_cents_per_month = fields.Integer(allow_none=True)
    confirmed_receivables_cents = fields.Integer(allow_none=True)
    credit_limit_cents = fields.Integer(allow_none=True)
