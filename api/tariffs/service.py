"""Tariff versions: reading the rates in force, publishing new ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import ValidationError
from api.events.service import record_event
from api.materials.models import Material
from api.materials.service import find_active_material
from api.tariffs.models import Tariff
from api.zones.models import Zone
from api.zones.service import get_zone_by_code_or_raise
from pricing.tariffs import TariffRate


def active_rates(session: Session, *, material_codes: set[str] | None = None) -> list[TariffRate]:
    """Every active rate as pricing's ``TariffRate`` (the pure functions pick the one in force)."""
    stmt = (
        select(Tariff, Material.code, Material.unit, Zone.code)
        .join(Material, Material.material_id == Tariff.material_id)
        .outerjoin(Zone, Zone.zone_id == Tariff.zone_id)
        .where(Tariff.status == "active")
    )
    if material_codes is not None:
        stmt = stmt.where(Material.code.in_(material_codes))
    return [
        TariffRate(
            material_code=code,
            grade=tariff.grade,
            zone_code=zone_code,
            unit=unit,
            price_cents_per_unit=tariff.price_cents_per_unit,
            valid_from=tariff.valid_from,
            version=tariff.version,
        )
        for tariff, code, unit, zone_code in session.execute(stmt)
    ]


def list_tariffs(session: Session, *, status: str | None = None) -> list[dict]:
    """Tariff rows with their material and zone codes, newest first."""
    stmt = (
        select(Tariff, Material.code, Material.unit, Zone.code)
        .join(Material, Material.material_id == Tariff.material_id)
        .outerjoin(Zone, Zone.zone_id == Tariff.zone_id)
        .order_by(Material.code, Tariff.grade, Tariff.valid_from.desc(), Tariff.version.desc())
    )
    if status:
        stmt = stmt.where(Tariff.status == status)
    return [
        {"tariff": tariff, "material": code, "unit": unit, "zone": zone_code}
        for tariff, code, unit, zone_code in session.execute(stmt)
    ]


def create_tariff(
    session: Session,
    *,
    material: str,
    grade: str,
    zone: str | None,
    price_cents_per_unit: int,
    valid_from: date,
    actor_user_id: int | None,
    status: str = "active",
    source: str = "manual",
) -> Tariff:
    """Publish (or propose) a rate; the version counts up per material, grade, zone and day."""
    mat = find_active_material(session, code=material, field="material")
    if grade not in mat.grades:
        raise ValidationError.on("grade", f"{material} grades are {', '.join(mat.grades)}")
    zone_id = get_zone_by_code_or_raise(session, code=zone, field="zone").zone_id if zone else None
    latest = session.scalar(
        select(func.max(Tariff.version)).where(
            Tariff.material_id == mat.material_id,
            Tariff.grade == grade,
            Tariff.zone_id.is_(None) if zone_id is None else Tariff.zone_id == zone_id,
            Tariff.valid_from == valid_from,
        )
    )
    tariff = Tariff(
        material_id=mat.material_id,
        grade=grade,
        zone_id=zone_id,
        price_cents_per_unit=price_cents_per_unit,
        valid_from=valid_from,
        version=(latest or 0) + 1,
        status=status,
        source=source,
        created_by_user_id=actor_user_id,
    )
    session.add(tariff)
    session.flush()
    record_event(
        session,
        entity_type="tariff",
        entity_id=tariff.tariff_id,
        kind=status if status == "proposed" else "published",
        actor_user_id=actor_user_id,
        data={"price_cents_per_unit": price_cents_per_unit, "valid_from": valid_from.isoformat()},
    )
    return tariff
