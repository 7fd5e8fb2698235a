"""Auction benchmark: accepted bids per second on one contested lot, and the close lag.

Bidder threads (one plant each, round robin) bid the current minimum on one English auction
until it closes; a closer polls every second as a beat + worker would (``close_ended`` then
``close_auction``). The lag is ``closed_at - ends_at``, both by the database clock.

    .venv/bin/python benchmarks/auction.py                  # SQLite scratch file, in-process
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/auction.py              # scratch database bench_auction
    ... --gunicorn                                           # bid over HTTP to gunicorn (PG)
    ... --smoke                                              # CI: 4 threads, 3 s

Prints one JSON line. Only 127.0.0.1 is contacted; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import start_gunicorn  # noqa: E402

SCRATCH = "bench_auction"


def scratch_url(smoke: bool) -> str:
    """A fresh database: ``bench_auction`` on DATABASE_URL's PostgreSQL, else a temp SQLite."""
    from sqlalchemy import create_engine, text

    from api.config import normalise_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tempfile.mkdtemp()}/auction.sqlite3"
    admin_url = normalise_database_url(url)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {SCRATCH}"))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{SCRATCH}"


def _token(session, user, role: str) -> str:
    from flask_jwt_extended import create_access_token

    from api.auth.models import TokenFamily

    family = TokenFamily(token_family_id=str(uuid.uuid4()), user_id=user.user_id)
    session.add(family)
    return create_access_token(
        identity=str(user.user_id),
        additional_claims={"role": role, "fam": family.token_family_id},
        expires_delta=timedelta(hours=1),
    )


def _plant(session, n: int) -> str:
    from api.auth.models import User
    from api.db import utcnow
    from api.ledger.plant_postings import record_deposit
    from api.plants.models import Plant

    user = User(phone=f"+86135{n:08d}", role="plant")
    session.add(user)
    session.flush()
    plant = Plant(
        owner_user_id=user.user_id,
        company_name=f"Bench plant {n}",
        licence_number=f"BENCH-{n:05d}",
        permit_refs=["docs/bench.pdf"],
        categories=["paper"],
        permit_expires_on=(utcnow() + timedelta(days=90)).date(),
        status="approved",
    )
    session.add(plant)
    session.flush()
    user.organisation_id = plant.plant_id
    record_deposit(
        session,
        plant_id=plant.plant_id,
        owner_user_id=user.user_id,
        amount_cents=10**9,
        bank_reference=f"BENCH-{n}",
    )
    return _token(session, user, "plant")


def _station(session):
    """A station with one staff member and one approved collector."""
    from api.auth.models import User
    from api.collectors.models import Collector
    from api.stations.models import Station
    from api.zones.models import Zone

    zone_id = session.query(Zone.zone_id).filter(Zone.code == "xuhui-s").scalar()
    station = Station(code="bench", name="Bench", zone_id=zone_id, latitude=31.2, longitude=121.4)
    staff = User(phone="+8613400000001", role="station")
    carrier = User(phone="+8613400000002", role="collector")
    session.add_all([station, staff, carrier])
    session.flush()
    staff.organisation_id = station.station_id
    collector = Collector(
        user_id=carrier.user_id, full_name="Bench", national_id_encrypted="x",
        national_id_last4="0000", vehicle_type="van", payload_grams=10**6, volume_litres=10**4,
        home_latitude=31.2, home_longitude=121.4, status="approved",
    )  # fmt: skip
    session.add(collector)
    session.flush()
    return station, staff, collector


def _lot(session) -> tuple[int, object]:
    """A delivery of 2 t of cardboard, and a lot made of it by the station's staff."""
    from api.db import utcnow
    from api.lots.access import Viewer
    from api.lots.service import create_lot
    from api.materials.models import Material
    from api.stations.models import StationDelivery, StationDeliveryLine

    station, staff, collector = _station(session)
    material = session.query(Material).filter(Material.code == "cardboard").one()
    line = StationDeliveryLine(
        material_id=material.material_id, material_code="cardboard", grade="A",
        net_grams=2_000_000, tag_codes=["BENCH0001"],
    )  # fmt: skip
    session.add(
        StationDelivery(
            station_id=station.station_id, collector_id=collector.collector_id,
            received_by_user_id=staff.user_id, received_at=utcnow(), lines=[line],
        )
    )  # fmt: skip
    session.flush()
    viewer = Viewer(staff.user_id, "station", station_id=station.station_id)
    lot = create_lot(
        session,
        viewer=viewer,
        data={
            "material": "cardboard", "grade": "A", "photo_refs": [],
            "delivery_line_ids": [line.station_delivery_line_id],
            "collection_starts_at": utcnow(), "collection_ends_at": utcnow() + timedelta(days=3),
        },
    )  # fmt: skip
    return lot["lot_id"], viewer


def prepare(url: str, plants: int) -> tuple[object, int, object, list[str]]:
    """Tables, the demo catalogue, plants with deposits and tokens, and a lot."""
    from api import create_app
    from api.db import Base, session_scope
    from api.seed import seed_catalogue, seed_tariffs, seed_zones

    app = create_app(
        {
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": False,
            "CELERY_BROKER_URL": None,
            "LOG_LEVEL": "WARNING",
        }
    )
    Base.metadata.create_all(app.extensions["db_engine"])
    with app.app_context(), session_scope(app) as session:
        seed_catalogue(session)
        seed_zones(session)
        seed_tariffs(session)
        tokens = [_plant(session, n) for n in range(plants)]
        lot_id, viewer = _lot(session)
    return app, lot_id, viewer, tokens


def open_auction(app, lot_id: int, viewer, duration: float) -> int:
    """An English auction from now for ``duration`` seconds, soft close 2 s (cap 4 s)."""
    from api.auctions.service import create_auction
    from api.db import session_scope, utcnow

    with app.app_context(), session_scope(app) as session:
        auction = create_auction(
            session,
            viewer=viewer,
            lot_id=lot_id,
            data={
                "kind": "english",
                "start_price_cents": 10_000,
                "reserve_cents": 0,
                "ends_at": utcnow() + timedelta(seconds=duration),
                "soft_close": {"window_seconds": 2, "extension_seconds": 2, "cap_seconds": 4},
            },
        )
    return auction["auction_id"]


class InProcess:
    """Requests through the app's test client (one per thread)."""

    def __init__(self, app) -> None:
        self.app = app
        self.local = threading.local()

    def post(self, path: str, token: str, body: dict, key: str) -> tuple[int, dict]:
        """POST ``body`` as the plant with ``token``; ``(status, json)``."""
        client = getattr(self.local, "client", None) or self.app.test_client()
        self.local.client = client
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        response = client.post(path, json=body, headers=headers)
        return response.status_code, response.get_json() or {}

    def get(self, path: str, token: str) -> dict:
        """GET as the plant with ``token``; the json body."""
        client = getattr(self.local, "client", None) or self.app.test_client()
        self.local.client = client
        return client.get(path, headers={"Authorization": f"Bearer {token}"}).get_json()


class OverHttp:
    """Requests over one keep-alive connection per thread to gunicorn on 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def post(self, path: str, token: str, body: dict, key: str) -> tuple[int, dict]:
        """POST ``body`` as the plant with ``token``; ``(status, json)``."""
        conn = getattr(self.local, "conn", None) or http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30
        )
        self.local.conn = conn
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        }
        conn.request("POST", path, body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def get(self, path: str, token: str) -> dict:
        """GET as the plant with ``token``; the json body."""
        conn = getattr(self.local, "conn", None) or http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30
        )
        self.local.conn = conn
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        return json.loads(conn.getresponse().read() or b"{}")


def bidder(transport, lot_id: int, token: str, stop: threading.Event, out: dict) -> None:
    """Bid the minimum next bid until the auction is closed; after being outbid on the way,
    read the live view again as a phone would."""
    rng = random.Random(token[-8:])
    minimum = 10_000
    while not stop.is_set():
        amount = minimum + rng.choice((0, 0, 500))
        started = time.perf_counter()
        status, body = transport.post(
            f"/api/lots/{lot_id}/bids", token, {"max_amount_cents": amount}, str(uuid.uuid4())
        )
        elapsed = time.perf_counter() - started
        with out["lock"]:
            out["latency"].append(elapsed)
            out["codes"][str(status) if status == 201 else body.get("code", str(status))] += 1
            if status == 201:
                out["accepted_at"].append(time.perf_counter())
        if status == 201:
            minimum = body["auction"]["min_next_bid_cents"]
        elif body.get("code") in ("auction_closed", "not_found"):
            return  # closed; a plant with no accepted bid no longer sees a lot sold to another
        else:
            live = transport.get(f"/api/lots/{lot_id}", token)["auction"]
            with out["lock"]:
                out["codes"]["live_reads"] += 1
            minimum = live["min_next_bid_cents"]


def closer(app, auction_id: int, stop: threading.Event) -> None:
    """Poll every second like beat would, closing what has ended (eager tasks in-process)."""
    from api.auctions.tasks import close_ended
    from api.db import session_scope

    while not stop.is_set():
        with app.app_context():
            close_ended.delay().get()
        with session_scope(app) as session:
            from api.auctions.models import Auction

            if session.get(Auction, auction_id).status != "open":
                stop.set()
                return
        stop.wait(1.0)


def summarise(app, auction_id: int, out: dict, wall: float) -> dict:
    """Figures from the run and the stored auction, with the serial-replay check."""
    from sqlalchemy import select

    from api.auctions.models import Auction, AuctionBid
    from api.auctions.rules import as_bid, params_of
    from api.db import session_scope
    from pricing import replay

    with session_scope(app) as session:
        auction = session.get(Auction, auction_id)
        rows = session.scalars(select(AuctionBid).where(AuctionBid.auction_id == auction_id))
        bids = [as_bid(row) for row in rows]
        state = replay(bids, params_of(auction))
        first, last = min(b.placed_at for b in bids), max(b.placed_at for b in bids)
        latency = sorted(out["latency"])
        return {
            "db": app.extensions["db_engine"].dialect.name,
            "accepted": len(bids),
            "attempts": len(latency),
            "accepted_per_s": round(len(bids) / max((last - first).total_seconds(), 1e-9), 1),
            "attempts_per_s": round(len(latency) / wall, 1),
            "bid_p50_ms": round(statistics.median(latency) * 1000, 1),
            "bid_p95_ms": round(latency[int(len(latency) * 0.95) - 1] * 1000, 1),
            "outcomes": dict(out["codes"]),
            "extensions": auction.extension_count,
            "close_lag_ms": round((auction.closed_at - auction.ends_at).total_seconds() * 1000),
            "status": auction.status,
            "replay_matches": (state.current_price_cents, state.leader_id, state.end_at)
            == (auction.current_price_cents, str(auction.leader_plant_id), auction.ends_at),
        }


def main(argv: list[str] | None = None) -> None:
    """Set up one contested lot, bid on it from threads until it closes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds until the end")
    parser.add_argument("--gunicorn", action="store_true", help="bid over HTTP (PostgreSQL)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="4 threads, 3 s")
    args = parser.parse_args(argv)
    threads, duration = (4, 3.0) if args.smoke else (args.threads, args.duration)
    url = scratch_url(args.smoke)
    app, lot_id, viewer, tokens = prepare(url, threads)
    server = None
    if args.gunicorn:
        server = start_gunicorn(url, 8011, args.workers, 8)
        transport = OverHttp(8011)
    else:
        transport = InProcess(app)
    auction_id = open_auction(app, lot_id, viewer, duration)
    out = {"lock": threading.Lock(), "latency": [], "codes": Counter(), "accepted_at": []}
    stop = threading.Event()
    started = time.perf_counter()
    workers = [
        threading.Thread(target=bidder, args=(transport, lot_id, token, stop, out))
        for token in tokens
    ]
    watcher = threading.Thread(target=closer, args=(app, auction_id, stop))
    for thread in [*workers, watcher]:
        thread.start()
    watcher.join(timeout=duration + 60)
    stop.set()
    for thread in workers:
        thread.join(timeout=30)
    wall = time.perf_counter() - started
    if server is not None:
        server.terminate()
        server.wait(timeout=30)
    figures = summarise(app, auction_id, out, wall)
    mode = f"gunicorn -w {args.workers}" if args.gunicorn else "in-process"
    print(json.dumps({"mode": mode, "threads": threads, "duration_s": duration, **figures}))


if __name__ == "__main__":
    main()
