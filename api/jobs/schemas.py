"""Job bodies: the feed (no address), held jobs (with the door details), weighings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.bookings.schemas import PHOTO_REF, BookingItemSchema, SlotRefSchema
from api.timeutil import to_local

DEDUCTION_KINDS = ("moisture", "contamination", "tare")
WEIGHING_DECISIONS = ("accept", "refuse", "confirm")


def _local(value):
    return to_local(value).isoformat() if value else None


class FeedQueryArgsSchema(Schema):
    date = fields.Date(metadata={"description": "only jobs on this local day"})


class FeedEntrySchema(Schema):
    booking_id = fields.Integer()
    zone = fields.String(attribute="zone_code")
    neighbourhood = fields.Function(lambda e: f"{e.zone_name} · cell {e.cell}")
    cell = fields.String()
    distance_m = fields.Integer(metadata={"description": "rounded to 100 m"})
    slot = fields.Nested(SlotRefSchema)
    items = fields.List(fields.Nested(BookingItemSchema))
    estimated_value_cents = fields.Integer()
    estimated_grams = fields.Integer()


class DoorSchema(Schema):
    """The exact address: only for the collector holding the job."""

    text = fields.String()
    building = fields.String(allow_none=True)
    floor = fields.String(allow_none=True)
    access_notes = fields.String(allow_none=True)
    latitude = fields.Float()
    longitude = fields.Float()


class DeductionSchema(Schema):
    kind = fields.String()
    percent = fields.String(allow_none=True)
    grams = fields.Integer(allow_none=True)
    reason = fields.String()
    photo_ref = fields.String(allow_none=True)


class WeighingLineSchema(Schema):
    material = fields.String(attribute="material_code")
    grade = fields.String()
    unit = fields.String()
    gross_grams = fields.Integer(allow_none=True)
    net_grams = fields.Integer(allow_none=True)
    pieces = fields.Integer(allow_none=True)
    deductions = fields.List(fields.Nested(DeductionSchema))
    unit_price_cents = fields.Integer()
    amount_cents = fields.Integer()
    subsidy_cents = fields.Integer()
    tag_code = fields.String()
    is_void = fields.Boolean()


class WeighingSchema(Schema):
    weighing_id = fields.Integer()
    booking_id = fields.Integer()
    status = fields.String()
    quoted_total_cents = fields.Integer()
    goods_cents = fields.Integer()
    subsidy_cents = fields.Integer()
    total_cents = fields.Integer()
    weighed_at = fields.Function(lambda w: _local(w.weighed_at))
    resident_decided_at = fields.Function(lambda w: _local(w.resident_decided_at), allow_none=True)
    lines = fields.List(fields.Nested(WeighingLineSchema))


class JobSchema(Schema):
    booking_id = fields.Integer()
    status = fields.String()
    version = fields.Integer()
    zone = fields.String(attribute="zone_code")
    slot = fields.Nested(SlotRefSchema)
    items = fields.List(fields.Nested(BookingItemSchema))
    notes = fields.String(allow_none=True)
    photo_refs = fields.List(fields.String())
    address = fields.Nested(DoorSchema, allow_none=True, metadata={"description": "while held"})
    resident_phone = fields.String(allow_none=True, metadata={"description": "while held"})
    estimated_value_cents = fields.Integer()
    weighing = fields.Nested(WeighingSchema, allow_none=True)


class BookingStateSchema(Schema):
    booking_id = fields.Integer()
    status = fields.String()
    version = fields.Integer()


class DepartureCreateSchema(Schema):
    eta_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(1, 300))


class ArrivalCreateSchema(Schema):
    latitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    accuracy_m = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 5_000)
    )


class DeductionCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DEDUCTION_KINDS))
    percent = fields.Decimal(
        allow_nan=False, metadata={"description": "moisture/contamination: % of after-tare mass"}
    )
    grams = fields.Integer(strict=True, metadata={"description": "tare: grams"})
    reason = fields.String(required=True, validate=validate.Length(3, 200))
    photo_ref = fields.String(load_default=None, allow_none=True, validate=PHOTO_REF)


class WeighingLineCreateSchema(Schema):
    material = fields.String(required=True, validate=validate.Length(1, 32))
    grade = fields.String(required=True, validate=validate.Length(1, 32))
    gross_grams = fields.Integer(strict=True, validate=validate.Range(1, 2_000_000))
    pieces = fields.Integer(strict=True, validate=validate.Range(1, 100))
    deductions = fields.List(
        fields.Nested(DeductionCreateSchema), load_default=list, validate=validate.Length(max=3)
    )
    tag_code = fields.String(required=True, validate=validate.Length(1, 40))


class WeighingCreateSchema(Schema):
    lines = fields.List(
        fields.Nested(WeighingLineCreateSchema), required=True, validate=validate.Length(1, 30)
    )


class WeighingDecisionCreateSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(WEIGHING_DECISIONS))
