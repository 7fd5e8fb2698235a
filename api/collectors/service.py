"""Enrolment and the right to work: applying, review decisions, who may take jobs.

A signed-in user with the ``collector`` role applies (staff create that account when a
collector signs up at a station or an outreach session); residents cannot apply themselves.
Review: ``applied`` -> approve / reject / request_info; ``needs_info`` -> the collector
re-applies (back to ``applied``) or is rejected; ``approved`` <-> ``suspended``; approved,
suspended or needs_info -> ``offboarded``. Rejected and offboarded are final.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from api.collectors.models import Collector, CollectorSkill
from api.collectors.pii import encrypt_national_id, national_id_digest, normalise_national_id
from api.db import utcnow
from api.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
    check_version,
)
from api.events.models import Event
from api.events.service import list_events, record_event
from api.jobs.pool import return_assigned_jobs
from api.materials.models import Material
from api.timeutil import local_today
from api.zones.models import Zone
from dispatch.matrix import haversine_m
from dispatch.model import Location

# A home base this far from every zone's centre cannot serve it in a working day.
MAX_HOME_DISTANCE_M = 30_000
EDITABLE = ("applied", "needs_info")
# decision -> (from statuses, to status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": (("applied",), "approved"),
    "reject": (("applied", "needs_info"), "rejected"),
    "request_info": (("applied",), "needs_info"),
    "suspend": (("approved",), "suspended"),
    "reinstate": (("suspended",), "approved"),
    "offboard": (("approved", "suspended", "needs_info"), "offboarded"),
}
REASON_REQUIRED = ("reject", "request_info", "suspend", "offboard")


def _event(session: Session, collector: Collector, kind: str, actor: int | None, **data) -> Event:
    return record_event(
        session,
        entity_type="collector",
        entity_id=collector.collector_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def _check_zones(session: Session, codes: list[str]) -> list[str]:
    known = set(session.scalars(select(Zone.code).where(Zone.is_active.is_(True))))
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code not in known:
            raise ValidationError.on(f"zones.{index}", f"unknown zone {code!r}")
        if code in seen:
            raise ValidationError.on(f"zones.{index}", "listed twice")
        seen.add(code)
    return list(codes)


def _check_home(session: Session, latitude: float, longitude: float) -> None:
    home = Location(lat=latitude, lon=longitude)
    for ring in session.scalars(select(Zone.polygon).where(Zone.is_active.is_(True))):
        centre = Location(
            lat=sum(p[1] for p in ring) / len(ring), lon=sum(p[0] for p in ring) / len(ring)
        )
        if haversine_m(home, centre) <= MAX_HOME_DISTANCE_M:
            return
    reason = f"more than {MAX_HOME_DISTANCE_M // 1000} km from every service zone"
    raise ValidationError(reason, errors={"home_latitude": [reason], "home_longitude": [reason]})


def _skill_rows(session: Session, skills: list[dict]) -> list[CollectorSkill]:
    stmt = select(Material.required_skill).where(Material.required_skill.is_not(None)).distinct()
    known = set(session.scalars(stmt))
    today = local_today()
    rows: list[CollectorSkill] = []
    for index, skill in enumerate(skills):
        if skill["skill"] not in known:
            raise ValidationError.on(f"skills.{index}.skill", f"one of {', '.join(sorted(known))}")
        if any(row.skill == skill["skill"] for row in rows):
            raise ValidationError.on(f"skills.{index}.skill", "listed twice")
        if skill["expires_on"] < today:
            raise ValidationError.on(f"skills.{index}.expires_on", "the certificate has expired")
        rows.append(CollectorSkill(**skill))
    return rows


def _set_national_id(session: Session, collector: Collector, raw: str, pii_key: str) -> None:
    digest = national_id_digest(pii_key, raw)
    other = session.scalar(
        select(Collector.collector_id).where(Collector.national_id_hash == digest)
    )
    if other is not None and other != collector.collector_id:
        raise ConflictError("a collector with this ID number is already enrolled")
    collector.national_id_encrypted = encrypt_national_id(pii_key, raw)
    collector.national_id_hash = digest
    collector.national_id_last4 = normalise_national_id(raw)[-4:]


def _apply_fields(session: Session, collector: Collector, data: dict, pii_key: str) -> None:
    simple = ("full_name", "id_photo_refs", "vehicle_type", "payload_grams", "volume_litres")
    for name in simple:
        if name in data:
            setattr(collector, name, data[name])
    if "national_id" in data:
        _set_national_id(session, collector, data["national_id"], pii_key)
    if "home_latitude" in data or "home_longitude" in data:
        latitude = data.get("home_latitude", collector.home_latitude)
        longitude = data.get("home_longitude", collector.home_longitude)
        if latitude is None or longitude is None:
            raise ValidationError.on("home_latitude", "send both home_latitude and home_longitude")
        _check_home(session, latitude, longitude)
        collector.home_latitude, collector.home_longitude = latitude, longitude
    if "zones" in data:
        collector.zone_codes = _check_zones(session, data["zones"])
    if "skills" in data:
        rows = _skill_rows(session, data["skills"])
        if collector.collector_id is not None:
            # Replace, not merge: delete first so the (collector, skill) key is free again.
            for old in collector.skills:
                session.delete(old)
            session.flush()
            session.expire(collector, ["skills"])
        collector.skills = rows


def apply_to_collect(session: Session, *, user_id: int, data: dict, pii_key: str) -> Collector:
    """Enrol the signed-in collector-role user; one application per user and per ID number."""
    if session.scalar(select(Collector).where(Collector.user_id == user_id)) is not None:
        raise ConflictError("you have already applied; PATCH /api/collectors/me to update")
    collector = Collector(user_id=user_id, status="applied", skills=[])
    _apply_fields(session, collector, {"skills": [], **data}, pii_key)
    session.add(collector)
    session.flush()
    _event(session, collector, "applied", user_id)
    return collector


def get_my_collector(session: Session, *, user_id: int) -> Collector:
    """The signed-in user's enrolment, or 404 when they have not applied."""
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    if collector is None:
        raise NotFoundError("you have not applied yet")
    return collector


def update_application(
    session: Session,
    *,
    user_id: int,
    changes: dict,
    pii_key: str,
    expected_version: int | None = None,
) -> Collector:
    """Change an application under review; after ``needs_info`` this re-applies.

    ``expected_version`` (from ``If-Match``) guards against overwriting a newer edit.
    """
    collector = _lock(session, get_my_collector(session, user_id=user_id))
    check_version(collector.version, expected_version)
    if collector.status not in EDITABLE:
        raise ConflictError(
            f"an application that is {collector.status} cannot be edited", code="invalid_state"
        )
    if not changes:
        raise ValidationError.on("_schema", "send at least one field to change")
    _apply_fields(session, collector, changes, pii_key)
    reapplied = collector.status == "needs_info"
    collector.status = "applied"
    collector.version += 1
    _event(
        session, collector, "reapplied" if reapplied else "updated", user_id, fields=sorted(changes)
    )
    return collector


def list_collectors(
    session: Session, *, status: str | None, offset: int, limit: int
) -> tuple[list[Collector], int]:
    """Applications for review, oldest first (a queue), filtered by status."""
    stmt = select(Collector)
    if status:
        stmt = stmt.where(Collector.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    stmt = stmt.order_by(Collector.updated_at, Collector.collector_id).offset(offset).limit(limit)
    return list(session.scalars(stmt)), total


def get_collector_or_raise(session: Session, *, collector_id: int) -> Collector:
    """A collector by id, or 404."""
    collector = session.get(Collector, collector_id)
    if collector is None:
        raise NotFoundError()
    return collector


def _lock(session: Session, collector: Collector) -> Collector:
    session.refresh(collector, with_for_update=True)
    return collector


def decide(
    session: Session,
    *,
    collector_id: int,
    decision: str,
    reason: str | None,
    actor_user_id: int,
    expected_version: int | None = None,
) -> Collector:
    """Apply a reviewer's decision through the state machine; each one is an event.

    ``expected_version`` (``If-Match``): the reviewer decided on what they read, not on an
    application changed since.
    """
    collector = _lock(session, get_collector_or_raise(session, collector_id=collector_id))
    check_version(collector.version, expected_version)
    sources, target = TRANSITIONS[decision]
    if decision in REASON_REQUIRED and not reason:
        raise ValidationError.on("reason", f"a reason is required to {decision.replace('_', ' ')}")
    if collector.status not in sources:
        raise ConflictError(
            f"cannot {decision.replace('_', ' ')} a collector who is {collector.status}",
            code="invalid_state",
        )
    collector.status = target
    collector.status_reason = reason
    collector.version += 1
    if decision == "approve":
        collector.approved_at = utcnow()
    if target in ("suspended", "offboarded"):
        # Work not yet started goes back to the pool so residents still get a pickup.
        return_assigned_jobs(
            session, collector_id=collector.collector_id, actor_user_id=actor_user_id, reason=target
        )
    _event(session, collector, decision, actor_user_id, status=target, reason=reason)
    return collector


def collector_events(session: Session, *, user_id: int) -> list[Event]:
    """The signed-in collector's enrolment and review events, oldest first."""
    collector = get_my_collector(session, user_id=user_id)
    return list_events(session, entity_type="collector", entity_id=collector.collector_id)


def require_approved(session: Session, *, user_id: int) -> Collector:
    """The signed-in collector when approved; 403 (with the reason) otherwise."""
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    check_approved(collector.status if collector is not None else None)
    return collector


def lock_approved_collector(session: Session, *, user_id: int) -> Row:
    """The approved collector's id, zones and payload, their row locked ``FOR UPDATE``
    (one statement, no skills); 403 like :func:`require_approved` otherwise.

    The lock serialises one collector's own concurrent work (e.g. claims against capacity).
    """
    row = session.execute(
        select(
            Collector.collector_id, Collector.status, Collector.zone_codes, Collector.payload_grams
        )
        .where(Collector.user_id == user_id)
        .with_for_update()
    ).first()
    check_approved(row.status if row is not None else None)
    return row


def check_approved(status: str | None) -> None:
    """403 unless the collector (``status``; None: not enrolled) is approved."""
    if status is None:
        raise ForbiddenError("enrol and be approved first", code="not_approved")
    if status != "approved":
        raise ForbiddenError(f"your enrolment is {status}", code="not_approved")


def valid_skills(skills: Iterable, on: date) -> set[str]:
    """Skills whose certificate is still valid on the local date ``on`` (expiry day included).

    ``skills``: a collector's skill rows (anything with ``skill`` and ``expires_on``).
    """
    return {s.skill for s in skills if s.expires_on is None or s.expires_on >= on}
