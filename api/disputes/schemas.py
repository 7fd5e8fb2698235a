"""Dispute bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.bookings.schemas import PHOTO_REF
from api.disputes.service import DISPUTE_STATUSES
from api.fields import Id
from api.payouts.schemas import MAX_PAYOUT_CENTS
from api.timeutil import to_local


def _local(attr: str):
    return fields.Function(
        lambda d: to_local(getattr(d, attr)).isoformat() if getattr(d, attr) else None,
        allow_none=True,
    )


class DisputeCreateSchema(Schema):
    booking_id = Id(required=True)
    reason = fields.String(required=True, validate=validate.Length(3, 500))
    evidence_refs = fields.List(
        fields.String(validate=PHOTO_REF),
        load_default=list,
        validate=validate.Length(max=10),
        metadata={"description": "ids of uploaded photos or recordings"},
    )


class ResolutionCreateSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(("upheld", "rejected")))
    compensation_cents = fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=MAX_PAYOUT_CENTS)
    )
    note = fields.String(required=True, validate=validate.Length(3, 500))


class DisputeQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(DISPUTE_STATUSES))


class DisputeSchema(Schema):
    dispute_id = fields.Integer()
    booking_id = fields.Integer()
    reason = fields.String()
    evidence_refs = fields.List(fields.String())
    status = fields.String(metadata={"description": "open, upheld or rejected"})
    resolution = fields.String(allow_none=True)
    compensation_cents = fields.Integer()
    created_at = _local("created_at")
    resolved_at = _local("resolved_at")
