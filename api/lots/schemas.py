"""Lot bodies. Plants get no personal data: no tags, deliveries, collectors or residents."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.bookings.schemas import PHOTO_REF
from api.fields import Id
from api.lots.models import LOT_STATUSES
from api.timeutil import to_local


def _local(name: str) -> fields.Function:
    return fields.Function(
        lambda row: to_local(row[name]).isoformat() if row.get(name) else None, allow_none=True
    )


class LotCreateSchema(Schema):
    material = fields.String(required=True, validate=validate.Length(1, 32))
    grade = fields.String(required=True, validate=validate.Length(1, 32))
    delivery_line_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(1, 500),
        metadata={"description": "unassigned delivery lines of your station, same material"},
    )
    photo_refs = fields.List(
        fields.String(validate=PHOTO_REF), load_default=list, validate=validate.Length(max=10)
    )
    collection_starts_at = fields.AwareDateTime(required=True)
    collection_ends_at = fields.AwareDateTime(required=True)


class LotQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(LOT_STATUSES))
    material = fields.String(validate=validate.Length(1, 32))
    station = fields.String(validate=validate.Length(1, 32), metadata={"description": "code"})
    zone = fields.String(validate=validate.Length(1, 32), metadata={"description": "code"})


class StationRefSchema(Schema):
    code = fields.String()
    name = fields.String()
    zone = fields.String()


class SoftCloseSchema(Schema):
    window_seconds = fields.Integer()
    extension_seconds = fields.Integer()
    cap_seconds = fields.Integer()


class AwardSchema(Schema):
    status = fields.String()
    price_cents = fields.Integer(allow_none=True)
    you_won = fields.Boolean(allow_none=True)
    payment_due_at = _local("payment_due_at")
    plant_id = fields.Integer(metadata={"description": "staff only"})


class AuctionLiveSchema(Schema):
    auction_id = fields.Integer()
    lot_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    phase = fields.String(metadata={"description": "upcoming | open | ended | closed"})
    starts_at = _local("starts_at")
    ends_at = _local("ends_at")
    seconds_left = fields.Integer(metadata={"description": "by the database clock"})
    start_price_cents = fields.Integer()
    current_price_cents = fields.Integer(allow_none=True, metadata={"description": "english"})
    min_next_bid_cents = fields.Integer()
    bid_count = fields.Integer()
    extension_count = fields.Integer()
    soft_close = fields.Nested(SoftCloseSchema, allow_none=True)
    has_reserve = fields.Boolean()
    reserve_met = fields.Boolean(allow_none=True)
    deposit_cents = fields.Integer()
    deposit_pct = fields.String()
    you_lead = fields.Boolean(allow_none=True, metadata={"description": "plants"})
    your_max_cents = fields.Integer(allow_none=True, metadata={"description": "plants"})
    award = fields.Nested(AwardSchema, allow_none=True)
    currency = fields.Constant("CNY")
    leader_plant_id = fields.Integer(allow_none=True, metadata={"description": "staff only"})
    reserve_cents = fields.Integer(allow_none=True, metadata={"description": "staff only"})
    reserve_source = fields.String(metadata={"description": "staff only"})


class LotSchema(Schema):
    lot_id = fields.Integer()
    status = fields.String()
    material = fields.String()
    grade = fields.String()
    net_grams = fields.Integer()
    net_kg = fields.String(metadata={"description": "net_grams in kg, exact"})
    station = fields.Nested(StationRefSchema)
    tag_count = fields.Integer()
    photo_refs = fields.List(fields.String())
    collection_starts_at = _local("collection_starts_at")
    collection_ends_at = _local("collection_ends_at")
    version = fields.Integer()
    created_at = _local("created_at")
    is_yours = fields.Boolean(metadata={"description": "plants: you bought it"})
    received_net_grams = fields.Integer(allow_none=True)
    auction = fields.Nested(AuctionLiveSchema, allow_none=True)
    tag_codes = fields.List(fields.String(), metadata={"description": "staff only"})
    delivery_line_ids = fields.List(fields.Integer(), metadata={"description": "staff only"})
    plant_id = fields.Integer(allow_none=True, metadata={"description": "staff only"})


class CollectionCreateSchema(Schema):
    vehicle_plate = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(2, 16)
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ReceiptCreateSchema(Schema):
    net_grams = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=1_000_000_000)
    )


class LotEventSchema(Schema):
    event_id = fields.Integer()
    kind = fields.String()
    occurred_at = fields.Function(lambda e: to_local(e.occurred_at).isoformat())
    data = fields.Dict()
