"""Regulator bodies: flows, registry, compliance and its actions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.custody.compliance_actions import ACTIONS
from api.custody.models import MANIFEST_KINDS
from api.timeutil import to_local


class FlowQueryArgsSchema(Schema):
    material = fields.String(validate=validate.Length(1, 32))
    zone = fields.String(validate=validate.Length(1, 32))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class FlowSchema(Schema):
    stage = fields.String(validate=validate.OneOf(MANIFEST_KINDS))
    material = fields.String()
    zone = fields.String(allow_none=True)
    manifests = fields.Integer()
    sender_grams = fields.Integer(metadata={"description": "as weighed by the sender"})
    receiver_grams = fields.Integer(metadata={"description": "as weighed by the receiver"})


class RegistryCollectorSchema(Schema):
    collector_id = fields.Integer()
    status = fields.String()
    vehicle_type = fields.String()
    zone_codes = fields.List(fields.String())
    approved_at = fields.Function(
        lambda c: to_local(c["approved_at"]).isoformat() if c["approved_at"] else None
    )


class RegistryStationSchema(Schema):
    station_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    zone = fields.String(allow_none=True)
    is_active = fields.Boolean()


class RegistryPlantSchema(Schema):
    plant_id = fields.Integer()
    company_name = fields.String()
    status = fields.String()
    categories = fields.List(fields.String())
    permit_expires_on = fields.Date()


class RegistrySchema(Schema):
    collectors = fields.List(fields.Nested(RegistryCollectorSchema))
    stations = fields.List(fields.Nested(RegistryStationSchema))
    plants = fields.List(fields.Nested(RegistryPlantSchema))


class ComplianceSchema(Schema):
    subject_kind = fields.String()
    subject_id = fields.Integer()
    score = fields.Integer()
    band = fields.String(metadata={"description": "good, watch, review or suspension"})
    deductions = fields.Dict(keys=fields.String(), values=fields.Integer())
    inputs = fields.Dict()


class ComplianceActionCreateSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(tuple(ACTIONS)))
    reason = fields.String(validate=validate.Length(3, 500))
    note = fields.String(validate=validate.Length(3, 500))


class ComplianceCaseSchema(Schema):
    compliance_case_id = fields.Integer()
    subject_kind = fields.String()
    subject_id = fields.Integer()
    case_kind = fields.String()
    reason = fields.String()
    score_at_open = fields.Integer(allow_none=True)
    opened_at = fields.Function(lambda c: to_local(c.opened_at).isoformat())
    closed_at = fields.Function(
        lambda c: to_local(c.closed_at).isoformat() if c.closed_at else None
    )
    close_note = fields.String(allow_none=True)
