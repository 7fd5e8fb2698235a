"""Rating bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.timeutil import to_local


class RatingCreateSchema(Schema):
    stars = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class RatingSchema(Schema):
    rating_id = fields.Integer()
    booking_id = fields.Integer()
    stars = fields.Integer()
    comment = fields.String(allow_none=True)
    created_at = fields.Function(lambda r: to_local(r.created_at).isoformat())
