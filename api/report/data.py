"""The numbers of the report: from the warehouse's marts where they exist, else from the
operational database. The DuckDB file is opened read-only; a missing or failed warehouse
leaves those parts empty (and says so) rather than failing the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auctions.models import Auction
from api.bookings.models import Booking
from api.custody.chain import verify_chain
from api.custody.models import CustodyAlert
from api.jobs.models import Weighing, WeighingLine
from api.ledger.models import LedgerEntry, Payout
from api.lots.models import Lot
from api.materials.models import Material
from api.route_plans.models import RoutePlan
from api.stations.models import Station
from api.zones.models import Zone

STAGES = ("pickup", "dropoff", "lot_handover", "plant_receipt")


@dataclass
class RouteSketch:
    """One zone-day of a stored plan: each used route's stops, the stations, the zone."""

    zone_code: str
    service_date: date
    ring: list
    stations: list[tuple[float, float, str]]
    routes: list[tuple[int, list[tuple[float, float, str]]]]  # (collector id, [(lat, lon, kind)])
    km: float


@dataclass
class AuctionLine:
    """Sold lots of one material: how many and what plants paid per kg."""

    material: str
    sold: int
    kg: float
    low: float
    average: float
    high: float


@dataclass
class ReportData:
    """Everything the summary and the HTML report show."""

    generated_at: datetime
    database_url: str
    warehouse_path: str
    warehouse_ok: bool
    bookings: dict[str, int]
    kg_by_material: dict[str, dict[str, float]]  # material -> stage -> kg
    flows_source: str
    plans: int
    plan_days: list[date]
    route_km: float
    planned_pickups: int
    unassigned_by_reason: dict[str, int]
    sketch: RouteSketch | None
    auctions: dict[str, int]
    auction_lines: list[AuctionLine]
    clearing_source: str
    indices: list[tuple[str, str, str, str, float, bool]]
    credit_scores: list[int]
    credit_bands: dict[str, int]
    band_edges: list[tuple[int, str]]  # (lowest score, band) of each band above the lowest
    thin_files: int
    ledger_sum_cents: int
    ledger_entries: int
    payouts: dict[str, int]
    chain_ok: bool
    chain_events: int
    custody_alerts: int
    notes: list[str] = field(default_factory=list)


def _duckdb(path: str):
    import duckdb

    if not Path(path).exists():
        return None
    try:
        return duckdb.connect(path, read_only=True)
    except duckdb.Error:
        return None


def _rows(con, sql: str) -> list[tuple]:
    if con is None:
        return []
    try:
        return con.execute(sql).fetchall()
    except Exception:  # a mart missing from an older or failed build: show nothing
        return []


def gather(session: Session, *, database_url: str, warehouse_path: str) -> ReportData:
    """Read every figure of the report."""
    con = _duckdb(warehouse_path)
    try:
        return _gather(session, con, database_url, warehouse_path)
    finally:
        if con is not None:
            con.close()


def _gather(session: Session, con, database_url: str, warehouse_path: str) -> ReportData:
    notes: list[str] = []
    kg, flows_source = _flows(session, con)
    plans = _plans(session)
    auctions, lines, clearing_source = _auctions(session, con)
    indices = [
        (s, g, f, p, float(v), bool(pub))
        for s, g, f, p, v, pub in _rows(
            con,
            "select series, material_group, frequency, period, index_value, is_published "
            "from marts.price_indices order by series, material_group, frequency, period",
        )
    ]
    scores = _rows(
        con,
        "select credit_score, score_band, is_thin_file from marts.collector_credit_scores "
        "where is_latest order by credit_score",
    )
    if con is None:
        notes.append("no warehouse: indices and credit scores are missing")
    chain = verify_chain(session)
    return ReportData(
        generated_at=datetime.now().astimezone(),
        database_url=database_url,
        warehouse_path=warehouse_path,
        warehouse_ok=bool(indices or scores),
        bookings=dict(
            session.execute(select(Booking.status, func.count()).group_by(Booking.status))
            .tuples()
            .all()
        ),
        kg_by_material=kg,
        flows_source=flows_source,
        plans=plans["count"],
        plan_days=plans["days"],
        route_km=plans["km"],
        planned_pickups=plans["planned"],
        unassigned_by_reason=plans["unassigned"],
        sketch=_sketch(session),
        auctions=auctions,
        auction_lines=lines,
        clearing_source=clearing_source,
        indices=indices,
        credit_scores=[int(score) for score, _, _ in scores],
        credit_bands=dict(sorted(Counter(band for _, band, _ in scores).items())),
        thin_files=sum(1 for _, _, thin in scores if thin),
        band_edges=[
            (int(low), band)
            for band, low in _rows(
                con, "select score_band, min_score from seeds.credit_score_bands order by 2"
            )
            if int(low) > 0
        ],
        ledger_sum_cents=int(
            session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)))
        ),
        ledger_entries=int(session.scalar(select(func.count()).select_from(LedgerEntry))),
        payouts=dict(
            session.execute(select(Payout.status, func.count()).group_by(Payout.status))
            .tuples()
            .all()
        ),
        chain_ok=chain.ok,
        chain_events=chain.checked,
        custody_alerts=int(session.scalar(select(func.count()).select_from(CustodyAlert))),
        notes=notes,
    )


def _flows(session: Session, con) -> tuple[dict[str, dict[str, float]], str]:
    """Kg per material per custody hand-over (confirmed manifests) from ``material_flows``;
    without a warehouse, the door weighings of completed pickups."""
    rows = _rows(
        con,
        "select material_code, stage, sum(net_grams) from marts.material_flows group by all",
    )
    found: dict[str, dict[str, float]] = {}
    if rows:
        for material, stage, grams in rows:
            found.setdefault(material, {})[stage] = (grams or 0) / 1000
        return found, "warehouse marts.material_flows (confirmed custody manifests)"
    stmt = (
        select(WeighingLine.material_code, func.sum(WeighingLine.net_grams))
        .join(Weighing, Weighing.weighing_id == WeighingLine.weighing_id)
        .join(Booking, Booking.booking_id == Weighing.booking_id)
        .where(Booking.status == "completed", WeighingLine.is_void.is_(False))
        .group_by(WeighingLine.material_code)
    )
    for material, grams in session.execute(stmt):
        found[material] = {"pickup": (grams or 0) / 1000}
    return found, "operational weighing lines (no warehouse)"


def _plans(session: Session) -> dict:
    current = list(session.scalars(select(RoutePlan).where(RoutePlan.status == "current")))
    unassigned: Counter[str] = Counter()
    for plan in current:
        unassigned.update(u["reason"] for u in plan.result.get("unassigned", []))
    return {
        "count": len(current),
        "days": sorted({p.service_date for p in current}),
        "km": sum(p.result["summary"]["distance_m"] for p in current) / 1000,
        "planned": sum(p.pickups_planned for p in current),
        "unassigned": dict(unassigned.most_common()),
    }


def _sketch(session: Session) -> RouteSketch | None:
    """The zone-day with the most planned pickups on the latest planned day before today."""
    plans = list(session.scalars(select(RoutePlan).where(RoutePlan.status == "current")))
    if not plans:
        return None
    today = max(p.service_date for p in plans)
    earlier = [p for p in plans if p.service_date < today] or plans
    latest = max(p.service_date for p in earlier)
    plan = max((p for p in earlier if p.service_date == latest), key=lambda p: p.pickups_planned)
    zone = session.get(Zone, plan.zone_id)
    routes = []
    for route in plan.routes:
        if route.pickup_count == 0:
            continue
        points = [(s["location"]["lat"], s["location"]["lon"], s["kind"]) for s in route.stops]
        routes.append((route.collector_id, points))
    stations = [
        (s.latitude, s.longitude, s.code)
        for s in session.scalars(select(Station).where(Station.is_active.is_(True)))
    ]
    return RouteSketch(
        zone.code,
        plan.service_date,
        zone.polygon,
        stations,
        routes,
        plan.result["summary"]["distance_m"] / 1000,
    )


def _auctions(session: Session, con) -> tuple[dict[str, int], list[AuctionLine], str]:
    counts = dict(
        session.execute(select(Auction.status, func.count()).group_by(Auction.status))
        .tuples()
        .all()
    )
    counts["extended"] = int(
        session.scalar(select(func.count()).select_from(Auction).where(Auction.extension_count > 0))
    )
    counts["with_clearing_price"] = int(
        session.scalar(
            select(func.count())
            .select_from(Auction)
            .where(Auction.clearing_price_cents.is_not(None))
        )
    )
    rows = _rows(
        con,
        "select material_id, count(*), sum(net_grams), min(clearing_price_cents_per_kg), "
        "sum(clearing_price_cents) * 1000.0 / sum(net_grams), max(clearing_price_cents_per_kg) "
        "from marts.lot_auction_results where is_sold group by 1",
    )
    codes = dict(session.execute(select(Material.material_id, Material.code)).tuples().all())
    rows = sorted((codes.get(material_id, str(material_id)), *rest) for material_id, *rest in rows)
    if rows:
        lines = [
            AuctionLine(m, int(n), (g or 0) / 1000, float(lo), float(avg), float(hi))
            for m, n, g, lo, avg, hi in rows
        ]
        return counts, lines, "warehouse marts.lot_auction_results"
    stmt = (
        select(Lot.material_code, Lot.net_grams, Auction.clearing_price_cents)
        .join(Auction, Auction.lot_id == Lot.lot_id)
        .where(Auction.clearing_price_cents.is_not(None), Lot.net_grams > 0)
    )
    by_material: dict[str, list[tuple[int, int]]] = {}
    for material, grams, cents in session.execute(stmt):
        by_material.setdefault(material, []).append((grams, cents))
    lines = []
    for material, sales in sorted(by_material.items()):
        per_kg = [c * 1000 / g for g, c in sales]
        grams = sum(g for g, _ in sales)
        lines.append(
            AuctionLine(
                material,
                len(sales),
                grams / 1000,
                min(per_kg),
                sum(c for _, c in sales) * 1000 / grams,
                max(per_kg),
            )
        )
    return counts, lines, "operational auctions and lots (no warehouse)"
