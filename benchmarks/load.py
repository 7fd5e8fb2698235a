"""Load test: gunicorn + PostgreSQL on loopback, with pgbench on the same machine for scale.

Scenarios (open loop at a fixed arrival rate, latency measured from the scheduled send time
so a slow server cannot hide its queueing):
  mixed      booking list, slots, materials, booking creation, the collectors' job feed,
             claims (a claim that loses the race is a 409, counted in ``statuses``) and plants'
             bids on 20 open auctions (a bid overtaken in flight is refused, also counted)
  bookings   closed loop: PHONES phones creating bookings back to back
Every POST carries an Idempotency-Key, as the mobile client sends one.

Then pgbench's built-in TPC-B-like script on a scratch database, same machine, same run, with
as many clients as the closed booking loop has phones, so both get the same concurrency:

    pgbench -h 127.0.0.1 -U postgres -i -q -s 10 <db>
    pgbench -h 127.0.0.1 -U postgres -c 16 -j 2 -T 20 <db>

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
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Concurrency of the closed booking loop, and pgbench's client count (same, to be fair).
PHONES = 16


def recreate_database(name: str) -> str:
    """Drop and create a scratch database; returns its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _token(user_id: int, role: str, family_id: str) -> str:
    from flask_jwt_extended import create_access_token

    return create_access_token(
        identity=str(user_id),
        additional_claims={"role": role, "fam": family_id},
        expires_delta=timedelta(hours=2),
    )


def _collectors(session, count: int) -> list[dict]:
    """Approved collectors in xuhui-s, on shift today and tomorrow, with tokens."""
    from api.auth.models import TokenFamily, User
    from api.collectors.models import Collector, Shift
    from api.db import utcnow
    from api.timeutil import local_at, local_today

    people = []
    for n in range(count):
        user = User(phone=f"+86136{n:08d}", role="collector")
        session.add(user)
        session.flush()
        collector = Collector(
            user_id=user.user_id,
            full_name=f"Load Collector {n}",
            national_id_encrypted="load-test",
            national_id_last4=f"{n:04d}"[-4:],
            vehicle_type="tricycle",
            payload_grams=10_000_000,
            volume_litres=100_000,
            home_latitude=31.2,
            home_longitude=121.44,
            zone_codes=["xuhui-s"],
            status="approved",
            approved_at=utcnow(),
        )
        session.add(collector)
        session.flush()
        for days in (0, 1):
            day = local_today() + timedelta(days=days)
            session.add(
                Shift(
                    collector_id=collector.collector_id,
                    shift_date=day,
                    starts_at=local_at(day, 0),
                    ends_at=local_at(day, 23, 59),
                )
            )
        family = TokenFamily(token_family_id=str(uuid.uuid4()), user_id=user.user_id)
        session.add(family)
        people.append({"token": _token(user.user_id, "collector", family.token_family_id)})
    return people


def _market(app, auctions: int, plants: int) -> dict:
    """A station with ``auctions`` lots of cardboard, each in an English auction ending in two
    hours, and ``plants`` approved plants with deposits: built through the API (lots,
    auctions, plant registration, approval, deposits); the deliveries as rows."""
    from sqlalchemy import select

    from api.auth.models import TokenFamily, User
    from api.collectors.models import Collector
    from api.db import session_scope, utcnow
    from api.materials.models import Material
    from api.stations.models import Station, StationDelivery, StationDeliveryLine
    from api.zones.models import Zone

    def headers_of(session, phone: str, role: str, **extra) -> dict:
        user = User(phone=phone, role=role, **extra)
        session.add(user)
        session.flush()
        family = TokenFamily(token_family_id=str(uuid.uuid4()), user_id=user.user_id)
        session.add(family)
        with app.app_context():
            token = _token(user.user_id, role, family.token_family_id)
        return {"Authorization": f"Bearer {token}"}

    with session_scope(app) as session:
        zone_id = session.scalar(select(Zone.zone_id).where(Zone.code == "xuhui-s"))
        station = Station(
            code="st-load", name="Load", zone_id=zone_id, latitude=31.2, longitude=121.44
        )
        session.add(station)
        session.flush()
        admin = headers_of(session, "+8613900009001", "admin")
        station_staff = headers_of(
            session, "+8613900009101", "station", organisation_id=station.station_id
        )
        hauler = session.scalar(select(Collector).limit(1))
        cardboard = session.scalar(select(Material).where(Material.code == "cardboard"))
        deliveries = []
        for _ in range(auctions):
            lines = [
                StationDeliveryLine(
                    material_id=cardboard.material_id,
                    material_code="cardboard",
                    grade="A",
                    net_grams=50_000,
                    tag_codes=[f"T{uuid.uuid4().hex[:8].upper()}"],
                )
            ]
            session.add(
                StationDelivery(
                    station_id=station.station_id,
                    collector_id=hauler.collector_id,
                    received_by_user_id=hauler.user_id,
                    received_at=utcnow(),
                    lines=lines,
                )
            )
            deliveries.append(lines)
        session.flush()
        line_ids = [[line.station_delivery_line_id for line in lines] for lines in deliveries]
        plant_headers = [headers_of(session, f"+8615900{n:06d}", "plant") for n in range(plants)]
    client = app.test_client()

    def ok(response) -> dict:
        if response.status_code >= 300:
            raise RuntimeError(f"market set-up failed: {response.get_json()}")
        return response.get_json()

    now = utcnow()
    lot_ids = []
    for ids in line_ids:
        lot = ok(
            client.post(
                "/api/lots",
                headers=station_staff,
                json={
                    "material": "cardboard",
                    "grade": "A",
                    "delivery_line_ids": ids,
                    "collection_starts_at": now.isoformat(),
                    "collection_ends_at": (now + timedelta(days=7)).isoformat(),
                },
            )
        )
        terms = {
            "start_price_cents": 10_000,
            "reserve_cents": 0,
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        }
        ok(client.post(f"/api/lots/{lot['lot_id']}/auctions", headers=station_staff, json=terms))
        lot_ids.append(lot["lot_id"])
    tokens = []
    for n, headers in enumerate(plant_headers):
        plant = ok(
            client.post(
                "/api/plants",
                headers=headers,
                json={
                    "company_name": f"Load Plant {n}",
                    "licence_number": f"LIC-LOAD-{n:04d}",
                    "permit_refs": [f"docs/permit-{n}.pdf"],
                    "categories": ["paper"],
                    "permit_expires_on": (now + timedelta(days=365)).date().isoformat(),
                },
            )
        )
        decision = {"decision": "approve"}
        ok(client.post(f"/api/plants/{plant['plant_id']}/decisions", json=decision, headers=admin))
        deposit = {"amount_cents": 100_000_000, "bank_reference": f"BANK-LOAD-{n:04d}"}
        ok(client.post("/api/plants/me/deposits", json=deposit, headers=headers))
        tokens.append({"token": headers["Authorization"].split(" ", 1)[1]})
    return {"lot_ids": lot_ids, "plants": tokens}


def prepare(url: str, residents: int, quotes_each: int, collectors: int = 20) -> dict:
    """Migrate, seed, and mint residents (tokens, addresses, unused quotes) and collectors."""
    from sqlalchemy import update

    from api import create_app, migrate
    from api.auth.models import TokenFamily, User
    from api.db import session_scope
    from api.quotes.service import create_quote
    from api.residents.service import create_address
    from api.seed import seed_city
    from api.slots.models import Slot

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"})
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
            token = _token(user.user_id, "resident", family.token_family_id)
            people.append({"token": token, "address_id": address.address_id, "quotes": quotes})
        crew = _collectors(session, collectors)
    market = _market(app, auctions=20, plants=10)
    app.extensions["db_engine"].dispose()
    return {"people": people, "collectors": crew, **market}


def settle(url: str) -> None:
    """After seeding: statistics for the planner and the seed's dirty pages written out, so
    that neither an auto-analyze nor a checkpoint lands in the middle of a measurement."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))
    engine.dispose()


def start_gunicorn(
    url: str, port: int, workers: int, threads: int, gc_probe: dict | None = None
) -> subprocess.Popen:
    """Serve the app with gunicorn on 127.0.0.1 and wait for /api/health; with ``gc_probe``
    (``dir``, ``freeze``) through ``benchmarks/gc_probe.py``, which times the collector."""
    env = dict(os.environ, DATABASE_URL=url, RATELIMIT_ENABLED="false")
    env.pop("REDIS_URL", None)
    app = "api.wsgi:app"
    if gc_probe is not None:
        app = "benchmarks.gc_probe:app"  # a namespace package from the repository's root
        env.update(GC_PROBE_DIR=gc_probe["dir"], GC_PROBE_FREEZE="1" if gc_probe["freeze"] else "0")
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
        app,
    ]
    # The app's JSON request logs are written as in production, to a file instead of
    # this script's output.
    log = open(Path(tempfile.gettempdir()) / f"load-gunicorn-{port}.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    log.close()
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
    """One keep-alive connection per thread; remembers the bookings it created."""

    created: list[int] = []  # shared across threads: ids of bookings to claim

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> int:
        if path == CLAIM_NEXT:
            try:
                path = f"/api/jobs/{Client.created.pop(0)}/claim"
            except IndexError:  # nothing booked yet: look at the feed instead
                path, method = "/api/jobs/feed?page_size=20", "GET"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if method == "POST":  # as the mobile client does: every write can be retried safely
            headers["Idempotency-Key"] = str(uuid.uuid4())
        data = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 599
        if method == "POST" and path == "/api/bookings" and response.status == 201:
            Client.created.append(json.loads(payload)["booking_id"])
        return response.status


CLAIM_NEXT = "claim-next"  # placeholder path: claim the oldest booking created so far


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


def mixed_requests(data: dict, slot_id: int):
    """An endless, seeded mix of what phones do most: residents book and look, collectors
    read the feed and claim, plants raise their maximum bids (sent concurrently, so some
    arrive after a higher one and are refused as too low, as at a real close)."""
    people, collectors, plants = data["people"], data["collectors"], data["plants"]
    rng = random.Random(7)
    day = time.strftime("%Y-%m-%d")
    next_max = dict.fromkeys(data["lot_ids"], 20_000)
    while True:
        person = rng.choice(people)
        roll = rng.random()
        if roll < 0.22:
            yield "GET", "/api/bookings?page_size=10", person["token"], None
        elif roll < 0.4:
            yield "GET", f"/api/slots?zone=xuhui-s&date={day}", person["token"], None
        elif roll < 0.55:
            yield "GET", "/api/materials", person["token"], None
        elif roll < 0.7:
            yield "GET", "/api/jobs/feed?page_size=20", rng.choice(collectors)["token"], None
        elif roll < 0.75:
            yield "POST", CLAIM_NEXT, rng.choice(collectors)["token"], None
        elif roll < 0.8:
            lot_id = rng.choice(data["lot_ids"])
            next_max[lot_id] += 50_000
            body = {"max_amount_cents": next_max[lot_id]}
            yield "POST", f"/api/lots/{lot_id}/bids", rng.choice(plants)["token"], body
        else:
            body = booking_body(person, slot_id)
            if body is None:
                yield "GET", "/api/materials", person["token"], None
            else:
                yield "POST", "/api/bookings", person["token"], body


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (``/proc/<pid>/stat``), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid: int) -> dict:
    """CPU seconds so far of the app (gunicorn and its workers), PostgreSQL (every
    ``postgres`` process) and this load generator, to say where a run's CPU went."""
    app = postgres = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if name.startswith("postgres"):
            postgres += _cpu_seconds(int(entry.name))
        elif int(entry.name) == server_pid or parent == server_pid:
            app += _cpu_seconds(int(entry.name))
    usage = os.times()
    return {"app": app, "postgres": postgres, "generator": usage.user + usage.system}


def machine_ticks() -> tuple[int, int]:
    """(all, stolen) CPU ticks of the machine so far (``/proc/stat``): on a virtual machine,
    time the hypervisor gave to another guest shows as stolen."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[7]


def cpu_used(before: dict, after: dict, wall: float, requests: int) -> dict:
    """Cores used over ``wall`` seconds and CPU milliseconds per request, by consumer."""
    used = {k: after[k] - before[k] for k in before}
    return {
        "cores_used": {k: round(v / wall, 2) for k, v in used.items()},
        "cpu_ms_per_request": {k: round(1000 * v / max(1, requests), 2) for k, v in used.items()},
    }


class Sampler(threading.Thread):
    """Every 0.1 s during a run: the machine's CPU ticks (``/proc/stat``) and, with a
    database URL, what PostgreSQL's active client backends are waiting on
    (``pg_stat_activity``), so a second full of slow requests can be told apart: the
    generator late (its own stall), the CPU saturated or stolen, the disk, or a lock."""

    def __init__(self, start: float, url: str | None) -> None:
        super().__init__(daemon=True)
        self.start_at, self.url = start, url
        self.ticks: dict[int, list[list[int]]] = {}
        self.waits: dict[int, dict[str, int]] = {}
        self.done = threading.Event()

    def run(self) -> None:
        conn = None
        if self.url:
            import psycopg

            conn = psycopg.connect(self.url.replace("+psycopg", ""), autocommit=True)
        query = (
            "select coalesce(wait_event_type || ':' || wait_event, 'CPU')"
            " from pg_stat_activity where backend_type = 'client backend'"
            " and state = 'active' and pid <> pg_backend_pid()"
        )
        try:
            while not self.done.wait(0.1):
                second = int(time.perf_counter() - self.start_at)
                line = Path("/proc/stat").read_text().split("\n", 1)[0]
                self.ticks.setdefault(second, []).append([int(v) for v in line.split()[1:9]])
                if conn is not None:
                    counts = self.waits.setdefault(second, {})
                    for (event,) in conn.execute(query):
                        counts[event] = counts.get(event, 0) + 1
        finally:
            if conn is not None:
                conn.close()

    def second(self, second: int) -> dict:
        """CPU shares over the second (from its first sample to the next second's) and the
        backends' waits sampled in it."""
        first = self.ticks.get(second, [None])[0]
        after = (self.ticks.get(second + 1) or self.ticks.get(second) or [None])[0]
        if first is None or after is None or after == first:
            return {}
        delta = [b - a for a, b in zip(first, after, strict=True)]
        total = max(1, sum(delta))
        waits = sorted(self.waits.get(second, {}).items(), key=lambda kv: -kv[1])
        return {
            "cpu_busy_pct": round(100 * (total - delta[3] - delta[4]) / total),
            "iowait_pct": round(100 * delta[4] / total),
            "steal_pct": round(100 * delta[7] / total),
            "pg_active_by_wait": dict(waits[:4]),
        }


def run_open_loop(
    port: int, requests, rate: float, duration: float, url: str | None = None
) -> dict:
    """Send at ``rate`` per second for ``duration`` s; latency from the scheduled time.
    With ``url`` (the app's database) the slowest seconds also say what PostgreSQL's
    backends were waiting on."""
    client = Client(port)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    total = int(rate * duration)
    start = time.perf_counter() + 0.2

    by_kind: dict[str, list[float]] = {}
    by_second: dict[int, list[float]] = {}
    late_by_second: dict[int, float] = {}
    sampler = Sampler(start, url)
    sampler.start()

    def fire(index: int, method: str, path: str, token: str, body) -> None:
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        late = time.perf_counter() - scheduled  # the generator's own lateness in sending
        second = int(index / rate)
        status = client.call(method, path, token, body)
        elapsed = time.perf_counter() - scheduled
        kind = "POST claim" if path == CLAIM_NEXT else f"{method} {path.split('?')[0]}"
        kind = "POST bid" if path.endswith("/bids") else kind
        with lock:
            latencies.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
            by_second.setdefault(second, []).append(elapsed)
            late_by_second[second] = max(late, late_by_second.get(second, 0.0))
            statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(max_workers=64) as pool:
        for index in range(total):
            method, path, token, body = next(requests)
            pool.submit(fire, index, method, path, token, body)
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    summary = summarise(latencies, statuses, wall)
    summary["p99_ms_by_kind"] = {
        kind: round(1000 * sorted(values)[min(len(values) - 1, int(0.99 * len(values)))], 1)
        for kind, values in sorted(by_kind.items())
    }
    # Whether the slow requests are spread out (saturation) or bunched in a few seconds (a
    # stall: a collector pause, a checkpoint, the host): the seconds with the most of them.
    slow = summary["p99_ms"] / 1000
    bunches = sorted(
        ((sum(v > slow for v in values), second) for second, values in by_second.items()),
        reverse=True,
    )
    summary["seconds_with_most_requests_over_p99"] = [
        {
            "second": second,
            "over_p99": count,
            "send_late_max_ms": round(1000 * late_by_second.get(second, 0.0), 1),
            **sampler.second(second),
        }
        for count, second in bunches[:3]
        if count
    ]
    return summary


def gc_pauses(probe: dict) -> dict:
    """The collector's pauses by worker and generation during the mixed scenario."""
    workers = [json.loads(p.read_text()) for p in sorted(Path(probe["dir"]).glob("*.json"))]
    return {"gc_freeze": probe["freeze"], "by_worker": workers}


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


def count_statements(url: str, data: dict, slot_id: int) -> dict:
    """SQL statements per request of each kind in the mix (in-process test client)."""
    from sqlalchemy import event

    from api import create_app

    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    seen: list[str] = []
    event.listen(app.extensions["db_engine"], "before_cursor_execute", lambda *a: seen.append(a[2]))
    people, collectors = data["people"], data["collectors"]
    person, collector = people[-1], collectors[-1]
    amounts = iter(range(10_000_000, 20_000_000, 100_000))
    day = time.strftime("%Y-%m-%d")

    def book(key: str | None = None):
        donor = next(p for p in reversed(people) if p["quotes"])
        headers = {**auth(donor), **({"Idempotency-Key": key} if key else {})}
        return client.post("/api/bookings", json=booking_body(donor, slot_id), headers=headers)

    calls = {
        "GET /api/bookings": lambda: client.get("/api/bookings?page_size=10", headers=auth(person)),
        "GET /api/slots": lambda: client.get(
            f"/api/slots?zone=xuhui-s&date={day}", headers=auth(person)
        ),
        "GET /api/materials": lambda: client.get("/api/materials", headers=auth(person)),
        "POST /api/bookings": book,
        "POST /api/bookings (Idempotency-Key)": lambda: book(str(uuid.uuid4())),
        "GET /api/jobs/feed": lambda: client.get(
            "/api/jobs/feed?page_size=20", headers=auth(collector)
        ),
    }

    def claim():
        booking_id = book().get_json()["booking_id"]
        seen.clear()  # count the claim alone, not the booking made for it
        return client.post(f"/api/jobs/{booking_id}/claim", headers=auth(collector))

    calls["POST claim"] = claim
    calls["POST bid"] = lambda: client.post(
        f"/api/lots/{data['lot_ids'][0]}/bids",
        json={"max_amount_cents": next(amounts)},
        headers={**auth(data["plants"][0]), "Idempotency-Key": str(uuid.uuid4())},
    )
    counts = {}
    for kind, call in calls.items():
        call()  # warm: the first request of a process loads more
        seen.clear()
        call()
        counts[kind] = len(seen)
    app.extensions["db_engine"].dispose()
    return counts


def auth(person: dict) -> dict:
    """The bearer header of a resident or collector."""
    return {"Authorization": f"Bearer {person['token']}"}


def run_booking_throughput(
    port: int, people: list[dict], slot_id: int, duration: float, strict: bool = True
) -> dict:
    """Closed loop: PHONES phones creating bookings back to back for ``duration`` seconds
    (``strict``: refuse a result where the phones ran out of quotes before the end)."""
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

    chunks = [people[i::PHONES] for i in range(PHONES)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        list(pool.map(phone, [c for c in chunks if c]))
    wall = time.perf_counter() - started
    if strict and wall < duration * 0.95:
        raise RuntimeError(f"the phones ran out of quotes after {wall:.1f} s: seed more")
    return {
        "bookings_created": counts["ok"],
        "errors": counts["other"],
        "bookings_per_s": round(counts["ok"] / wall, 1),
    }


def run_pgbench(duration: int, database: str) -> dict:
    """pgbench TPC-B-like at scale 10 with PHONES clients (as the booking loop), 2 threads."""
    recreate_database(database)
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(
        ["pgbench", *base, "-i", "-q", "-s", "10", database],
        check=True,
        capture_output=True,
    )
    run = ["pgbench", *base, "-c", str(PHONES), "-j", "2", "-T", str(duration), database]
    out = subprocess.run(run, check=True, capture_output=True, text=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    return {"pgbench_tps": round(tps, 1), "clients": PHONES, "scale": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database", default="recycle_load", help="scratch database (dropped and created)"
    )
    parser.add_argument("--smoke", action="store_true", help="a few seconds, for CI")
    parser.add_argument(
        "--mixed-only", action="store_true", help="only the mixed scenario (to compare settings)"
    )
    parser.add_argument(
        "--gc-probe",
        action="store_true",
        help="time the garbage collector's pauses in each worker during the mixed scenario",
    )
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="with --gc-probe: serve without api.wsgi's gc.freeze (to compare)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.rate, args.duration = 20.0, 3.0
    residents = 40 if args.smoke else 200
    url = recreate_database(args.database)
    data = prepare(url, residents, quotes_each=3 if args.smoke else 60)
    probe = None
    if args.gc_probe:
        probe = {"dir": tempfile.mkdtemp(prefix="gc-probe-"), "freeze": not args.no_gc_freeze}
    server = start_gunicorn(url, args.port, args.workers, args.threads, probe)
    try:
        slot_id = tomorrow_slot(args.port, data["people"][0]["token"])
        requests = mixed_requests(data, slot_id)
        # Warm-up, not counted: every worker connects, compiles and prepares its statements.
        run_open_loop(args.port, requests, args.rate, 1 if args.smoke else 5)
        settle(url)
        # Not counted either: after the forced checkpoint each page's first change writes the
        # whole page to the WAL (pg_stat_wal: 77-144 such pages a second, WAL ~5x its steady
        # rate, for 2-4 s), and in one run the first two seconds held all of the slowest 1 %.
        run_open_loop(args.port, requests, args.rate, 1 if args.smoke else 3)
        load_at_start = round(os.getloadavg()[0], 2)
        ticks = machine_ticks()
        measuring = Path(probe["dir"]) / "measuring" if probe else None
        if measuring:
            measuring.touch()
        before, started = cpu_snapshot(server.pid), time.perf_counter()
        mixed = run_open_loop(args.port, requests, args.rate, args.duration, url)
        if measuring:
            measuring.unlink()
        ticks = [b - a for a, b in zip(ticks, machine_ticks(), strict=True)]
        mixed["steal_pct"] = round(100 * ticks[1] / max(1, ticks[0]), 1)
        wall = time.perf_counter() - started
        mixed.update(cpu_used(before, cpu_snapshot(server.pid), wall, mixed["requests"]))
        mixed["load_avg_1m_at_start"] = load_at_start
        print(json.dumps({"scenario": "mixed", "target_rps": args.rate, **mixed}))
        if probe:
            print(json.dumps({"scenario": "gc_pauses", **gc_pauses(probe)}))
        if args.mixed_only:
            return
        statements = count_statements(url, data, slot_id)
        print(json.dumps({"scenario": "statements_per_request", **statements}))
        before, started = cpu_snapshot(server.pid), time.perf_counter()
        bookings = run_booking_throughput(
            args.port, data["people"], slot_id, min(args.duration, 20), strict=not args.smoke
        )
        wall = time.perf_counter() - started
        bookings.update(
            cpu_used(before, cpu_snapshot(server.pid), wall, bookings["bookings_created"])
        )
        print(json.dumps({"scenario": "bookings", **bookings}))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    time.sleep(0 if args.smoke else 10)  # let the app's last writes settle before pgbench
    pgbench = run_pgbench(3 if args.smoke else 20, f"{args.database}_pgbench")
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
