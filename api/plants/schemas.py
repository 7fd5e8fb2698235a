"""Plant bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.plants.models import PLANT_STATUSES
from api.timeutil import to_local

DOCUMENT_REF = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_\-./:]{2,199}$", error="an uploaded document id"
)
BANK_REFERENCE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_\-./]{3,39}$", error="4 to 40 letters")


class PlantCreateSchema(Schema):
    company_name = fields.String(required=True, validate=validate.Length(2, 120))
    licence_number = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Za-z0-9\-/]{4,64}$", error="4 to 64 letters")
    )
    permit_refs = fields.List(
        fields.String(validate=DOCUMENT_REF), required=True, validate=validate.Length(1, 10)
    )
    categories = fields.List(
        fields.String(validate=validate.Length(1, 32)),
        required=True,
        validate=validate.Length(1, 10),
        metadata={"description": "material categories the permit allows (paper, metal ...)"},
    )
    permit_expires_on = fields.Date(required=True)


class PlantSchema(Schema):
    plant_id = fields.Integer()
    company_name = fields.String()
    licence_number = fields.String()
    permit_refs = fields.List(fields.String())
    categories = fields.List(fields.String())
    permit_expires_on = fields.Date()
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    deposit_cents = fields.Integer(metadata={"description": "earnest money held"})
    currency = fields.Constant("CNY")
    version = fields.Integer()
    created_at = fields.Function(lambda p: to_local(p["created_at"]).isoformat())


class PlantQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(PLANT_STATUSES))


class PlantDecisionCreateSchema(Schema):
    decision = fields.String(
        required=True, validate=validate.OneOf(["approve", "reject", "suspend"])
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class DepositCreateSchema(Schema):
    amount_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=100_000_000)
    )
    bank_reference = fields.String(
        required=True,
        validate=BANK_REFERENCE,
        metadata={"description": "the bank transfer's reference; recorded once"},
    )


class DepositSchema(Schema):
    transaction_id = fields.Integer()
    amount_cents = fields.Integer()
    deposit_cents = fields.Integer(metadata={"description": "earnest money held after it"})
    currency = fields.Constant("CNY")
