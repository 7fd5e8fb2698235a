"""Material bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.materials.models import UNITS

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$", error="lower-case letters, digits, _")


class MaterialSchema(Schema):
    material_id = fields.Integer(dump_only=True)
    code = fields.String()
    category = fields.String()
    name_en = fields.String()
    name_zh = fields.String()
    unit = fields.String(metadata={"description": "kg or piece"})
    min_quantity = fields.Integer(metadata={"description": "grams (kg) or pieces"})
    required_skill = fields.String(allow_none=True)
    grades = fields.List(fields.String())
    is_active = fields.Boolean()
    version = fields.Integer(dump_only=True, metadata={"description": "the ETag's number"})


class MaterialCreateSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    category = fields.String(required=True, validate=validate.Length(1, 32))
    name_en = fields.String(required=True, validate=validate.Length(1, 80))
    name_zh = fields.String(required=True, validate=validate.Length(1, 80))
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    min_quantity = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**9))
    required_skill = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(1, 32)
    )
    grades = fields.List(
        fields.String(validate=validate.Length(1, 32)),
        required=True,
        validate=validate.Length(min=1),
    )


class MaterialUpdateSchema(Schema):
    name_en = fields.String(validate=validate.Length(1, 80))
    name_zh = fields.String(validate=validate.Length(1, 80))
    min_quantity = fields.Integer(validate=validate.Range(min=0, max=10**9))
    required_skill = fields.String(allow_none=True, validate=validate.Length(1, 32))
    grades = fields.List(
        fields.String(validate=validate.Length(1, 32)), validate=validate.Length(min=1)
    )
    is_active = fields.Boolean()
