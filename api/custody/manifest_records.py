"""Manifest versions: content and its hash, parties' references, writing and chaining.

A manifest's content hash is SHA-256 of the canonical JSON of ``manifest_content``: what
both parties confirm. Versions are never edited: a correction writes a new manifest that
voids and replaces the old one (``voided_by_manifest_id`` / ``replaces_manifest_id``), and
every step is recorded both in the events table and in the custody hash chain.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.custody.chain import append_custody_event, canonical_json, sha256_hex
from api.custody.models import Manifest, ManifestLine, Tag
from api.events.service import record_event
from api.privacy import keyed_hash

TAG_TRANSITIONS = {
    "pickup": ("tags_attached", "attached"),
    "dropoff": ("tags_delivered", "delivered"),
    "lot_handover": ("tags_sold", "sold"),
    "plant_receipt": ("tags_received", "received"),
}
TAG_ORDER = ("issued", "attached", "delivered", "sold", "received")


def resident_ref(resident_id: int) -> str:
    """A stable pseudonym for a resident: keyed, so it cannot be reversed to a user id."""
    key = current_app.config["PII_KEY"] if has_app_context() else "dev"
    return "R-" + keyed_hash(key, f"resident:{resident_id}")[:16]


def party_ref(role: str, party_id: int) -> str:
    """The outward reference of a party (collectors, stations and plants by id)."""
    if role == "resident":
        return resident_ref(party_id)
    return f"{role[0].upper()}-{party_id}"


def _iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def manifest_content(manifest: Manifest) -> dict:
    """Everything the parties confirm; its SHA-256 is the manifest's content hash."""
    return {
        "manifest_id": manifest.manifest_id,
        "version": manifest.version,
        "kind": manifest.kind,
        "subject": {"type": manifest.subject_type, "id": manifest.subject_id},
        "replaces_manifest_id": manifest.replaces_manifest_id,
        "sender": {"role": manifest.sender_role, "ref": manifest.sender_ref},
        "receiver": {"role": manifest.receiver_role, "ref": manifest.receiver_ref},
        "handed_over_at": _iso(manifest.handed_over_at),
        "place": {"kind": manifest.place_kind, "ref": manifest.place_ref},
        "zone": manifest.zone_code,
        "lines": [
            {
                "material": line.material_code,
                "grade": line.grade,
                "tag_codes": sorted(line.tag_codes or []),
                "sender_grams": line.sender_grams,
                "receiver_grams": line.receiver_grams,
                "pieces": line.pieces,
            }
            for line in sorted(manifest.lines, key=lambda x: x.manifest_line_id or 0)
        ],
    }


def compute_content_hash(manifest: Manifest) -> str:
    """SHA-256 of the canonical JSON of the manifest's content."""
    return sha256_hex(canonical_json(manifest_content(manifest)))


def manifest_tag_codes(manifest: Manifest) -> list[str]:
    """Every tag in the manifest, sorted."""
    return sorted({code for line in manifest.lines for code in (line.tag_codes or [])})


def find_active_manifest(
    session: Session, *, kind: str, subject_type: str, subject_id: int
) -> Manifest | None:
    """The current (not voided) manifest of a hand-over, if written."""
    return session.scalar(
        select(Manifest).where(
            Manifest.kind == kind,
            Manifest.subject_type == subject_type,
            Manifest.subject_id == subject_id,
            Manifest.status != "void",
        )
    )


def log_manifest_event(
    session: Session, manifest: Manifest, kind: str, actor_user_id: int | None, **data
) -> None:
    """A manifest state change goes to both the events table and the custody chain."""
    record_event(
        session,
        entity_type="manifest",
        entity_id=manifest.manifest_id,
        kind=kind,
        actor_user_id=actor_user_id,
        data=data,
    )
    append_custody_event(
        session,
        kind=f"manifest_{kind}",
        entity_type="manifest",
        entity_id=manifest.manifest_id,
        actor_user_id=actor_user_id,
        payload={"manifest_kind": manifest.kind, "version": manifest.version, **data},
    )


def _advance_tags(session: Session, codes: list[str], status: str) -> None:
    """Move issued tags forward (never back) when a hand-over names them."""
    if not codes:
        return
    rank = TAG_ORDER.index(status)
    for tag in session.scalars(select(Tag).where(Tag.tag_code.in_(codes))):
        if tag.status in TAG_ORDER and TAG_ORDER.index(tag.status) < rank:
            tag.status = status


def _chain_first_version(session: Session, manifest: Manifest, actor: int | None) -> None:
    log_manifest_event(session, manifest, "created", actor, content_hash=manifest.content_hash)
    event_kind, tag_status = TAG_TRANSITIONS[manifest.kind]
    codes = manifest_tag_codes(manifest)
    append_custody_event(
        session,
        kind=event_kind,
        entity_type="manifest",
        entity_id=manifest.manifest_id,
        actor_user_id=actor,
        payload={"tag_codes": codes},
    )
    _advance_tags(session, codes, tag_status)


def _chain_replacement(
    session: Session, manifest: Manifest, replaces: Manifest, actor: int | None, reason: str
) -> None:
    replaces.status = "void"
    replaces.voided_by_manifest_id = manifest.manifest_id
    log_manifest_event(
        session,
        manifest,
        "created",
        actor,
        content_hash=manifest.content_hash,
        replaces_manifest_id=replaces.manifest_id,
        # Free text never enters the permanent chain; its digest does.
        reason_sha256=sha256_hex(reason or ""),
    )
    log_manifest_event(session, replaces, "voided", actor, voided_by=manifest.manifest_id)


def write_manifest(
    session: Session,
    *,
    fields: dict,
    lines: list[ManifestLine],
    actor_user_id: int | None,
    replaces: Manifest | None = None,
    reason: str | None = None,
) -> Manifest:
    """Insert a manifest (a first version, or one replacing ``replaces``) and chain it."""
    manifest = Manifest(**fields, status="pending", content_hash="", lines=lines)
    manifest.created_by_user_id = actor_user_id
    if replaces is not None:
        manifest.version = replaces.version + 1
        manifest.root_manifest_id = replaces.root_manifest_id
        manifest.replaces_manifest_id = replaces.manifest_id
        manifest.correction_reason = reason
    session.add(manifest)
    session.flush()  # the id is part of the hashed content
    if replaces is None:
        manifest.root_manifest_id = manifest.manifest_id
        manifest.version = 1
    manifest.content_hash = compute_content_hash(manifest)
    session.flush()
    if replaces is None:
        _chain_first_version(session, manifest, actor_user_id)
    else:
        _chain_replacement(session, manifest, replaces, actor_user_id, reason)
    return manifest
