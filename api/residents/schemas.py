"""Profile and address bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ProfileSchema(Schema):
    user_id = fields.Integer()
    phone = fields.String()
    display_name = fields.String(allow_none=True)
    locale = fields.String()
    version = fields.Integer()


class ProfileUpdateSchema(Schema):
    display_name = fields.String(allow_none=True, validate=validate.Length(1, 80))
    locale = fields.String(validate=validate.OneOf(["zh-CN", "en"]))


class AddressSchema(Schema):
    address_id = fields.Integer()
    zone = fields.Function(lambda a: a.zone_code)
    label = fields.String(allow_none=True)
    latitude = fields.Float()
    longitude = fields.Float()
    text = fields.String()
    building = fields.String(allow_none=True)
    floor = fields.String(allow_none=True)
    access_notes = fields.String(allow_none=True)
    is_default = fields.Boolean()
    version = fields.Integer()


class AddressCreateSchema(Schema):
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40))
    latitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    text = fields.String(required=True, validate=validate.Length(3, 200))
    building = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 60))
    floor = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 10))
    access_notes = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 200)
    )
    is_default = fields.Boolean(load_default=False)


class AddressUpdateSchema(Schema):
    label = fields.String(allow_none=True, validate=validate.Length(1, 40))
    text = fields.String(validate=validate.Length(3, 200))
    building = fields.String(allow_none=True, validate=validate.Length(1, 60))
    floor = fields.String(allow_none=True, validate=validate.Length(1, 10))
    access_notes = fields.String(allow_none=True, validate=validate.Length(1, 200))
    is_default = fields.Boolean()
