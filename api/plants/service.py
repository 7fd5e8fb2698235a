"""Plant rules: registration, review decisions, deposits, and who may bid on what."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError, check_version
from api.events.service import record_event
from api.ledger import plant_postings
from api.materials.models import Material
from api.plants.models import Plant
from api.timeutil import local_today
from pricing import BidderStanding

# decision -> (statuses it may be taken from, resulting status)
DECISIONS = {
    "approve": (("applied", "suspended"), "approved"),
    "reject": (("applied",), "rejected"),
    "suspend": (("approved",), "suspended"),
}


def _event(session: Session, plant: Plant, kind: str, actor: int | None, **data) -> None:
    record_event(
        session,
        entity_type="plant",
        entity_id=plant.plant_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def plant_view(session: Session, plant: Plant) -> dict:
    """The plant as its users and admins see it, with the deposit held."""
    return {
        **{c.key: getattr(plant, c.key) for c in Plant.__table__.columns},
        "deposit_cents": plant_postings.deposit_balance_cents(
            session, owner_user_id=plant.owner_user_id
        ),
    }


def _check_categories(session: Session, categories: list[str]) -> list[str]:
    known = set(session.scalars(select(Material.category).where(Material.is_active.is_(True))))
    for index, category in enumerate(categories):
        if category not in known:
            raise ValidationError.on(f"categories.{index}", f"one of {', '.join(sorted(known))}")
    return sorted(set(categories))


def register_plant(session: Session, *, user_id: int, data: dict) -> dict:
    """Register the caller's plant for review; the caller becomes its first user."""
    user = session.get(User, user_id)
    if user.organisation_id is not None:
        raise ConflictError("you already belong to a plant", code="already_registered")
    if data["permit_expires_on"] < local_today():
        raise ValidationError.on("permit_expires_on", "the permit has already expired")
    taken = select(Plant.plant_id).where(
        func.lower(Plant.licence_number) == data["licence_number"].lower()
    )
    if session.scalar(taken) is not None:
        raise ConflictError("this licence is already registered", code="licence_registered")
    plant = Plant(
        owner_user_id=user_id,
        company_name=data["company_name"],
        licence_number=data["licence_number"],
        permit_refs=data["permit_refs"],
        categories=_check_categories(session, data["categories"]),
        permit_expires_on=data["permit_expires_on"],
        status="applied",
    )
    session.add(plant)
    session.flush()
    user.organisation_id = plant.plant_id
    _event(session, plant, "applied", user_id, categories=plant.categories)
    return plant_view(session, plant)


def plant_of_user(session: Session, *, user_id: int) -> Plant | None:
    """The plant the user belongs to, if any."""
    organisation_id = session.scalar(select(User.organisation_id).where(User.user_id == user_id))
    return session.get(Plant, organisation_id) if organisation_id is not None else None


def get_my_plant_or_raise(session: Session, *, user_id: int) -> Plant:
    """The caller's plant, or 404 before they registered one."""
    plant = plant_of_user(session, user_id=user_id)
    if plant is None:
        raise NotFoundError("register your plant first")
    return plant


def get_plant_or_raise(session: Session, *, plant_id: int) -> Plant:
    """A plant by id (admins), or 404."""
    plant = session.get(Plant, plant_id)
    if plant is None:
        raise NotFoundError()
    return plant


def list_plants(
    session: Session, *, status: str | None, offset: int, limit: int
) -> tuple[list[dict], int]:
    """Plants for review, oldest application first."""
    stmt = select(Plant)
    if status:
        stmt = stmt.where(Plant.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(Plant.plant_id).offset(offset).limit(limit))
    return [plant_view(session, plant) for plant in rows], total


def decide_plant(
    session: Session,
    *,
    plant_id: int,
    actor_user_id: int,
    decision: str,
    reason: str | None,
    expected_version: int | None = None,
) -> dict:
    """Approve, reject or suspend a plant; rejecting and suspending need a reason.

    ``expected_version`` (``If-Match``): decide on the registration the admin read.
    """
    plant = get_plant_or_raise(session, plant_id=plant_id)
    session.refresh(plant, with_for_update=True)
    check_version(plant.version, expected_version)
    allowed_from, status = DECISIONS[decision]
    if plant.status not in allowed_from:
        raise ConflictError(
            f"a plant that is {plant.status} cannot {decision}", code="invalid_state"
        )
    if decision != "approve" and not reason:
        raise ValidationError.on("reason", f"say why you {decision} the plant")
    plant.status = status
    plant.status_reason = reason
    plant.version += 1
    if status == "approved":
        plant.approved_at = utcnow()
    _event(session, plant, status, actor_user_id, reason=reason)
    return plant_view(session, plant)


def record_deposit(
    session: Session, *, user_id: int, amount_cents: int, bank_reference: str
) -> dict:
    """Record earnest money received by bank transfer for the caller's plant."""
    plant = get_my_plant_or_raise(session, user_id=user_id)
    transaction = plant_postings.record_deposit(
        session,
        plant_id=plant.plant_id,
        owner_user_id=plant.owner_user_id,
        amount_cents=amount_cents,
        bank_reference=bank_reference,
    )
    _event(session, plant, "deposit_received", user_id, amount_cents=amount_cents)
    return {
        "transaction_id": transaction.transaction_id,
        "amount_cents": amount_cents,
        "deposit_cents": plant_postings.deposit_balance_cents(
            session, owner_user_id=plant.owner_user_id
        ),
    }


def disqualification(plant: Plant | None, *, on: date) -> str | None:
    """Why the plant may not bid on ``on`` (local date), or ``None`` when it may."""
    if plant is None:
        return "register your plant before bidding"
    if plant.status != "approved":
        return f"the plant is {plant.status}"
    if plant.permit_expires_on < on:
        return f"the plant's permit expired on {plant.permit_expires_on.isoformat()}"
    return None


def bidder_standing(
    session: Session, *, plant: Plant | None, material_category: str, on: date
) -> BidderStanding:
    """The facts pricing's bid rules need about a plant bidding on a lot of a category."""
    if plant is None:
        return BidderStanding(is_qualified=False, permit_covers_lot=False, deposit_cents=0)
    return BidderStanding(
        is_qualified=disqualification(plant, on=on) is None,
        permit_covers_lot=material_category in plant.categories,
        deposit_cents=plant_postings.deposit_balance_cents(
            session, owner_user_id=plant.owner_user_id
        ),
    )
