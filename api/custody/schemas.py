"""Manifest, alert, tag and checkpoint bodies."""

from __future__ import annotations

import re

from marshmallow import Schema, fields, validate

from api.custody.models import ALERT_KINDS, ALERT_STATUSES, MANIFEST_KINDS, MANIFEST_STATUSES
from api.fields import Id
from api.timeutil import to_local

HEX64 = validate.Regexp(r"^[0-9a-f]{64}$", error="64 lower-case hex digits (SHA-256)")
GRAMS = validate.Range(min=0, max=100_000_000)
# Digit runs that could be a phone number are masked for readers who are not the parties.
PHONE_LIKE = re.compile(r"\+?\d[\d\s-]{5,}\d")


def _local(value):
    return to_local(value).isoformat() if value else None


class PartySchema(Schema):
    role = fields.String()
    ref = fields.String(metadata={"description": "pseudonym (residents) or organisation id"})


class ManifestLineSchema(Schema):
    material = fields.String(attribute="material_code")
    grade = fields.String(allow_none=True)
    tag_codes = fields.List(fields.String())
    sender_grams = fields.Integer(allow_none=True)
    receiver_grams = fields.Integer(allow_none=True)
    pieces = fields.Integer(allow_none=True)


class ConfirmationSchema(Schema):
    party = fields.String()
    content_hash = fields.String()
    confirmed_at = fields.Function(lambda c: _local(c.confirmed_at))


class ManifestSchema(Schema):
    manifest_id = fields.Integer()
    root_manifest_id = fields.Integer()
    version = fields.Integer()
    kind = fields.String()
    status = fields.String()
    subject = fields.Function(lambda m: {"type": m.subject_type, "id": m.subject_id})
    sender = fields.Function(lambda m: {"role": m.sender_role, "ref": m.sender_ref})
    receiver = fields.Function(lambda m: {"role": m.receiver_role, "ref": m.receiver_ref})
    handed_over_at = fields.Function(lambda m: _local(m.handed_over_at))
    place = fields.Function(lambda m: {"kind": m.place_kind, "ref": m.place_ref})
    zone = fields.String(attribute="zone_code", allow_none=True)
    lines = fields.List(fields.Nested(ManifestLineSchema))
    content_hash = fields.String(
        metadata={"description": "SHA-256 of the canonical JSON content; send it to confirm"}
    )
    confirmations = fields.List(fields.Nested(ConfirmationSchema))
    replaces_manifest_id = fields.Integer(allow_none=True)
    voided_by_manifest_id = fields.Integer(allow_none=True)
    correction_reason = fields.Function(
        lambda m: PHONE_LIKE.sub("[redacted]", m.correction_reason) if m.correction_reason else None
    )
    confirmed_at = fields.Function(lambda m: _local(m.confirmed_at))
    created_at = fields.Function(lambda m: _local(m.created_at))


class ManifestQueryArgsSchema(Schema):
    kind = fields.String(validate=validate.OneOf(MANIFEST_KINDS))
    status = fields.String(validate=validate.OneOf(MANIFEST_STATUSES))
    material = fields.String(validate=validate.Length(1, 32))
    zone = fields.String(validate=validate.Length(1, 32))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class ConfirmationCreateSchema(Schema):
    content_hash = fields.String(required=True, validate=HEX64)


class CorrectionLineSchema(Schema):
    material = fields.String(required=True, validate=validate.Length(1, 32))
    grade = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 32))
    tag_codes = fields.List(
        fields.String(validate=validate.Length(1, 20)),
        load_default=list,
        validate=validate.Length(max=500),
    )
    sender_grams = fields.Integer(strict=True, allow_none=True, validate=GRAMS)
    receiver_grams = fields.Integer(strict=True, allow_none=True, validate=GRAMS)
    pieces = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 10_000))


class CorrectionChangesSchema(Schema):
    lines = fields.List(fields.Nested(CorrectionLineSchema), validate=validate.Length(1, 50))
    handed_over_at = fields.AwareDateTime()


class CorrectionCreateSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(3, 500))
    changes = fields.Nested(CorrectionChangesSchema, required=True)


class VerificationSchema(Schema):
    manifest_id = fields.Integer()
    status = fields.String(metadata={"description": "ok or broken"})
    checked_seqs = fields.List(fields.Integer())
    first_bad_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)
    content_hash = fields.String()


class ChainVerificationSchema(Schema):
    ok = fields.Boolean()
    checked = fields.Integer()
    head_seq = fields.Integer()
    head_hash = fields.String()
    first_bad_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)


class CheckpointSchema(Schema):
    date = fields.String()
    seq = fields.Integer()
    event_count = fields.Integer()
    head_hash = fields.String()
    signed_at = fields.String()
    algorithm = fields.String()
    public_key = fields.String(metadata={"description": "base64 raw Ed25519 public key"})
    signature = fields.String(metadata={"description": "base64 Ed25519 signature"})


class AlertSchema(Schema):
    alert_id = fields.Integer(attribute="custody_alert_id")
    kind = fields.String()
    subject = fields.Function(lambda a: {"type": a.subject_type, "id": a.subject_id})
    period = fields.String()
    details = fields.Dict()
    status = fields.String()
    acknowledged_at = fields.Function(lambda a: _local(a.acknowledged_at))
    resolved_at = fields.Function(lambda a: _local(a.resolved_at))
    resolution_note = fields.String(allow_none=True)
    created_at = fields.Function(lambda a: _local(a.created_at))


class AlertQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES))
    kind = fields.String(validate=validate.OneOf(ALERT_KINDS))
    subject_type = fields.String(validate=validate.OneOf(("collector", "station", "tag", "plant")))


class AlertAcknowledgementCreateSchema(Schema):
    pass


class AlertResolutionCreateSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(3, 500))


class TagBatchCreateSchema(Schema):
    collector_id = Id(required=True)
    count = fields.Integer(required=True, strict=True, validate=validate.Range(1, 200))


class TagBatchSchema(Schema):
    collector_id = fields.Integer()
    count = fields.Integer()
    tag_codes = fields.List(fields.String())
