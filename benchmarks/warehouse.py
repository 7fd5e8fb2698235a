"""Warehouse build at scale: a year of pickups and auctions, full build then a one-day increment.

    .venv/bin/python benchmarks/warehouse.py            # 1,000,000 pickups, 100,000 lots
    .venv/bin/python benchmarks/warehouse.py --smoke    # CI: 10,000 pickups, 1,000 lots

Generates the operational data straight into a SQLite file (bulk inserts through sqlite3,
not the API: the point is the warehouse, not the booking path), then times
``build_warehouse`` in full and again after one more day of pickups, lots and bids plus
corrections inside the look-back window. Prints one JSON line with the figures: per build the
wall seconds of extract-load and dbt, the CPU seconds of each (this process, all threads:
comparable when the machine is busy), the load average and the five slowest dbt nodes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine  # noqa: E402

from api import models  # noqa: E402, F401
from api.db import Base  # noqa: E402
from warehouse.build import build_warehouse  # noqa: E402

DAYS = 365
ZONES = 50
MATERIALS = [  # (code, group, unit, grades, cents per kg or piece)
    ("cardboard", "paper", "kg", ("A", "B"), 140),
    ("newspaper", "paper", "kg", ("A",), 160),
    ("pet", "plastic", "kg", ("clear", "coloured"), 220),
    ("hdpe", "plastic", "kg", ("natural", "mixed"), 260),
    ("ferrous", "metal", "kg", ("heavy", "light"), 180),
    ("aluminium", "metal", "kg", ("cans",), 900),
    ("copper", "metal", "kg", ("bright",), 5200),
    ("textiles", "textile", "kg", ("A",), 40),
    ("glass", "glass", "kg", ("mixed",), 10),
    ("fridge", "e_waste", "piece", ("working", "broken"), 3000),
]


def ts(moment: datetime) -> str:
    """SQLAlchemy's SQLite text form of a naive-UTC datetime."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


class Generator:
    """Writes rows straight into the operational SQLite file; fills NOT NULL columns it skips."""

    def __init__(self, path: Path, pickups: int, lots: int, seed: int) -> None:
        self.path = path
        self.pickups_per_day = max(1, pickups // DAYS)
        self.lots_per_day = max(1, lots // DAYS)
        self.rng = random.Random(seed)
        self.residents = max(100, pickups // 5)
        self.collectors = max(20, pickups // 500)
        self.stations = 20
        self.plants = 200
        self.start = datetime(2026, 11, 24) - timedelta(days=DAYS)
        self.ids: dict[str, int] = {}
        self.manifests: list[tuple] = []
        self.manifest_lines: list[tuple] = []
        engine = create_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        engine.dispose()
        self.db = sqlite3.connect(path)
        self.db.execute("pragma journal_mode = wal")
        self.db.execute("pragma synchronous = off")
        self.db.execute("pragma foreign_keys = off")

    def insert(self, table: str, columns: list[str], rows) -> None:
        """Bulk insert, appending a constant for every NOT NULL column not given."""
        info = self.db.execute(f"pragma table_info({table})").fetchall()
        extra = [(c[1], self._filler(c[2])) for c in info if c[3] and c[1] not in columns]
        names = columns + [name for name, _ in extra]
        constants = tuple(value for _, value in extra)
        marks = ", ".join("?" * len(names))
        sql = f"insert into {table} ({', '.join(names)}) values ({marks})"
        self.db.executemany(sql, (row + constants for row in rows))

    @staticmethod
    def _filler(sql_type: str) -> object:
        sql_type = sql_type.upper()
        if "INT" in sql_type or "BOOL" in sql_type or "FLOAT" in sql_type or "REAL" in sql_type:
            return 0
        if "DATETIME" in sql_type or "TIMESTAMP" in sql_type:
            return "2025-01-01 00:00:00.000000"
        if "DATE" in sql_type:
            return "2025-01-01"
        if "JSON" in sql_type:
            return "[]"
        return "x"

    def _role(self, user_id: int) -> str:
        if user_id <= self.residents:
            return "resident"
        return "collector" if user_id <= self.residents + self.collectors else "plant"

    def manifest(self, kind: str, at: str, zone: int, lines: list[tuple], stamp: str) -> None:
        """A confirmed hand-over with (material index, sender grams, receiver grams) lines."""
        manifest_id = self.next_id("manifests")
        self.manifests.append(
            (
                manifest_id,
                kind,
                "batch",
                manifest_id,
                "confirmed",
                "a",
                1,
                "r",
                "b",
                2,
                "r",
                at,
                "zone",
                "cell",
                f"z{zone}",
                "h",
                stamp,
                stamp,
            )
        )
        for m, sent, received in lines:
            self.manifest_lines.append(
                (
                    self.next_id("manifest_lines"),
                    manifest_id,
                    MATERIALS[m][0],
                    MATERIALS[m][3][0],
                    sent,
                    received,
                )
            )

    def flush_manifests(self) -> None:
        """Insert the manifests collected so far."""
        self.insert(
            "manifests",
            [
                "manifest_id",
                "kind",
                "subject_type",
                "subject_id",
                "status",
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
                "content_hash",
                "created_at",
                "updated_at",
            ],
            self.manifests,
        )
        self.insert(
            "manifest_lines",
            [
                "manifest_line_id",
                "manifest_id",
                "material_code",
                "grade",
                "sender_grams",
                "receiver_grams",
            ],
            self.manifest_lines,
        )
        self.manifests, self.manifest_lines = [], []

    def next_id(self, table: str, count: int = 1) -> int:
        """The first of ``count`` new ids for ``table``."""
        first = self.ids.get(table, 0) + 1
        self.ids[table] = first + count - 1
        return first

    def reference_data(self) -> None:
        """Zones, materials, residents with addresses, collectors, stations, plants."""
        t0 = ts(self.start)
        self.insert(
            "zones",
            ["zone_id", "code", "name", "polygon", "is_active", "created_at", "updated_at"],
            ((z, f"z{z}", f"Zone {z}", "[]", 1, t0, t0) for z in range(1, ZONES + 1)),
        )
        self.insert(
            "materials",
            [
                "material_id",
                "code",
                "category",
                "name_en",
                "name_zh",
                "unit",
                "grades",
                "is_active",
                "created_at",
                "updated_at",
            ],
            (
                (i, code, group, code, code, unit, json.dumps(list(grades)), 1, t0, t0)
                for i, (code, group, unit, grades, _) in enumerate(MATERIALS, 1)
            ),
        )
        users = self.residents + self.collectors + self.plants
        self.insert(
            "users",
            ["user_id", "phone", "role", "is_active", "created_at", "updated_at"],
            ((u, f"+86138{u:08d}", self._role(u), 1, t0, t0) for u in range(1, users + 1)),
        )
        self.ids["users"] = users
        rng = self.rng
        self.insert(
            "addresses",
            [
                "address_id",
                "resident_id",
                "zone_id",
                "latitude",
                "longitude",
                "text",
                "is_default",
                "created_at",
                "updated_at",
            ],
            (
                (
                    a,
                    a,
                    1 + a % ZONES,
                    31.1 + rng.random() * 0.2,
                    121.3 + rng.random() * 0.2,
                    "Lane 1",
                    1,
                    t0,
                    t0,
                )
                for a in range(1, self.residents + 1)
            ),
        )
        self.insert(
            "collectors",
            [
                "collector_id",
                "user_id",
                "full_name",
                "vehicle_type",
                "payload_grams",
                "status",
                "approved_at",
                "created_at",
                "updated_at",
            ],
            (
                (
                    c,
                    self.residents + c,
                    "Bench Collector",
                    "tricycle",
                    300_000,
                    "approved",
                    ts(self.start + timedelta(days=rng.randrange(0, 200))),
                    t0,
                    t0,
                )
                for c in range(1, self.collectors + 1)
            ),
        )
        self.insert(
            "stations",
            [
                "station_id",
                "code",
                "name",
                "zone_id",
                "latitude",
                "longitude",
                "is_active",
                "created_at",
                "updated_at",
            ],
            (
                (s, f"s{s}", f"Station {s}", 1 + s % ZONES, 31.2, 121.4, 1, t0, t0)
                for s in range(1, self.stations + 1)
            ),
        )
        first_plant_user = self.residents + self.collectors
        self.insert(
            "plants",
            [
                "plant_id",
                "owner_user_id",
                "company_name",
                "licence_number",
                "status",
                "created_at",
                "updated_at",
            ],
            (
                (p, first_plant_user + p, f"Plant {p}", f"L{p}", "approved", t0, t0)
                for p in range(1, self.plants + 1)
            ),
        )
        self.insert(
            "ledger_accounts",
            ["account_id", "kind", "owner_user_id", "currency", "created_at"],
            (
                (c, "collector_account", self.residents + c, "CNY", t0)
                for c in range(1, self.collectors + 1)
            ),
        )
        self.db.commit()

    def day(self, day: int, updated: datetime | None = None) -> None:
        """One day of slots, bookings with quotes and weighings, deliveries, lots and bids."""
        rng = self.rng
        midnight = self.start + timedelta(days=day)
        stamp = ts(updated or midnight + timedelta(hours=20))
        slot0 = self.next_id("slots", ZONES * 4)
        self.insert(
            "slots",
            [
                "slot_id",
                "zone_id",
                "starts_at",
                "ends_at",
                "cutoff_at",
                "capacity",
                "booked_count",
                "created_at",
                "updated_at",
            ],
            (
                (
                    slot0 + i,
                    1 + i // 4,
                    ts(midnight + timedelta(hours=1 + 2 * (i % 4))),
                    ts(midnight + timedelta(hours=3 + 2 * (i % 4))),
                    ts(midnight),
                    500,
                    0,
                    stamp,
                    stamp,
                )
                for i in range(ZONES * 4)
            ),
        )
        n = self.pickups_per_day
        bookings, quotes, items, lines, weighings, wlines = [], [], [], [], [], []
        b0, w0 = self.next_id("bookings", n), self.next_id("weighings", n)
        for i in range(n):
            booking_id, resident = b0 + i, rng.randrange(1, self.residents + 1)
            zone = 1 + resident % ZONES
            slot = slot0 + (zone - 1) * 4 + rng.randrange(4)
            collector = rng.randrange(1, self.collectors + 1)
            status = rng.choices(("completed", "no_show", "cancelled"), (92, 3, 5))[0]
            quote_id = f"q{booking_id}"
            quotes.append(
                (quote_id, resident, resident, zone, midnight.date().isoformat(), 0, stamp, stamp)
            )
            bookings.append(
                (
                    booking_id,
                    resident,
                    resident,
                    zone,
                    slot,
                    quote_id,
                    status,
                    collector,
                    stamp,
                    stamp,
                )
            )
            picked = rng.sample(range(len(MATERIALS)), rng.choice((1, 1, 2)))
            weighed_at = ts(midnight + timedelta(hours=2 + rng.random() * 8))
            if status == "completed":
                weighings.append(
                    (w0 + i, booking_id, collector, weighed_at, 0, 0, 0, "accepted", stamp, stamp)
                )
            pickup_lines = []
            for m in picked:
                code, _, unit, grades, price = MATERIALS[m]
                grade = rng.choice(grades)
                qty = rng.randrange(1000, 20000) if unit == "kg" else 1
                unit_price = int(price * rng.uniform(0.9, 1.1))
                line_id = self.next_id("lines")
                quotes_line = (
                    line_id,
                    quote_id,
                    m + 1,
                    code,
                    grade,
                    unit,
                    qty,
                    unit_price,
                    unit_price * qty // 1000,
                    1,
                    "2025-01-01",
                )
                lines.append(quotes_line)
                items.append((line_id, booking_id, m + 1, code, grade, unit, qty))
                if status == "completed":
                    net = int(qty * rng.uniform(0.85, 1.05)) if unit == "kg" else None
                    amount = unit_price * (net // 1000 if net else 1)
                    wlines.append(
                        (
                            line_id,
                            w0 + i,
                            m + 1,
                            code,
                            grade,
                            unit,
                            net,
                            net,
                            None if net else 1,
                            unit_price,
                            amount,
                            f"T{line_id}",
                            0,
                        )
                    )
                    pickup_lines.append((m, net, net))
            if pickup_lines:
                self.manifest("pickup", weighed_at, zone, pickup_lines, stamp)
        self.insert(
            "quotes",
            [
                "quote_id",
                "resident_id",
                "address_id",
                "zone_id",
                "quoted_on",
                "estimated_total_cents",
                "created_at",
                "expires_at",
            ],
            quotes,
        )
        self.insert(
            "bookings",
            [
                "booking_id",
                "resident_id",
                "address_id",
                "zone_id",
                "slot_id",
                "quote_id",
                "status",
                "collector_id",
                "created_at",
                "updated_at",
            ],
            bookings,
        )
        self.insert(
            "quote_lines",
            [
                "quote_line_id",
                "quote_id",
                "material_id",
                "material_code",
                "grade",
                "unit",
                "quantity",
                "unit_price_cents",
                "estimated_amount_cents",
                "tariff_version",
                "tariff_valid_from",
            ],
            lines,
        )
        self.insert(
            "booking_items",
            [
                "booking_item_id",
                "booking_id",
                "material_id",
                "material_code",
                "grade",
                "unit",
                "estimated_quantity",
            ],
            items,
        )
        self.insert(
            "weighings",
            [
                "weighing_id",
                "booking_id",
                "collector_id",
                "weighed_at",
                "quoted_total_cents",
                "goods_cents",
                "total_cents",
                "status",
                "created_at",
                "updated_at",
            ],
            weighings,
        )
        self.insert(
            "weighing_lines",
            [
                "weighing_line_id",
                "weighing_id",
                "material_id",
                "material_code",
                "grade",
                "unit",
                "gross_grams",
                "net_grams",
                "pieces",
                "unit_price_cents",
                "amount_cents",
                "tag_code",
                "is_void",
            ],
            wlines,
        )
        self._deliveries(day, midnight, stamp)
        self._auctions(midnight, stamp)
        self.flush_manifests()

    def _deliveries(self, day: int, midnight: datetime, stamp: str) -> None:
        """A third of the collectors deliver each day; the ledger credits them."""
        rng = self.rng
        deliveries, dlines, txs, entries = [], [], [], []
        for collector in range(1 + day % 3, self.collectors + 1, 3):
            delivery_id = self.next_id("station_deliveries")
            at = ts(midnight + timedelta(hours=12 + rng.random() * 6))
            deliveries.append(
                (
                    delivery_id,
                    1 + collector % self.stations,
                    collector,
                    self.residents + collector,
                    at,
                    "received",
                    stamp,
                    stamp,
                )
            )
            cents, handed = 0, []
            for m in rng.sample(range(9), 2):
                grams = rng.randrange(20_000, 200_000)
                cents += grams * MATERIALS[m][4] // 1000
                dlines.append(
                    (
                        self.next_id("delivery_lines"),
                        delivery_id,
                        m + 1,
                        MATERIALS[m][0],
                        MATERIALS[m][3][0],
                        grams,
                        "[]",
                    )
                )
                handed.append((m, int(grams * rng.uniform(1.0, 1.03)), grams))
            self.manifest("dropoff", at, 1 + collector % ZONES, handed, stamp)
            tx = self.next_id("ledger_transactions")
            txs.append((tx, "station_purchase", f"d{delivery_id}", at))
            entries.append((self.next_id("ledger_entries"), tx, collector, cents // 5, at))
        self.insert(
            "station_deliveries",
            [
                "station_delivery_id",
                "station_id",
                "collector_id",
                "received_by_user_id",
                "received_at",
                "status",
                "created_at",
                "updated_at",
            ],
            deliveries,
        )
        self.insert(
            "station_delivery_lines",
            [
                "station_delivery_line_id",
                "station_delivery_id",
                "material_id",
                "material_code",
                "grade",
                "net_grams",
                "tag_codes",
            ],
            dlines,
        )
        self.insert(
            "ledger_transactions", ["transaction_id", "kind", "reference", "created_at"], txs
        )
        self.insert(
            "ledger_entries",
            ["entry_id", "transaction_id", "account_id", "amount_cents", "created_at"],
            entries,
        )

    def _auctions(self, midnight: datetime, stamp: str) -> None:
        """Lots made at stations, one auction each, with 1-12 bids (a few late)."""
        rng = self.rng
        lots, auctions, bids = [], [], []
        for _ in range(self.lots_per_day):
            lot_id = self.next_id("lots")
            m = rng.randrange(9)
            code, _, _, grades, price = MATERIALS[m]
            grams = rng.randrange(500_000, 5_000_000)
            reserve = grams * price * 2 // 1000
            station = 1 + lot_id % self.stations
            lots.append((lot_id, station, m + 1, code, grades[0], grams, "open", stamp, stamp))
            ends = midnight + timedelta(hours=10)
            best, winner, extensions = 0, None, 0
            for seq in range(1, rng.randrange(1, 14)):
                plant = rng.randrange(1, self.plants + 1)
                amount = int(reserve * rng.uniform(0.9, 1.4))
                placed = ends - timedelta(seconds=rng.randrange(-120, 7200))
                extensions += placed > ends
                if amount > best:
                    best, winner = amount, plant
                bids.append((self.next_id("bids"), lot_id, seq, plant, amount, ts(placed)))
            sold = best >= reserve
            auctions.append(
                (
                    lot_id,
                    lot_id,
                    "english",
                    "paid" if sold else "unsold",
                    reserve // 2,
                    reserve,
                    ts(ends - timedelta(days=1)),
                    ts(ends),
                    ts(ends + timedelta(seconds=60 * extensions)),
                    extensions,
                    reserve // 2,
                    best if sold else None,
                    winner if sold else None,
                    stamp,
                    stamp,
                )
            )
            if sold:
                at = ts(ends + timedelta(days=1))
                self.manifest("lot_handover", at, 1 + station % ZONES, [(m, grams, grams)], stamp)
                received = int(grams * rng.uniform(0.97, 1.0))
                self.manifest(
                    "plant_receipt", at, 1 + station % ZONES, [(m, grams, received)], stamp
                )
        self.insert(
            "lots",
            [
                "lot_id",
                "station_id",
                "material_id",
                "material_code",
                "grade",
                "net_grams",
                "status",
                "created_at",
                "updated_at",
            ],
            lots,
        )
        self.insert(
            "auctions",
            [
                "auction_id",
                "lot_id",
                "kind",
                "status",
                "start_price_cents",
                "reserve_cents",
                "starts_at",
                "scheduled_end_at",
                "ends_at",
                "extension_count",
                "current_price_cents",
                "clearing_price_cents",
                "award_plant_id",
                "created_at",
                "updated_at",
            ],
            auctions,
        )
        self.insert(
            "auction_bids",
            ["bid_id", "auction_id", "seq", "plant_id", "max_amount_cents", "placed_at"],
            bids,
        )

    def correct_recent(self, count: int, at: datetime) -> None:
        """Late corrections: cancel some bookings of the last two days (inside the look-back)."""
        first = self.ids["bookings"] - 2 * self.pickups_per_day
        self.db.execute(
            "update bookings set status = 'cancelled', updated_at = ? "
            "where booking_id in (select booking_id from bookings where booking_id > ? limit ?)",
            (ts(at), first, count),
        )


def machine() -> str:
    """The CPU model (as lscpu prints it) and the number of CPUs."""
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs"


def generate(workdir: Path, args: argparse.Namespace) -> tuple[Path, dict, float]:
    """The pristine operational database (reused with --reuse when the sizes match)."""
    base, meta = workdir / "operational.base.sqlite3", workdir / "operational.base.json"
    wanted = {"pickups": args.pickups, "lots": args.lots, "seed": args.seed}
    if args.reuse and base.exists() and meta.exists():
        saved = json.loads(meta.read_text())
        if saved["params"] == wanted:
            return base, saved["ids"], 0.0
    for path in (base, meta):
        path.unlink(missing_ok=True)
    started = time.monotonic()
    gen = Generator(base, args.pickups, args.lots, args.seed)
    gen.reference_data()
    for day in range(DAYS):
        gen.day(day)
        gen.db.commit()
    gen.db.execute("pragma wal_checkpoint(truncate)")
    gen.db.close()
    meta.write_text(json.dumps({"params": wanted, "ids": gen.ids}))
    return base, gen.ids, time.monotonic() - started


def timed_build(url: str, target: Path, key: str, full: bool) -> dict:
    """One build with its wall and CPU seconds (CPU: this process, all threads)."""
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    load = os.getloadavg()[0]
    result = build_warehouse(url, target, key, full=full)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rows": result.rows_loaded,
        "extract_s": result.extract_seconds,
        "dbt_s": result.dbt_seconds,
        "total_s": round(result.extract_seconds + result.dbt_seconds, 1),
        "cpu_s": round(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime, 1),
        "extract_cpu_s": round(result.extract_cpu_seconds, 1),
        "dbt_cpu_s": round(result.dbt_cpu_seconds, 1),
        "slowest_models": slowest_models(target),
        "load_avg_1m": round(load, 1),
    }


def slowest_models(target: Path, count: int = 5) -> dict[str, float]:
    """The dbt nodes that took longest in the build just run (run_results.json)."""
    path = target.parent / f"{target.name}.dbt" / "target" / "run_results.json"
    if not path.exists():
        return {}
    results = json.loads(path.read_text())["results"]
    timed = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]
    return {r["unique_id"].split(".")[2]: round(r["execution_time"], 2) for r in timed}


def main(argv: list[str] | None = None) -> None:
    """Generate, build in full, add a day, build incrementally; print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pickups", type=int, default=1_000_000)
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="10,000 pickups, 1,000 lots")
    parser.add_argument("--workdir", help="keep the files here (default: a temporary dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse a generated database")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.smoke:
        args.pickups, args.lots = 10_000, 1_000
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="warehouse-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    base, ids, generated = generate(workdir, args)
    source, target = workdir / "operational.sqlite3", workdir / "warehouse.duckdb"
    for path in workdir.glob("warehouse.duckdb*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copyfile(base, source)
    url, key = f"sqlite:///{source}", "benchmark-key-" + "x" * 32
    full = timed_build(url, target, key, full=True)
    gen = Generator(source, args.pickups, args.lots, args.seed + 1)
    gen.ids = dict(ids)
    now = datetime.now(UTC).replace(tzinfo=None)
    gen.day(DAYS, updated=now)
    gen.correct_recent(50, now - timedelta(days=1))
    gen.db.commit()
    gen.db.close()
    increment = timed_build(url, target, key, full=False)
    figures = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "pickups": gen.ids["bookings"],
        "lots": gen.ids["lots"],
        "bids": gen.ids["bids"],
        "generate_s": round(generated, 1),
        "full": full,
        "increment": increment,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
