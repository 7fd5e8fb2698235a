"""Slot bodies; times are shown in the city's time zone."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.timeutil import to_local


class SlotSchema(Schema):
    slot_id = fields.Integer()
    starts_at = fields.Function(lambda s: to_local(s.starts_at).isoformat())
    ends_at = fields.Function(lambda s: to_local(s.ends_at).isoformat())
    cutoff_at = fields.Function(lambda s: to_local(s.cutoff_at).isoformat())
    capacity = fields.Integer()
    remaining = fields.Function(lambda s: s.capacity - s.booked_count)


class SlotQueryArgsSchema(Schema):
    zone = fields.String(required=True)
    date = fields.Date(required=True)
