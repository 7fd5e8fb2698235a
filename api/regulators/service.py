"""What regulators read: flows by hand-over, the registry, compliance. No residents' data.

Nothing here selects a phone, a name, an address or a national id: manifests carry only
pseudonyms, and the registry lists collectors by id, status and vehicle.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.collectors.models import Collector
from api.custody.models import MANIFEST_KINDS, Manifest, ManifestLine
from api.plants.models import Plant
from api.stations.models import Station
from api.timeutil import local_day_bounds
from api.zones.models import Zone


def material_flows(
    session: Session,
    *,
    material: str | None = None,
    zone: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict]:
    """Grams through each hand-over, by material and zone, over the period (current versions)."""
    stmt = (
        select(
            Manifest.kind,
            ManifestLine.material_code,
            Manifest.zone_code,
            func.count(func.distinct(Manifest.manifest_id)),
            func.coalesce(func.sum(ManifestLine.sender_grams), 0),
            func.coalesce(func.sum(ManifestLine.receiver_grams), 0),
        )
        .join(ManifestLine, ManifestLine.manifest_id == Manifest.manifest_id)
        .where(Manifest.status != "void")
        .group_by(Manifest.kind, ManifestLine.material_code, Manifest.zone_code)
    )
    if material:
        stmt = stmt.where(ManifestLine.material_code == material)
    if zone:
        stmt = stmt.where(Manifest.zone_code == zone)
    if date_from:
        stmt = stmt.where(Manifest.handed_over_at >= local_day_bounds(date_from)[0])
    if date_to:
        stmt = stmt.where(Manifest.handed_over_at < local_day_bounds(date_to)[1])
    order = {kind: index for index, kind in enumerate(MANIFEST_KINDS)}
    rows = [
        {
            "stage": kind,
            "material": material_code,
            "zone": zone_code,
            "manifests": count,
            "sender_grams": int(sent),
            "receiver_grams": int(received),
        }
        for kind, material_code, zone_code, count, sent, received in session.execute(stmt)
    ]
    rows.sort(key=lambda r: (order[r["stage"]], r["material"], r["zone"] or ""))
    return rows


def registry(session: Session) -> dict:
    """Collectors, stations and plants with their status (no personal data)."""
    collectors = [
        {
            "collector_id": c.collector_id,
            "status": c.status,
            "vehicle_type": c.vehicle_type,
            "zone_codes": list(c.zone_codes or []),
            "approved_at": c.approved_at,
        }
        for c in session.scalars(select(Collector).order_by(Collector.collector_id))
    ]
    zones = dict(session.execute(select(Zone.zone_id, Zone.code)).all())
    stations = [
        {
            "station_id": s.station_id,
            "code": s.code,
            "name": s.name,
            "zone": zones.get(s.zone_id),
            "is_active": s.is_active,
        }
        for s in session.scalars(select(Station).order_by(Station.station_id))
    ]
    plants = [
        {
            "plant_id": p.plant_id,
            "company_name": p.company_name,
            "status": p.status,
            "categories": list(p.categories or []),
            "permit_expires_on": p.permit_expires_on,
        }
        for p in session.scalars(select(Plant).order_by(Plant.plant_id))
    ]
    return {"collectors": collectors, "stations": stations, "plants": plants}
