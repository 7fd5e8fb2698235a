"""Manifests: one per hand-over, written by the flows that move material.

The four entry points the other domains call, in their own transaction, at each hand-over:

- ``record_pickup_manifest(session, weighing=..., actor_user_id=...)`` once the resident is
  bound by the weighing (status ``recorded`` or ``accepted``): resident -> collector;
- ``record_dropoff_manifest(session, delivery=..., actor_user_id=...)`` when station staff
  have weighed and scanned a delivery: collector -> station;
- ``record_lot_handover_manifest(session, lot=..., plant_id=..., actor_user_id=...)`` when the
  winning plant collects a lot: station -> plant;
- ``record_plant_receipt_manifest(session, lot=..., net_grams=..., actor_user_id=...)`` when
  the plant weighs the lot at its gate: station -> plant, with the plant's weight.

Each is idempotent per subject (weighing, delivery, lot): calling it twice returns the first
manifest. A new weighing of the same booking replaces the earlier pickup manifest by a
correction. Parties appear only as role + reference (a keyed pseudonym for residents); the
place is a station, a plant or a zone with a ~1 km cell, never a resident's address.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.custody.manifest_records import find_active_manifest, party_ref, write_manifest
from api.custody.models import Manifest, ManifestLine
from api.db import utcnow
from api.errors import ConflictError, ValidationError
from api.jobs.models import Weighing, WeighingLine
from api.residents.models import Address
from api.stations.models import Station, StationDeliveryLine
from api.zones.geometry import coarse_cell
from api.zones.models import Zone

# Only a weighing the resident is bound by moves material into the collector's custody.
BINDING_WEIGHING_STATUSES = ("recorded", "accepted")


def _pickup_lines(weighing: Weighing) -> list[ManifestLine]:
    lines: list[WeighingLine] = [line for line in weighing.lines if not line.is_void]
    # One scale at the door: the collector weighs, the resident reads it and confirms.
    return [
        ManifestLine(
            material_code=line.material_code,
            grade=line.grade,
            tag_codes=[line.tag_code],
            sender_grams=line.net_grams,
            receiver_grams=line.net_grams,
            pieces=line.pieces,
        )
        for line in lines
    ]


def _previous_pickup(session: Session, weighing: Weighing) -> Manifest | None:
    stmt = (
        select(Manifest)
        .join(Weighing, Weighing.weighing_id == Manifest.subject_id)
        .where(
            Manifest.kind == "pickup",
            Manifest.subject_type == "weighing",
            Manifest.status != "void",
            Weighing.booking_id == weighing.booking_id,
            Weighing.weighing_id != weighing.weighing_id,
        )
    )
    return session.scalar(stmt)


def record_pickup_manifest(session: Session, *, weighing: Weighing, actor_user_id: int) -> Manifest:
    """Resident -> collector at the door (call once the resident is bound by the weighing)."""
    existing = find_active_manifest(
        session, kind="pickup", subject_type="weighing", subject_id=weighing.weighing_id
    )
    if existing is not None:
        return existing
    if weighing.status not in BINDING_WEIGHING_STATUSES:
        raise ConflictError(
            "the resident has not accepted this weighing", code="weighing_not_binding"
        )
    booking = session.get(Booking, weighing.booking_id)
    address = session.get(Address, booking.address_id)
    zone = session.get(Zone, booking.zone_id)
    fields = {
        "kind": "pickup",
        "subject_type": "weighing",
        "subject_id": weighing.weighing_id,
        "sender_role": "resident",
        "sender_id": booking.resident_id,
        "sender_ref": party_ref("resident", booking.resident_id),
        "receiver_role": "collector",
        "receiver_id": weighing.collector_id,
        "receiver_ref": party_ref("collector", weighing.collector_id),
        "handed_over_at": weighing.weighed_at,
        # The ~1 km cell says where without saying which door.
        "place_kind": "cell",
        "place_ref": f"{zone.code}/{coarse_cell(address.latitude, address.longitude)}",
        "zone_code": zone.code,
    }
    previous = _previous_pickup(session, weighing)
    return write_manifest(
        session,
        fields=fields,
        lines=_pickup_lines(weighing),
        actor_user_id=actor_user_id,
        replaces=previous,
        reason="re-weighed at the door" if previous else None,
    )


def picked_up_grams(session: Session, codes: list[str]) -> dict[str, int]:
    """Grams weighed at the door per tag, from the pickup manifests (else the weighings)."""
    found: dict[str, int] = {}
    if not codes:
        return found
    stmt = (
        select(ManifestLine)
        .join(Manifest, Manifest.manifest_id == ManifestLine.manifest_id)
        .where(Manifest.kind == "pickup", Manifest.status != "void")
    )
    wanted = set(codes)
    for line in session.scalars(stmt):
        for code in line.tag_codes or []:
            if code in wanted and line.receiver_grams is not None:
                found[code] = line.receiver_grams
    missing = wanted - set(found)
    if missing:
        rows = session.scalars(
            select(WeighingLine).where(
                WeighingLine.tag_code.in_(missing), WeighingLine.is_void.is_(False)
            )
        )
        for row in rows:
            if row.net_grams is not None:
                found[row.tag_code] = row.net_grams
    return found


def _door_grams(line: StationDeliveryLine, door: dict[str, int]) -> int | None:
    """The collector's side of a delivery line: its bags' weights at the door."""
    stated = getattr(line, "door_net_grams", None)
    if stated is not None:
        return stated
    return sum(door.get(code, 0) for code in line.tag_codes or []) or None


def record_dropoff_manifest(session: Session, *, delivery, actor_user_id: int) -> Manifest:
    """Collector -> station: the collector's door weights of the tags vs the station's scale."""
    existing = find_active_manifest(
        session,
        kind="dropoff",
        subject_type="station_delivery",
        subject_id=delivery.station_delivery_id,
    )
    if existing is not None:
        return existing
    station = session.get(Station, delivery.station_id)
    door = picked_up_grams(session, [c for line in delivery.lines for c in line.tag_codes or []])
    lines = [
        ManifestLine(
            material_code=line.material_code,
            grade=line.grade,
            tag_codes=sorted(line.tag_codes or []),
            sender_grams=_door_grams(line, door),
            receiver_grams=line.net_grams,
        )
        for line in delivery.lines
    ]
    fields = {
        "kind": "dropoff",
        "subject_type": "station_delivery",
        "subject_id": delivery.station_delivery_id,
        "sender_role": "collector",
        "sender_id": delivery.collector_id,
        "sender_ref": party_ref("collector", delivery.collector_id),
        "receiver_role": "station",
        "receiver_id": station.station_id,
        "receiver_ref": party_ref("station", station.station_id),
        "handed_over_at": delivery.received_at,
        "place_kind": "station",
        "place_ref": station.code,
        "zone_code": _zone_code(session, station.zone_id),
    }
    return write_manifest(session, fields=fields, lines=lines, actor_user_id=actor_user_id)


def _zone_code(session: Session, zone_id: int | None) -> str | None:
    zone = session.get(Zone, zone_id) if zone_id is not None else None
    return zone.code if zone else None


def _lot_lines(session: Session, lot) -> list[ManifestLine]:
    """A lot's content: the delivery lines put into it, merged per material and grade."""
    rows = list(
        session.scalars(select(StationDeliveryLine).where(StationDeliveryLine.lot_id == lot.lot_id))
    )
    if not rows:
        # A lot made without delivery lines (e.g. an opening stock) states its own weight.
        grams = getattr(lot, "net_grams", None) or getattr(lot, "total_grams", None)
        return [
            ManifestLine(
                material_code=lot.material_code,
                grade=getattr(lot, "grade", None),
                tag_codes=sorted(getattr(lot, "tag_codes", None) or []),
                sender_grams=grams,
            )
        ]
    merged: dict[tuple, list] = defaultdict(lambda: [set(), 0])
    for row in rows:
        entry = merged[(row.material_code, row.grade)]
        entry[0].update(row.tag_codes or [])
        entry[1] += row.net_grams
    return [
        ManifestLine(material_code=m, grade=g, tag_codes=sorted(tags), sender_grams=grams)
        for (m, g), (tags, grams) in sorted(merged.items())
    ]


def record_lot_handover_manifest(
    session: Session, *, lot, plant_id: int, actor_user_id: int, plant_grams: int | None = None
) -> Manifest:
    """Station -> plant when the winning plant collects the lot (``plant_grams`` if weighed)."""
    existing = find_active_manifest(
        session, kind="lot_handover", subject_type="lot", subject_id=lot.lot_id
    )
    if existing is not None:
        return existing
    station = session.get(Station, lot.station_id)
    lines = _lot_lines(session, lot)
    if plant_grams is not None:
        _split_grams(lines, plant_grams)
    fields = {
        "kind": "lot_handover",
        "subject_type": "lot",
        "subject_id": lot.lot_id,
        "sender_role": "station",
        "sender_id": station.station_id,
        "sender_ref": party_ref("station", station.station_id),
        "receiver_role": "plant",
        "receiver_id": plant_id,
        "receiver_ref": party_ref("plant", plant_id),
        "handed_over_at": utcnow(),
        "place_kind": "station",
        "place_ref": station.code,
        "zone_code": _zone_code(session, station.zone_id),
    }
    return write_manifest(session, fields=fields, lines=lines, actor_user_id=actor_user_id)


def _split_grams(lines: list[ManifestLine], total: int) -> None:
    """Share a whole-lot weight over its lines by the station's weights; integer grams."""
    base = sum(line.sender_grams or 0 for line in lines)
    given = 0
    for index, line in enumerate(lines):
        if index == len(lines) - 1:
            line.receiver_grams = total - given
        else:
            line.receiver_grams = total * (line.sender_grams or 0) // base if base else 0
            given += line.receiver_grams


def record_plant_receipt_manifest(
    session: Session, *, lot, net_grams: int, actor_user_id: int
) -> Manifest:
    """The plant's gate weighing of a collected lot: station's weight vs the plant's."""
    if isinstance(net_grams, bool) or not isinstance(net_grams, int) or net_grams < 0:
        raise ValidationError.on("net_grams", "whole grams, zero or more")
    existing = find_active_manifest(
        session, kind="plant_receipt", subject_type="lot", subject_id=lot.lot_id
    )
    if existing is not None:
        return existing
    handover = find_active_manifest(
        session, kind="lot_handover", subject_type="lot", subject_id=lot.lot_id
    )
    if handover is None:
        raise ConflictError("the lot was not handed over to a plant", code="lot_not_handed_over")
    lines = [
        ManifestLine(
            material_code=line.material_code,
            grade=line.grade,
            tag_codes=list(line.tag_codes or []),
            sender_grams=line.sender_grams,
        )
        for line in handover.lines
    ]
    _split_grams(lines, net_grams)
    fields = {
        "kind": "plant_receipt",
        "subject_type": "lot",
        "subject_id": lot.lot_id,
        "sender_role": "station",
        "sender_id": handover.sender_id,
        "sender_ref": handover.sender_ref,
        "receiver_role": "plant",
        "receiver_id": handover.receiver_id,
        "receiver_ref": handover.receiver_ref,
        "handed_over_at": utcnow(),
        "place_kind": "plant",
        "place_ref": handover.receiver_ref,
        "zone_code": handover.zone_code,
    }
    return write_manifest(session, fields=fields, lines=lines, actor_user_id=actor_user_id)
