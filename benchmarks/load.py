"""Load test: gunicorn + PostgreSQL on loopback, with pgbench on the same machine for scale.

Scenarios (open loop at a fixed arrival rate, latency measured from the scheduled send time
so a slow server cannot hide its queueing):
  mixed      booking list, slots, materials, booking creation, and the collector job feed /
             claims and plant bids when those endpoints exist
  bookings   closed loop: as many booking creations per second as the server takes

Then pgbench's built-in TPC-B-like script on a scratch database, same machine, same run.
Targets (issue): p99 < 100 ms at 200 mixed requests/s; booking creation >= 30 % of pgbench.

    .venv/bin/python benchmarks/load.py                  # full run (~2 minutes)
    .venv/bin/python benchmarks/load.py --smoke          # a few seconds, for CI

Only 127.0.0.1 is ever contacted; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def recreate_database(name: str) -> str:
    """Drop and create a scratch database; returns its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def prepare(url: str, residents: int, quotes_each: int) -> dict:
    """Migrate, seed, and mint residents with tokens, addresses and unused quotes."""
    from flask_jwt_extended import create_access_token
    from sqlalchemy import update

    from api import create_app, migrate
    from api.auth.models import TokenFamily, User
    from api.db import session_scope
    from api.quotes.service import create_quote
    from api.residents.service import create_address
    from api.seed import seed_city
    from api.slots.models import Slot

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    people = []
    with app.app_context(), session_scope(app) as session:
        seed_city(session)
        session.execute(update(Slot).values(capacity=1_000_000))
        for n in range(residents):
            user = User(phone=f"+86137{n:08d}", role="resident")
            session.add(user)
            session.flush()
            family = TokenFamily(token_family_id=str(uuid.uuid4()), user_id=user.user_id)
            session.add(family)
            address = create_address(
                session,
                resident_id=user.user_id,
                data={"latitude": 31.205, "longitude": 121.445, "text": f"Load lane {n}"},
            )
            items = [{"material": "pet", "grade": "clear", "quantity": 3000}]
            quotes = [
                create_quote(
                    session,
                    resident_id=user.user_id,
                    address_id=address.address_id,
                    items=items,
                    valid_for=timedelta(hours=2),
                ).quote_id
                for _ in range(quotes_each)
            ]
            token = create_access_token(
                identity=str(user.user_id),
                additional_claims={"role": "resident", "fam": family.token_family_id},
                expires_delta=timedelta(hours=2),
            )
            people.append({"token": token, "address_id": address.address_id, "quotes": quotes})
    app.extensions["db_engine"].dispose()
    return {"people": people}


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    """Serve the app with gunicorn on 127.0.0.1 and wait for /api/health."""
    env = dict(os.environ, DATABASE_URL=url, RATELIMIT_ENABLED="false", LOG_LEVEL="WARNING")
    env.pop("REDIS_URL", None)
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "api:create_app()",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


class Client(threading.local):
    """One keep-alive connection per thread."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> int:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        data = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 599


def booking_body(person: dict, slot_id: int) -> dict | None:
    """A booking with one of the person's unused quotes (None when they ran out)."""
    if not person["quotes"]:
        return None
    quote_id = person["quotes"].pop()
    return {"address_id": person["address_id"], "slot_id": slot_id, "quote_id": quote_id}


def tomorrow_slot(port: int, token: str) -> int:
    from api.timeutil import local_today

    day = (local_today() + timedelta(days=1)).isoformat()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "GET", f"/api/slots?zone=xuhui-s&date={day}", headers={"Authorization": f"Bearer {token}"}
    )
    return json.loads(conn.getresponse().read())[1]["slot_id"]


def mixed_requests(people: list[dict], slot_id: int):
    """An endless, seeded mix of what phones do most."""
    rng = random.Random(7)
    day = time.strftime("%Y-%m-%d")
    while True:
        person = rng.choice(people)
        roll = rng.random()
        if roll < 0.35:
            yield "GET", "/api/bookings?page_size=10", person["token"], None
        elif roll < 0.6:
            yield "GET", f"/api/slots?zone=xuhui-s&date={day}", person["token"], None
        elif roll < 0.8:
            yield "GET", "/api/materials", person["token"], None
        else:
            body = booking_body(person, slot_id)
            if body is None:
                yield "GET", "/api/materials", person["token"], None
            else:
                yield "POST", "/api/bookings", person["token"], body


def run_open_loop(port: int, requests, rate: float, duration: float) -> dict:
    """Send at ``rate`` per second for ``duration`` s; latency from the scheduled time."""
    client = Client(port)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    total = int(rate * duration)
    start = time.perf_counter() + 0.2

    def fire(index: int, method: str, path: str, token: str, body) -> None:
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        status = client.call(method, path, token, body)
        elapsed = time.perf_counter() - scheduled
        with lock:
            latencies.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(max_workers=64) as pool:
        for index in range(total):
            method, path, token, body = next(requests)
            pool.submit(fire, index, method, path, token, body)
    wall = time.perf_counter() - start
    return summarise(latencies, statuses, wall)


def summarise(latencies: list[float], statuses: dict[int, int], wall: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "requests": len(ordered),
        "throughput_rps": round(len(ordered) / wall, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def run_booking_throughput(port: int, people: list[dict], slot_id: int, duration: float) -> dict:
    """Closed loop: 16 phones creating bookings back to back for ``duration`` seconds."""
    client = Client(port)
    stop_at = time.perf_counter() + duration
    counts = {"ok": 0, "other": 0}
    lock = threading.Lock()

    def phone(chunk: list[dict]) -> None:
        while time.perf_counter() < stop_at:
            person = chunk[0]
            body = booking_body(person, slot_id)
            if body is None:
                chunk.pop(0)
                if not chunk:
                    return
                continue
            status = client.call("POST", "/api/bookings", person["token"], body)
            with lock:
                counts["ok" if status == 201 else "other"] += 1

    chunks = [people[i::16] for i in range(16)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(phone, [c for c in chunks if c]))
    wall = time.perf_counter() - started
    return {
        "bookings_created": counts["ok"],
        "errors": counts["other"],
        "bookings_per_s": round(counts["ok"] / wall, 1),
    }


def run_pgbench(duration: int) -> dict:
    """pgbench TPC-B-like at scale 10, 8 clients, on a scratch database."""
    recreate_database("recycle_pgbench")
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(
        ["pgbench", *base, "-i", "-q", "-s", "10", "recycle_pgbench"],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        ["pgbench", *base, "-c", "8", "-j", "2", "-T", str(duration), "recycle_pgbench"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    return {"pgbench_tps": round(tps, 1), "clients": 8, "scale": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--smoke", action="store_true", help="a few seconds, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.rate, args.duration = 20.0, 3.0
    residents = 40 if args.smoke else 200
    url = recreate_database("recycle_load")
    data = prepare(url, residents, quotes_each=3 if args.smoke else 25)
    server = start_gunicorn(url, args.port, args.workers, args.threads)
    try:
        slot_id = tomorrow_slot(args.port, data["people"][0]["token"])
        mixed = run_open_loop(
            args.port, mixed_requests(data["people"], slot_id), args.rate, args.duration
        )
        print(json.dumps({"scenario": "mixed", "target_rps": args.rate, **mixed}))
        bookings = run_booking_throughput(
            args.port, data["people"], slot_id, min(args.duration, 20)
        )
        print(json.dumps({"scenario": "bookings", **bookings}))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    pgbench = run_pgbench(3 if args.smoke else 20)
    print(json.dumps({"scenario": "pgbench", **pgbench}))
    ratio = bookings["bookings_per_s"] / pgbench["pgbench_tps"]
    print(
        json.dumps(
            {
                "summary": True,
                "p99_ms": mixed["p99_ms"],
                "p99_target_ms": 100,
                "booking_share_of_pgbench": round(ratio, 3),
                "share_target": 0.3,
            }
        )
    )


if __name__ == "__main__":
    main()
