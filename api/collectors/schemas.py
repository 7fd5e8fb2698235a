"""Collector bodies: enrolment, review decisions, shifts, location pings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from marshmallow import ValidationError as SchemaError

from api.bookings.schemas import PHOTO_REF
from api.collectors.models import COLLECTOR_STATUSES, VEHICLE_TYPES
from api.collectors.pii import mask_national_id, national_id_problem
from api.timeutil import to_local

DECISIONS = ("approve", "reject", "request_info", "suspend", "reinstate", "offboard")
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="a local time HH:MM")
SKILL_NAME = validate.Regexp(r"^[a-z][a-z0-9_\-]{1,31}$", error="a skill name such as appliance")


def _check_national_id(value: str) -> None:
    problem = national_id_problem(value)
    if problem:
        raise SchemaError(problem)


class SkillCreateSchema(Schema):
    skill = fields.String(required=True, validate=SKILL_NAME)
    certificate_ref = fields.String(required=True, validate=PHOTO_REF)
    expires_on = fields.Date(required=True)


class CollectorCreateSchema(Schema):
    full_name = fields.String(required=True, validate=validate.Length(2, 80))
    national_id = fields.String(
        required=True,
        validate=_check_national_id,
        metadata={"description": "18-character PRC ID; stored encrypted, shown masked"},
    )
    id_photo_refs = fields.List(
        fields.String(validate=PHOTO_REF), required=True, validate=validate.Length(1, 4)
    )
    vehicle_type = fields.String(required=True, validate=validate.OneOf(VEHICLE_TYPES))
    payload_grams = fields.Integer(
        required=True, strict=True, validate=validate.Range(1_000, 10_000_000)
    )
    volume_litres = fields.Integer(required=True, strict=True, validate=validate.Range(10, 60_000))
    home_latitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    home_longitude = fields.Float(
        required=True, allow_nan=False, validate=validate.Range(-180, 180)
    )
    zones = fields.List(
        fields.String(validate=validate.Length(1, 32)),
        required=True,
        validate=validate.Length(1, 10),
        metadata={"description": "codes of the zones the collector serves"},
    )
    skills = fields.List(fields.Nested(SkillCreateSchema), validate=validate.Length(max=10))


class CollectorUpdateSchema(CollectorCreateSchema):
    """Any of the application's fields (load it with ``partial=True``)."""


class SkillSchema(Schema):
    skill = fields.String()
    certificate_ref = fields.String()
    expires_on = fields.Date()


class CollectorSchema(Schema):
    collector_id = fields.Integer()
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    full_name = fields.String()
    national_id = fields.Function(lambda c: mask_national_id(c.national_id_last4))
    id_photo_refs = fields.List(fields.String())
    vehicle_type = fields.String()
    payload_grams = fields.Integer()
    volume_litres = fields.Integer()
    home_latitude = fields.Float()
    home_longitude = fields.Float()
    zones = fields.List(fields.String(), attribute="zone_codes")
    skills = fields.List(fields.Nested(SkillSchema))
    no_show_count = fields.Integer()
    approved_at = fields.Function(
        lambda c: to_local(c.approved_at).isoformat() if c.approved_at else None, allow_none=True
    )
    version = fields.Integer()
    created_at = fields.Function(lambda c: to_local(c.created_at).isoformat())


class CollectorQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(COLLECTOR_STATUSES))


class DecisionCreateSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(3, 300))


class ShiftSetSchema(Schema):
    start = fields.String(required=True, validate=HHMM)
    end = fields.String(required=True, validate=HHMM)


class ShiftSchema(Schema):
    shift_date = fields.Date()
    start = fields.Function(lambda s: to_local(s.starts_at).strftime("%H:%M"))
    end = fields.Function(lambda s: to_local(s.ends_at).strftime("%H:%M"))
    starts_at = fields.Function(lambda s: to_local(s.starts_at).isoformat())
    ends_at = fields.Function(lambda s: to_local(s.ends_at).isoformat())
    version = fields.Integer(metadata={"description": "the ETag's number"})


class ShiftQueryArgsSchema(Schema):
    date_from = fields.Date()
    date_to = fields.Date()


class PingCreateSchema(Schema):
    latitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    accuracy_m = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 5_000)
    )
    recorded_at = fields.AwareDateTime(
        load_default=None, allow_none=True, metadata={"description": "defaults to now"}
    )


class PingSchema(Schema):
    location_ping_id = fields.Integer()
    recorded_at = fields.Function(lambda p: to_local(p.recorded_at).isoformat())
