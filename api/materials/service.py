"""Catalogue rules: codes are unique, units fixed once created."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import ConflictError, NotFoundError, ValidationError, check_version
from api.materials.models import Material

CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")


def list_materials(session: Session, *, include_inactive: bool = False) -> list[Material]:
    """The catalogue, ordered by category and code."""
    stmt = select(Material).order_by(Material.category, Material.code)
    if not include_inactive:
        stmt = stmt.where(Material.is_active.is_(True))
    return list(session.scalars(stmt))


def get_material_or_raise(session: Session, *, code: str) -> Material:
    """The material with ``code``, or 404."""
    material = session.scalar(select(Material).where(Material.code == code))
    if material is None:
        raise NotFoundError(f"no material {code!r}")
    return material


def find_active_material(session: Session, *, code: str, field: str) -> Material:
    """An active material by code, or a 422 naming ``field`` (for request bodies)."""
    material = session.scalar(select(Material).where(Material.code == code))
    if material is None or not material.is_active:
        raise ValidationError.on(field, f"unknown material {code!r}")
    return material


def create_material(session: Session, *, data: dict) -> Material:
    """Add a material; its code must be new."""
    if session.scalar(select(Material).where(Material.code == data["code"])) is not None:
        raise ConflictError(f"material {data['code']!r} exists")
    material = Material(**data)
    session.add(material)
    session.flush()
    return material


def update_material(
    session: Session, *, code: str, changes: dict, expected_version: int | None = None
) -> Material:
    """Change names, grades, minimum, skill or active flag (not code or unit).

    ``expected_version`` (from ``If-Match``) guards against overwriting a newer edit.
    """
    material = get_material_or_raise(session, code=code)
    session.refresh(material, with_for_update=True)
    check_version(material.version, expected_version)
    for name, value in changes.items():
        setattr(material, name, value)
    material.version += 1
    return material


def seed_catalogue(session: Session) -> int:
    """Insert catalogue entries from the data file that are not there yet."""
    existing = set(session.scalars(select(Material.code)))
    added = 0
    for entry in json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")):
        if entry["code"] not in existing:
            session.add(Material(**entry))
            added += 1
    session.flush()
    return added
