"""Zone bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ZoneSchema(Schema):
    zone_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    polygon = fields.List(fields.List(fields.Float()), metadata={"description": "[lon, lat] ring"})


class ZoneCreateSchema(Schema):
    code = fields.String(
        required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9\-]{1,31}$", error="a-z, 0-9, -")
    )
    name = fields.String(required=True, validate=validate.Length(1, 80))
    polygon = fields.List(
        fields.List(fields.Float(allow_nan=False), validate=validate.Length(equal=2)),
        required=True,
        validate=validate.Length(min=3, max=2000),
    )
