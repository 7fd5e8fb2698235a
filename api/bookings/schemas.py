"""Booking bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.bookings.models import BOOKING_STATUSES
from api.fields import Id
from api.timeutil import to_local

PHOTO_REF = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_\-./:]{2,199}$", error="an uploaded photo id")


class BookingItemCreateSchema(Schema):
    material = fields.String(required=True, validate=validate.Length(1, 32))
    grade = fields.String(required=True, validate=validate.Length(1, 32))
    quantity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=5_000_000),
        metadata={"description": "estimated grams (kg materials) or pieces"},
    )


class BookingCreateSchema(Schema):
    address_id = Id(required=True)
    slot_id = Id(required=True)
    quote_id = fields.String(required=True, validate=validate.Length(36, 36))
    items = fields.List(
        fields.Nested(BookingItemCreateSchema),
        validate=validate.Length(1, 20),
        metadata={"description": "defaults to the quote's items"},
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    photo_refs = fields.List(
        fields.String(validate=PHOTO_REF), load_default=list, validate=validate.Length(max=10)
    )


class BookingItemSchema(Schema):
    material = fields.String(attribute="material_code")
    grade = fields.String()
    unit = fields.String()
    estimated_quantity = fields.Integer()


class SlotRefSchema(Schema):
    slot_id = fields.Integer()
    starts_at = fields.Function(lambda s: to_local(s.starts_at).isoformat())
    ends_at = fields.Function(lambda s: to_local(s.ends_at).isoformat())


class BookingSchema(Schema):
    booking_id = fields.Integer()
    status = fields.String()
    address_id = fields.Integer()
    slot_id = fields.Integer()
    quote_id = fields.String()
    items = fields.List(fields.Nested(BookingItemSchema))
    notes = fields.String(allow_none=True)
    photo_refs = fields.List(fields.String())
    is_late_cancellation = fields.Boolean()
    cancelled_at = fields.Function(
        lambda b: to_local(b.cancelled_at).isoformat() if b.cancelled_at else None, allow_none=True
    )
    version = fields.Integer()
    created_at = fields.Function(lambda b: to_local(b.created_at).isoformat())


class BookingQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(BOOKING_STATUSES))
    date_from = fields.Date()
    date_to = fields.Date()


class CancellationCreateSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ReschedulingCreateSchema(Schema):
    slot_id = Id(required=True)


class EventSchema(Schema):
    event_id = fields.Integer()
    kind = fields.String()
    occurred_at = fields.Function(lambda e: to_local(e.occurred_at).isoformat())
    data = fields.Dict()
