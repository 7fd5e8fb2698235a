"""Both sides of a hand-over confirm its custody manifest on their phones (the hash they saw).

Only confirmed manifests count in the regulators' material flows; a few residents never
get round to confirming a pickup, which leaves it pending as it would be in life.
"""

from __future__ import annotations

from api.custody.manifest_records import find_active_manifest
from api.custody.service import confirm_manifest
from api.simulation.world import World

FORGETFUL_RESIDENTS = 0.02


def confirm_handover(
    world: World, *, kind: str, subject_type: str, subject_id: int, user_ids: tuple[int, ...]
) -> None:
    """Each user (a party of the manifest) confirms the current manifest of the hand-over."""
    session = world.agenda.session
    manifest = find_active_manifest(
        session, kind=kind, subject_type=subject_type, subject_id=subject_id
    )
    if manifest is None:
        world.agenda.outcomes[f"confirm_{kind}:no_manifest"] += 1
        return
    manifest_id, content_hash = manifest.manifest_id, manifest.content_hash
    for user_id in user_ids:
        world.agenda.try_now(
            f"confirm_{kind}",
            lambda user_id=user_id: confirm_manifest(
                session, manifest_id=manifest_id, user_id=user_id, content_hash=content_hash
            ),
        )


def pickup_confirmers(world: World, *, resident_id: int, collector_user_id: int) -> tuple:
    """The collector confirms at the door; the resident too, nearly always."""
    if world.rng.random() < FORGETFUL_RESIDENTS:
        return (collector_user_id,)
    return (collector_user_id, resident_id)
