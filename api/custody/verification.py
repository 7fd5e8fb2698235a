"""Verifying one manifest: its links in the chain, its content against the chained hash."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.custody.chain import events_for_entity, verify_event
from api.custody.manifest_records import compute_content_hash
from api.custody.models import Manifest
from api.custody.service import get_manifest_for_user


def verify_manifest(session: Session, *, manifest_id: int, user_id: int) -> dict:
    """Recompute the manifest's chain links and content hash: ``ok`` or the first bad seq."""
    manifest = get_manifest_for_user(session, manifest_id=manifest_id, user_id=user_id)
    events = events_for_entity(session, entity_type="manifest", entity_id=manifest_id)
    result = {
        "manifest_id": manifest_id,
        "status": "ok",
        "checked_seqs": [e.seq for e in events],
        "first_bad_seq": None,
        "problem": None,
        "content_hash": manifest.content_hash,
    }
    for event in events:
        problem = verify_event(session, event)
        if problem:
            return {
                **result,
                "status": "broken",
                "first_bad_seq": problem[0],
                "problem": problem[1],
            }
    problem = _content_problem(manifest, events)
    if problem:
        seq = events[0].seq if events else None
        return {**result, "status": "broken", "first_bad_seq": seq, "problem": problem}
    return result


def _content_problem(manifest: Manifest, events) -> str | None:
    created = [e for e in events if e.kind == "manifest_created"]
    if not created:
        return "the manifest's creation is missing from the chain"
    if created[0].payload.get("content_hash") != manifest.content_hash:
        return "the stored content hash differs from the one chained at creation"
    if compute_content_hash(manifest) != manifest.content_hash:
        return "the manifest's content was changed after it was written"
    chained = {e.payload.get("party") for e in events if e.kind == "manifest_confirmed"}
    for confirmation in manifest.confirmations:
        if confirmation.content_hash != manifest.content_hash:
            return "a confirmation is bound to another content hash"
        if confirmation.party not in chained:
            return "a confirmation is missing from the chain"
    if len(chained) != len(manifest.confirmations):
        return "a chained confirmation is missing from the manifest"
    return None
