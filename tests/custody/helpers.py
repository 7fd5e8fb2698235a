"""Material moving doorstep -> collector -> station -> plant, for the custody tests.

The hand-overs go through the HTTP API where it exists (jobs, station deliveries, plants);
the manifest hooks are called here too, which is harmless once the flows call them
themselves (they are idempotent per weighing, delivery and lot). Lots are written with the
models: the lots and auctions endpoints are not in this tree yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from api.auth.models import User
from api.custody.manifests import (
    record_dropoff_manifest,
    record_lot_handover_manifest,
    record_pickup_manifest,
    record_plant_receipt_manifest,
)
from api.db import session_scope, utcnow
from api.jobs.models import Weighing
from api.lots.models import Lot
from api.materials.models import Material
from api.plants.models import Plant  # noqa: F401  (lots refer to plants)
from api.stations.models import StationDelivery, StationDeliveryLine
from tests.api.collector_helpers import (
    DEFAULT_LINES,
    admin_headers,
    enrol_approved_collector,
    staff_headers,
    station_user,
    weighed_and_completed_job,
)

STATION_CODE = "st-xuhui-s-1"
STATION_PHONE = "+8613900007701"
PLANT_PHONE = "+8613900007801"
REGULATOR_PHONE = "+8613900007901"


@dataclass
class Pickup:
    """A completed job and its pickup manifest."""

    job: object
    manifest_id: int


def completed_pickup(client, login, *, lines=DEFAULT_LINES, **claim_options) -> Pickup:
    """A job weighed and completed, with its pickup manifest written."""
    job = weighed_and_completed_job(client, login, lines=lines, **claim_options)
    with session_scope(client.application) as session:
        weighing = session.scalar(
            select(Weighing).where(
                Weighing.booking_id == job.booking_id,
                Weighing.status.in_(("recorded", "accepted")),
            )
        )
        actor = session.scalar(
            select(User.user_id).where(User.role == "collector").order_by(User.user_id.desc())
        )
        manifest = record_pickup_manifest(session, weighing=weighing, actor_user_id=actor)
        manifest_id = manifest.manifest_id
    return Pickup(job, manifest_id)


def deliver(client, pickup: Pickup, *, net_grams: dict | None = None) -> tuple[dict, int]:
    """Station staff receive the pickup's bags (``net_grams`` by material, else door weight)."""
    headers = station_user(client, STATION_PHONE, STATION_CODE)
    weighing = pickup.job.weighing
    lines = []
    for line, tag in zip(weighing["lines"], pickup.job.tag_codes, strict=True):
        grams = (net_grams or {}).get(line["material"], line["net_grams"])
        lines.append(
            {
                "material": line["material"],
                "grade": line["grade"],
                "net_grams": grams,
                "tag_codes": [tag],
            }
        )
    response = client.post(
        "/api/station-deliveries",
        json={"collector_id": pickup.job.collector_id, "lines": lines},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    delivery = response.get_json()
    with session_scope(client.application) as session:
        row = session.get(StationDelivery, delivery["station_delivery_id"])
        manifest = record_dropoff_manifest(
            session, delivery=row, actor_user_id=row.received_by_user_id
        )
        manifest_id = manifest.manifest_id
    return headers, manifest_id


def approved_plant(client, phone: str = PLANT_PHONE) -> tuple[dict, int]:
    """A plant registered and approved through the API; returns its staff headers and id."""
    headers = staff_headers(client, phone, "plant")
    body = {
        "company_name": "Green Fibre Co",
        "licence_number": f"LIC-{phone[-4:]}",
        "permit_refs": ["uploads/permit.pdf"],
        "categories": ["paper", "plastic", "metal"],
        "permit_expires_on": (utcnow() + timedelta(days=365)).date().isoformat(),
    }
    response = client.post("/api/plants", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    plant_id = response.get_json()["plant_id"]
    decision = client.post(
        f"/api/plants/{plant_id}/decisions",
        json={"decision": "approve"},
        headers=admin_headers(client),
    )
    assert decision.status_code in (200, 201), decision.get_json()
    with session_scope(client.application) as session:
        session.execute(update(User).where(User.phone == phone).values(organisation_id=plant_id))
    return headers, plant_id


def make_lot(client, *, material: str, plant_id: int) -> int:
    """A lot of every delivered line of ``material`` at the test station, awarded to a plant."""
    with session_scope(client.application) as session:
        rows = list(
            session.scalars(
                select(StationDeliveryLine).where(
                    StationDeliveryLine.material_code == material,
                    StationDeliveryLine.lot_id.is_(None),
                )
            )
        )
        delivery = session.get(StationDelivery, rows[0].station_delivery_id)
        creator = session.scalar(select(User.user_id).where(User.phone == STATION_PHONE))
        now = utcnow()
        lot = Lot(
            station_id=delivery.station_id,
            material_id=session.scalar(
                select(Material.material_id).where(Material.code == material)
            ),
            material_code=material,
            grade=rows[0].grade,
            net_grams=sum(r.net_grams for r in rows),
            tag_codes=sorted(c for r in rows for c in r.tag_codes),
            collection_starts_at=now - timedelta(hours=1),
            collection_ends_at=now + timedelta(days=2),
            status="paid",
            created_by_user_id=creator,
            plant_id=plant_id,
        )
        session.add(lot)
        session.flush()
        for row in rows:
            row.lot_id = lot.lot_id
        return lot.lot_id


def hand_over_lot(client, lot_id: int, plant_id: int, **kwargs) -> int:
    """The plant collects the lot at the station: the lot hand-over manifest."""
    with session_scope(client.application) as session:
        lot = session.get(Lot, lot_id)
        manifest = record_lot_handover_manifest(
            session, lot=lot, plant_id=plant_id, actor_user_id=lot.created_by_user_id, **kwargs
        )
        return manifest.manifest_id


def receive_lot(client, lot_id: int, net_grams: int) -> int:
    """The plant weighs the lot at its gate: the receipt manifest."""
    with session_scope(client.application) as session:
        lot = session.get(Lot, lot_id)
        manifest = record_plant_receipt_manifest(
            session, lot=lot, net_grams=net_grams, actor_user_id=lot.created_by_user_id
        )
        return manifest.manifest_id


def regulator(client) -> dict:
    """The test regulator's headers."""
    return staff_headers(client, REGULATOR_PHONE, "regulator")


def second_collector(client, login, phone: str = "+8613711119077") -> tuple[dict, int]:
    """Another approved collector."""
    return enrol_approved_collector(client, login, phone)
