"""Station and delivery bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.fields import Id
from api.timeutil import to_local


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class StationSchema(Schema):
    station_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    zone = fields.Function(lambda s: s.zone_code)
    latitude = fields.Float()
    longitude = fields.Float()
    opens = fields.Function(lambda s: _hhmm(s.opens_minute), metadata={"description": "local"})
    closes = fields.Function(lambda s: _hhmm(s.closes_minute), metadata={"description": "local"})


class DeliveryLineCreateSchema(Schema):
    material = fields.String(required=True, validate=validate.Length(1, 32))
    grade = fields.String(required=True, validate=validate.Length(1, 32))
    net_grams = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 20_000_000),
        metadata={"description": "weighed at the station"},
    )
    tag_codes = fields.List(
        fields.String(validate=validate.Length(1, 40)),
        required=True,
        validate=validate.Length(1, 500),
    )
    amount_cents = fields.Integer(
        strict=True,
        validate=validate.Range(0, 100_000_000),
        metadata={"description": "piece-priced materials only: the agreed price of the line"},
    )


class DeliveryCreateSchema(Schema):
    collector_id = Id(required=True)
    lines = fields.List(
        fields.Nested(DeliveryLineCreateSchema), required=True, validate=validate.Length(1, 30)
    )


class DeliveryLineSchema(Schema):
    material = fields.String(attribute="material_code")
    grade = fields.String()
    net_grams = fields.Integer()
    door_net_grams = fields.Integer(
        allow_none=True, metadata={"description": "sum of the bags' net grams at the door"}
    )
    amount_cents = fields.Integer(allow_none=True)
    tag_codes = fields.List(fields.String())


class DeliverySchema(Schema):
    station_delivery_id = fields.Integer()
    station_id = fields.Integer()
    collector_id = fields.Integer()
    status = fields.String()
    received_at = fields.Function(lambda d: to_local(d.received_at).isoformat())
    price_cents = fields.Integer(
        allow_none=True, metadata={"description": "paid to the collector for the delivery"}
    )
    lines = fields.List(fields.Nested(DeliveryLineSchema))
