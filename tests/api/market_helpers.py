"""Steps of the marketplace (stations, plants, lots, auctions) shared by its API tests.

Deliveries are inserted as rows (the station drop-off endpoint builds them from real bags);
everything after that goes through the HTTP API as the phones call it. Plant users get their
tokens minted directly, so tests with many plants do not hit the login rate limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_jwt_extended import create_access_token
from sqlalchemy import select, update

from api.auctions.clock import db_now
from api.auctions.models import Auction
from api.auctions.tasks import close_auction
from api.auth.models import TokenFamily, User
from api.collectors.models import Collector
from api.db import session_scope, utcnow
from api.materials.models import Material
from api.plants.models import Plant
from api.stations.models import Station, StationDelivery, StationDeliveryLine
from api.zones.models import Zone

ADMIN = "+8613900003001"
STATION = "+8613900003101"
OTHER_STATION = "+8613900003102"
COLLECTOR = "+8613711113001"


@dataclass
class PlantUser:
    """A registered plant seen from its phone."""

    headers: dict
    plant_id: int
    user_id: int


def new_user(app, phone: str, role: str) -> int:
    """A user row with ``role`` (no SMS round trip)."""
    with session_scope(app) as session:
        user = User(phone=phone, role=role)
        session.add(user)
        session.flush()
        return user.user_id


def token_headers(app, *, user_id: int, role: str) -> dict:
    """Auth headers for ``user_id``: a token family and an access token, as a login makes."""
    family_id = str(uuid.uuid4())
    with session_scope(app) as session:
        session.add(TokenFamily(token_family_id=family_id, user_id=user_id))
    with app.app_context():
        token = create_access_token(
            identity=str(user_id), additional_claims={"role": role, "fam": family_id}
        )
    return {"Authorization": f"Bearer {token}"}


def staff(app, phone: str, role: str) -> dict:
    """Headers of a new staff user with ``role``."""
    return token_headers(app, user_id=new_user(app, phone, role), role=role)


def admin(app) -> dict:
    """The marketplace tests' admin (created on first use per app)."""
    cache = app.extensions.setdefault("market_admin", {})
    if "headers" not in cache:
        cache["headers"] = staff(app, ADMIN, "admin")
    return cache["headers"]


def make_station(app, *, code: str = "st-xuhui", zone: str = "xuhui-s", phone: str = STATION):
    """A station in ``zone`` and the headers of its staff member."""
    with session_scope(app) as session:
        zone_id = session.scalar(select(Zone.zone_id).where(Zone.code == zone))
        station = Station(
            code=code, name=code.title(), zone_id=zone_id, latitude=31.2, longitude=121.44
        )
        session.add(station)
        session.flush()
        station_id = station.station_id
    user_id = new_user(app, phone, "station")
    with session_scope(app) as session:
        session.get(User, user_id).organisation_id = station_id
    return station_id, token_headers(app, user_id=user_id, role="station")


def _collector(app) -> tuple[int, int]:
    """``(user_id, collector_id)`` of the collector who delivers in these tests."""
    with session_scope(app) as session:
        user = session.scalar(select(User).where(User.phone == COLLECTOR))
        if user is None:
            user = User(phone=COLLECTOR, role="collector")
            session.add(user)
            session.flush()
        collector = session.scalar(select(Collector).where(Collector.user_id == user.user_id))
        if collector is None:
            collector = Collector(
                user_id=user.user_id,
                full_name="Zhao Min",
                national_id_encrypted="test-only",
                national_id_last4="0042",
                vehicle_type="tricycle",
                payload_grams=300_000,
                volume_litres=1500,
                home_latitude=31.2,
                home_longitude=121.44,
                zone_codes=["xuhui-s"],
                status="approved",
            )
            session.add(collector)
            session.flush()
        return user.user_id, collector.collector_id


def delivered_lines(
    app, *, station_id: int, material: str = "cardboard", grade: str = "A", grams=(40_000, 60_000)
) -> list[int]:
    """A collector's delivery at the station: one line per weight, two tags each."""
    user_id, collector_id = _collector(app)
    with session_scope(app) as session:
        mat = session.scalar(select(Material).where(Material.code == material))
        lines = [
            StationDeliveryLine(
                material_id=mat.material_id,
                material_code=material,
                grade=grade,
                net_grams=net,
                tag_codes=[f"T{uuid.uuid4().hex[:8].upper()}" for _ in range(2)],
            )
            for net in grams
        ]
        session.add(
            StationDelivery(
                station_id=station_id,
                collector_id=collector_id,
                received_by_user_id=user_id,
                received_at=utcnow(),
                lines=lines,
            )
        )
        session.flush()
        return [line.station_delivery_line_id for line in lines]


def register_plant(
    client,
    *,
    phone: str,
    categories=("paper",),
    deposit_cents: int = 1_000_000,
    approve: bool = True,
) -> PlantUser:
    """A plant registered through the API, approved by the admin, with a deposit held."""
    app = client.application
    user_id = new_user(app, phone, "plant")
    headers = token_headers(app, user_id=user_id, role="plant")
    body = {
        "company_name": f"Plant {phone[-4:]}",
        "licence_number": f"LIC-{phone[-6:]}",
        "permit_refs": [f"docs/permit-{phone[-4:]}.pdf"],
        "categories": list(categories),
        "permit_expires_on": (utcnow() + timedelta(days=365)).date().isoformat(),
    }
    response = client.post("/api/plants", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    plant_id = response.get_json()["plant_id"]
    if approve:
        decided = client.post(
            f"/api/plants/{plant_id}/decisions", json={"decision": "approve"}, headers=admin(app)
        )
        assert decided.status_code == 201, decided.get_json()
    if deposit_cents:
        paid = client.post(
            "/api/plants/me/deposits",
            json={"amount_cents": deposit_cents, "bank_reference": f"BANK-{phone[-6:]}"},
            headers=headers,
        )
        assert paid.status_code == 201, paid.get_json()
    return PlantUser(headers, plant_id, user_id)


def make_lot(client, station_headers: dict, line_ids: list[int], **overrides) -> dict:
    """A lot of grade-A cardboard from ``line_ids``, collectable over the next week."""
    now = utcnow()
    body = {
        "material": "cardboard",
        "grade": "A",
        "delivery_line_ids": line_ids,
        "photo_refs": ["photos/bale-1.jpg"],
        "collection_starts_at": now.isoformat(),
        "collection_ends_at": (now + timedelta(days=7)).isoformat(),
        **overrides,
    }
    response = client.post("/api/lots", json=body, headers=station_headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_auction(client, headers: dict, lot_id: int, **terms) -> dict:
    """An English auction ending in an hour, start 100 CNY, no reserve, unless ``terms`` say."""
    body = {
        "start_price_cents": 10_000,
        "ends_at": (utcnow() + timedelta(hours=1)).isoformat(),
        "reserve_cents": 0,
        **terms,
    }
    response = client.post(f"/api/lots/{lot_id}/auctions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def market(client) -> tuple[int, dict, dict]:
    """A station with a 100 kg cardboard lot: ``(station_id, station headers, lot)``."""
    station_id, station_headers = make_station(client.application)
    lot = make_lot(
        client, station_headers, delivered_lines(client.application, station_id=station_id)
    )
    return station_id, station_headers, lot


def bid(client, plant: PlantUser, lot_id: int, amount: int, key: str | None = None):
    """Post a bid; returns the response."""
    headers = {**plant.headers, **({"Idempotency-Key": key} if key else {})}
    return client.post(
        f"/api/lots/{lot_id}/bids", json={"max_amount_cents": amount}, headers=headers
    )


def move_end(app, auction_id: int, seconds_from_now: float) -> datetime:
    """Set the auction's scheduled and current end relative to the database clock.

    Tests move the end instead of waiting for it; the bid and close rules only ever compare
    with the database clock.
    """
    with session_scope(app) as session:
        end = db_now(session) + timedelta(seconds=seconds_from_now)
        session.execute(
            update(Auction)
            .where(Auction.auction_id == auction_id)
            .values(ends_at=end, scheduled_end_at=end)
        )
    return end


def close_now(app, auction_id: int) -> str | None:
    """End the auction by the database clock and run the closing task; returns its status."""
    move_end(app, auction_id, -0.001)
    with app.app_context():
        return close_auction.delay(auction_id).get()


def auction_row(app, auction_id: int) -> Auction:
    """The auction's row as stored."""
    with session_scope(app) as session:
        return session.get(Auction, auction_id)


def set_plant(app, plant_id: int, **values) -> None:
    """Change a plant's row directly (a permit that expired, a status set elsewhere)."""
    with session_scope(app) as session:
        session.execute(update(Plant).where(Plant.plant_id == plant_id).values(**values))
