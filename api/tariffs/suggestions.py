"""Suggested resident tariffs from recent auction clearing prices, and the admin's decision.

A suggestion is a ``proposed`` tariff (``source="suggestion"``) per kg-priced material grade
sold in the last N days: ``pricing.suggest_resident_price`` over the lots' clearing prices
per kg, volume-weighted. An admin approves it (it becomes the newest active version) or
rejects it with a reason; every change leaves an event.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auctions.reserve import clearing_prices, index_cents_per_kg
from api.auctions.settings import decimal_setting, setting
from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.service import record_event
from api.materials.models import Material
from api.tariffs.models import Tariff
from api.tariffs.service import active_rates, create_tariff
from api.timeutil import local_today
from pricing import PricingError, select_rate, suggest_resident_price


def _row(session: Session, tariff: Tariff, **extra) -> dict:
    material = session.get(Material, tariff.material_id)
    return {
        "tariff": tariff,
        "material": material.code,
        "unit": material.unit,
        "zone": None,
        **extra,
    }


def _event(session: Session, tariff: Tariff, kind: str, actor: int | None, **data) -> None:
    record_event(
        session,
        entity_type="tariff",
        entity_id=tariff.tariff_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def _price_in_force(rates, code: str, grade: str, on) -> int | None:
    try:
        return select_rate(
            rates, material_code=code, grade=grade, zone_code=None, on=on
        ).price_cents_per_unit
    except PricingError:
        return None


def _supersede_pending(session: Session, *, material_id: int, grade: str, actor: int) -> None:
    """An older pending suggestion for the same grade is rejected: one proposal at a time."""
    pending = select(Tariff).where(
        Tariff.material_id == material_id,
        Tariff.grade == grade,
        Tariff.zone_id.is_(None),
        Tariff.status == "proposed",
        Tariff.source == "suggestion",
    )
    for tariff in session.scalars(pending):
        tariff.status = "rejected"
        tariff.decision_reason = "superseded by a newer suggestion"
        tariff.decided_at = utcnow()
        _event(session, tariff, "rejected", actor, reason=tariff.decision_reason)


def _suggested_price(rows: list[tuple[int, int]]) -> int:
    return suggest_resident_price(
        clearing_price_cents_per_kg=[price for price, _ in rows],
        volumes_grams=[grams for _, grams in rows],
        margin=decimal_setting("TARIFF_MARGIN_PCT") / 100,
        handling_cost_cents_per_kg=int(setting("HANDLING_COST_CENTS_PER_KG")),
        floor_cents_per_kg=int(setting("TARIFF_FLOOR_CENTS_PER_KG")),
    )


def suggest_tariffs(session: Session, *, actor_user_id: int | None, days: int) -> dict:
    """Propose a city-wide tariff, valid from tomorrow, for each grade sold in ``days``."""
    prices = clearing_prices(session, since=utcnow() - timedelta(days=days))
    valid_from = local_today() + timedelta(days=1)
    rates = active_rates(session)
    proposed, skipped = [], []
    for (code, grade), rows in sorted(prices.items()):
        material = session.scalar(select(Material).where(Material.code == code))
        if material.unit != "kg":
            skipped.append({"material": code, "grade": grade, "reason": "priced per piece"})
            continue
        current = _price_in_force(rates, code, grade, valid_from)
        price = _suggested_price(rows)
        if price == current:
            skipped.append({"material": code, "grade": grade, "reason": "unchanged"})
            continue
        _supersede_pending(
            session, material_id=material.material_id, grade=grade, actor=actor_user_id
        )
        tariff = create_tariff(
            session,
            material=code,
            grade=grade,
            zone=None,
            price_cents_per_unit=price,
            valid_from=valid_from,
            actor_user_id=actor_user_id,
            status="proposed",
            source="suggestion",
        )
        basis = {
            "lot_count": len(rows),
            "index_cents_per_kg": index_cents_per_kg(rows),
            "current_price_cents_per_unit": current,
        }
        _event(session, tariff, "suggested", actor_user_id, **basis)
        proposed.append(_row(session, tariff, **basis))
    return {"proposed": proposed, "skipped": skipped}


def decide_tariff(
    session: Session, *, tariff_id: int, actor_user_id: int, decision: str, reason: str | None
) -> dict:
    """Approve a proposed tariff (it becomes the newest active version) or reject it."""
    tariff = session.get(Tariff, tariff_id)
    if tariff is None:
        raise NotFoundError()
    session.refresh(tariff, with_for_update=True)
    if tariff.status != "proposed":
        raise ConflictError(
            f"a tariff that is {tariff.status} is not up for decision", code="invalid_state"
        )
    if decision == "reject" and not reason:
        raise ValidationError.on("reason", "say why the tariff is rejected")
    tariff.decided_by_user_id = actor_user_id
    tariff.decided_at = utcnow()
    tariff.decision_reason = reason
    if decision == "reject":
        tariff.status = "rejected"
    else:
        _activate(session, tariff)
    _event(
        session,
        tariff,
        tariff.status if decision == "reject" else "approved",
        actor_user_id,
        reason=reason,
        version=tariff.version,
        valid_from=tariff.valid_from.isoformat(),
    )
    return _row(session, tariff)


def _activate(session: Session, tariff: Tariff) -> None:
    """Active from today at the earliest, numbered above every version of its day so it wins
    over anything published for the same day while it waited."""
    tariff.valid_from = max(tariff.valid_from, local_today())
    latest = session.scalar(
        select(func.max(Tariff.version)).where(
            Tariff.material_id == tariff.material_id,
            Tariff.grade == tariff.grade,
            Tariff.zone_id.is_(None)
            if tariff.zone_id is None
            else Tariff.zone_id == tariff.zone_id,
            Tariff.valid_from == tariff.valid_from,
            Tariff.tariff_id != tariff.tariff_id,
        )
    )
    tariff.version = max(tariff.version, (latest or 0) + 1)
    tariff.status = "active"
