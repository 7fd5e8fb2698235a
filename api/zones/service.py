"""Zone lookup: which zone serves a point."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import ConflictError, NotFoundError, ValidationError
from api.zones.geometry import contains, validate_ring
from api.zones.models import Zone


def list_zones(session: Session) -> list[Zone]:
    """Active zones by code."""
    return list(session.scalars(select(Zone).where(Zone.is_active.is_(True)).order_by(Zone.code)))


def get_zone_by_code_or_raise(session: Session, *, code: str, field: str | None = None) -> Zone:
    """The zone with ``code``: 404, or a 422 naming ``field`` when it came in a body/query."""
    zone = session.scalar(select(Zone).where(Zone.code == code, Zone.is_active.is_(True)))
    if zone is None:
        if field:
            raise ValidationError.on(field, f"unknown zone {code!r}")
        raise NotFoundError(f"no zone {code!r}")
    return zone


def find_zone_for_point(session: Session, *, latitude: float, longitude: float) -> Zone:
    """The zone containing the point, or 422 ``outside_service_area``."""
    for zone in list_zones(session):
        if contains(zone.polygon, longitude, latitude):
            return zone
    raise ValidationError(
        code="outside_service_area",
        errors={
            "latitude": ["outside the service area"],
            "longitude": ["outside the service area"],
        },
    )


def create_zone(session: Session, *, code: str, name: str, polygon: list) -> Zone:
    """Add a zone after checking its polygon."""
    problem = validate_ring(polygon)
    if problem:
        raise ValidationError.on("polygon", problem)
    if session.scalar(select(Zone).where(Zone.code == code)) is not None:
        raise ConflictError(f"zone {code!r} exists")
    zone = Zone(code=code, name=name, polygon=[list(p) for p in polygon])
    session.add(zone)
    session.flush()
    return zone
