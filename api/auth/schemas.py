"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class CodeCreateSchema(Schema):
    phone = fields.String(
        required=True,
        metadata={"description": "E.164, e.g. +8613812345678", "example": "+8613812345678"},
    )


class CodeSchema(Schema):
    phone = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds the code stays valid"})
    resend_after = fields.Integer(metadata={"description": "seconds before another code"})


class TokenCreateSchema(Schema):
    grant_type = fields.String(
        required=True, validate=validate.OneOf(["phone_code", "refresh_token"])
    )
    phone = fields.String()
    code = fields.String(validate=validate.Regexp(r"^\d{6}$", error="six digits"))
    refresh_token = fields.String(validate=validate.Length(min=10, max=200))

    @validates_schema
    def _check_grant(self, data, **_kwargs):
        if data.get("grant_type") == "phone_code":
            missing = {
                f: ["required for grant_type phone_code"]
                for f in ("phone", "code")
                if f not in data
            }
        else:
            missing = (
                {"refresh_token": ["required for grant_type refresh_token"]}
                if "refresh_token" not in data
                else {}
            )
        if missing:
            raise ValidationError(missing)


class TokenSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String(dump_default="Bearer")
    expires_in = fields.Integer()
    user_id = fields.Integer()
    role = fields.String()


class RevocationCreateSchema(Schema):
    pass


class MeSchema(Schema):
    user_id = fields.Integer()
    role = fields.String()
    display_name = fields.String(allow_none=True)
    locale = fields.String()
