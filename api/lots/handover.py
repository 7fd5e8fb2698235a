"""After the sale: the station hands the lot over, the plant weighs it on receipt.

Each hand-over also records its custody manifest (station -> plant, then the plant's receipt)
in the same transaction, so a lot cannot change hands without a manifest.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.auctions.clock import db_now, lock_one
from api.custody.manifests import record_lot_handover_manifest, record_plant_receipt_manifest
from api.errors import ConflictError
from api.lots.access import Viewer, get_lot_for_viewer
from api.lots.models import Lot
from api.lots.service import lot_event, lot_view


def _locked_lot(session: Session, *, viewer: Viewer, lot_id: int) -> Lot:
    get_lot_for_viewer(session, viewer=viewer, lot_id=lot_id)
    return lock_one(session, Lot, Lot.lot_id, lot_id)


def record_collection(
    session: Session, *, viewer: Viewer, lot_id: int, vehicle_plate: str | None, notes: str | None
) -> dict:
    """Station staff hand a paid lot to the buying plant's vehicle."""
    lot = _locked_lot(session, viewer=viewer, lot_id=lot_id)
    if lot.status != "paid":
        raise ConflictError(
            f"a lot that is {lot.status} cannot be collected (it must be paid)",
            code="invalid_state",
        )
    now = db_now(session)
    lot.status = "collected"
    lot.collected_at = now
    lot.version += 1
    lot_event(
        session,
        lot,
        "collected",
        viewer.user_id,
        plant_id=lot.plant_id,
        net_grams=lot.net_grams,
        vehicle_plate=vehicle_plate,
        notes=notes,
    )
    record_lot_handover_manifest(
        session, lot=lot, plant_id=lot.plant_id, actor_user_id=viewer.user_id
    )
    return lot_view(session, lot=lot, viewer=viewer, now=now)


def record_receipt(session: Session, *, viewer: Viewer, lot_id: int, net_grams: int) -> dict:
    """The buying plant records what its own scale weighed on receipt."""
    lot = _locked_lot(session, viewer=viewer, lot_id=lot_id)
    if lot.plant_id is None or lot.plant_id != viewer.plant_id:
        raise ConflictError("only the buying plant records the receipt", code="not_your_lot")
    if lot.status != "collected":
        raise ConflictError(
            f"a lot that is {lot.status} cannot be received (it must be collected)",
            code="invalid_state",
        )
    now = db_now(session)
    lot.status = "received"
    lot.received_at = now
    lot.received_net_grams = net_grams
    lot.version += 1
    lot_event(
        session,
        lot,
        "received",
        viewer.user_id,
        plant_id=lot.plant_id,
        net_grams=net_grams,
        dispatched_grams=lot.net_grams,
        difference_grams=net_grams - lot.net_grams,
    )
    record_plant_receipt_manifest(
        session, lot=lot, net_grams=net_grams, actor_user_id=viewer.user_id
    )
    return lot_view(session, lot=lot, viewer=viewer, now=now)
