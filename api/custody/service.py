"""Manifest workflow for the parties: read, confirm against a hash, correct, history, verify."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.collectors.models import Collector
from api.custody.manifest_records import (
    compute_content_hash,
    log_manifest_event,
    write_manifest,
)
from api.custody.models import Manifest, ManifestConfirmation, ManifestLine
from api.custody.tags import tag_format_problem
from api.db import utcnow
from api.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from api.materials.models import Material
from api.stations.models import Station
from api.timeutil import local_day_bounds

OVERSEERS = ("admin", "regulator")


def acts_for(session: Session, user: User, role: str, party_id: int) -> bool:
    """Whether ``user`` speaks for the party ``role``/``party_id`` of a manifest.

    Residents and collectors are themselves; station staff are the station's operator or
    carry its id as organisation; plant staff carry the plant's id as organisation.
    """
    if user.role != role or not user.is_active:
        return False
    if role == "resident":
        return user.user_id == party_id
    if role == "collector":
        collector = session.get(Collector, party_id)
        return collector is not None and collector.user_id == user.user_id
    if role == "station":
        if user.organisation_id == party_id:
            return True
        station = session.get(Station, party_id)
        return station is not None and station.operator_user_id == user.user_id
    return role == "plant" and user.organisation_id == party_id


def parties_of(session: Session, manifest: Manifest, user: User) -> list[str]:
    """Which sides of the manifest ``user`` may confirm: ``sender``, ``receiver``, or none."""
    sides = []
    if acts_for(session, user, manifest.sender_role, manifest.sender_id):
        sides.append("sender")
    if acts_for(session, user, manifest.receiver_role, manifest.receiver_id):
        sides.append("receiver")
    return sides


def _user(session: Session, user_id: int) -> User:
    return session.get(User, user_id)


def get_manifest_for_user(
    session: Session, *, manifest_id: int, user_id: int, lock: bool = False
) -> Manifest:
    """A manifest its parties, admins and regulators may read; anyone else gets a 404."""
    stmt = select(Manifest).where(Manifest.manifest_id == manifest_id)
    manifest = session.scalar(stmt.with_for_update() if lock else stmt)
    user = _user(session, user_id)
    if manifest is None or (user.role not in OVERSEERS and not parties_of(session, manifest, user)):
        raise NotFoundError()
    return manifest


def _party_filter(session: Session, user: User):
    if user.role == "resident":
        ids = [user.user_id]
    elif user.role == "collector":
        ids = list(
            session.scalars(select(Collector.collector_id).where(Collector.user_id == user.user_id))
        )
    elif user.role == "station":
        ids = list(
            session.scalars(
                select(Station.station_id).where(
                    or_(
                        Station.operator_user_id == user.user_id,
                        Station.station_id == user.organisation_id,
                    )
                )
            )
        )
    else:
        ids = [user.organisation_id] if user.organisation_id is not None else []
    return or_(
        (Manifest.sender_role == user.role) & Manifest.sender_id.in_(ids),
        (Manifest.receiver_role == user.role) & Manifest.receiver_id.in_(ids),
    )


def list_manifests(
    session: Session,
    *,
    user_id: int,
    offset: int,
    limit: int,
    kind: str | None = None,
    status: str | None = None,
    material: str | None = None,
    zone: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[list[Manifest], int]:
    """Manifests the caller is a party to (all of them for admins and regulators), newest first."""
    user = _user(session, user_id)
    stmt = select(Manifest)
    if user.role not in OVERSEERS:
        stmt = stmt.where(_party_filter(session, user))
    if kind:
        stmt = stmt.where(Manifest.kind == kind)
    if status:
        stmt = stmt.where(Manifest.status == status)
    if zone:
        stmt = stmt.where(Manifest.zone_code == zone)
    if material:
        stmt = stmt.where(
            Manifest.manifest_id.in_(
                select(ManifestLine.manifest_id).where(ManifestLine.material_code == material)
            )
        )
    if date_from:
        stmt = stmt.where(Manifest.handed_over_at >= local_day_bounds(date_from)[0])
    if date_to:
        stmt = stmt.where(Manifest.handed_over_at < local_day_bounds(date_to)[1])
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(
        stmt.order_by(Manifest.handed_over_at.desc(), Manifest.manifest_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total


def _check_intact(manifest: Manifest) -> None:
    if compute_content_hash(manifest) != manifest.content_hash:
        # Only a write outside the app can get here: refuse to let anyone sign it.
        raise ConflictError(
            "the manifest no longer matches its recorded hash; it is under investigation",
            code="manifest_tampered",
        )


def confirm_manifest(
    session: Session, *, manifest_id: int, user_id: int, content_hash: str
) -> Manifest:
    """A party confirms the content it saw; a stale hash is a 409, both sides freeze it."""
    manifest = get_manifest_for_user(session, manifest_id=manifest_id, user_id=user_id, lock=True)
    sides = parties_of(session, manifest, _user(session, user_id))
    if not sides:
        raise ForbiddenError("only the sender and the receiver confirm a manifest")
    if manifest.status == "void":
        raise ConflictError(
            f"replaced by manifest {manifest.voided_by_manifest_id}; confirm that one",
            code="manifest_superseded",
        )
    _check_intact(manifest)
    if content_hash != manifest.content_hash:
        raise ConflictError(
            "the manifest changed since you read it; reload and confirm again",
            code="stale_content_hash",
            errors={"content_hash": ["does not match the current content"]},
        )
    done = {c.party for c in manifest.confirmations}
    todo = [side for side in sides if side not in done]
    for side in todo:
        manifest.confirmations.append(
            ManifestConfirmation(
                party=side, user_id=user_id, content_hash=content_hash, confirmed_at=utcnow()
            )
        )
        session.flush()
        log_manifest_event(
            session, manifest, "confirmed", user_id, party=side, content_hash=content_hash
        )
    if todo and {c.party for c in manifest.confirmations} == {"sender", "receiver"}:
        manifest.status = "confirmed"
        manifest.confirmed_at = utcnow()
        log_manifest_event(session, manifest, "frozen", user_id, content_hash=content_hash)
    return manifest


def _new_lines(session: Session, lines: list[dict]) -> list[ManifestLine]:
    known = set(session.scalars(select(Material.code)))
    built = []
    for index, line in enumerate(lines):
        if line["material"] not in known:
            raise ValidationError.on(f"changes.lines.{index}.material", "unknown material")
        for j, code in enumerate(line.get("tag_codes") or []):
            problem = tag_format_problem(code)
            if problem:
                raise ValidationError.on(f"changes.lines.{index}.tag_codes.{j}", problem)
        built.append(
            ManifestLine(
                material_code=line["material"],
                grade=line.get("grade"),
                tag_codes=sorted(c.strip().upper() for c in line.get("tag_codes") or []),
                sender_grams=line.get("sender_grams"),
                receiver_grams=line.get("receiver_grams"),
                pieces=line.get("pieces"),
            )
        )
    return built


# What a correction carries over unchanged: who, what hand-over, where.
FIELDS_KEPT = (
    "kind",
    "subject_type",
    "subject_id",
    "sender_role",
    "sender_id",
    "sender_ref",
    "receiver_role",
    "receiver_id",
    "receiver_ref",
    "handed_over_at",
    "place_kind",
    "place_ref",
    "zone_code",
)


def correct_manifest(
    session: Session, *, manifest_id: int, user_id: int, reason: str, changes: dict
) -> Manifest:
    """Write a new version that voids and replaces this one; the old one stays readable.

    Either party may correct a manifest until both have confirmed it; after that only an
    admin may (e.g. when a dispute is settled).
    """
    manifest = get_manifest_for_user(session, manifest_id=manifest_id, user_id=user_id, lock=True)
    user = _user(session, user_id)
    if manifest.status == "void":
        raise ConflictError(
            f"already replaced by manifest {manifest.voided_by_manifest_id}",
            code="manifest_superseded",
        )
    if user.role != "admin":
        if not parties_of(session, manifest, user):
            raise ForbiddenError("only the parties or an admin correct a manifest")
        if manifest.status == "confirmed":
            raise ConflictError(
                "both parties confirmed it; only an admin can correct it now",
                code="manifest_frozen",
            )
    fields = {name: getattr(manifest, name) for name in FIELDS_KEPT}
    if "handed_over_at" in changes:
        if changes["handed_over_at"] > utcnow():
            raise ValidationError.on("changes.handed_over_at", "cannot be in the future")
        fields["handed_over_at"] = changes["handed_over_at"]
    if "lines" in changes:
        lines = _new_lines(session, changes["lines"])
    else:
        lines = [_copy_line(line) for line in manifest.lines]
    return write_manifest(
        session,
        fields=fields,
        lines=lines,
        actor_user_id=user_id,
        replaces=manifest,
        reason=reason,
    )


def _copy_line(line: ManifestLine) -> ManifestLine:
    return ManifestLine(
        material_code=line.material_code,
        grade=line.grade,
        tag_codes=list(line.tag_codes or []),
        sender_grams=line.sender_grams,
        receiver_grams=line.receiver_grams,
        pieces=line.pieces,
    )


def manifest_history(session: Session, *, manifest_id: int, user_id: int) -> list[Manifest]:
    """Every version of the manifest's hand-over, first to latest."""
    manifest = get_manifest_for_user(session, manifest_id=manifest_id, user_id=user_id)
    stmt = (
        select(Manifest)
        .where(Manifest.root_manifest_id == manifest.root_manifest_id)
        .order_by(Manifest.version, Manifest.manifest_id)
    )
    return list(session.scalars(stmt))
