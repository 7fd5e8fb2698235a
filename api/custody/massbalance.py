"""Mass balance from the manifests: what went in at each hand-over against what came out.

- Collector and local day: the door weights of the bags picked up that day and delivered
  since, against the station's weights of those bags (a station line weighing several bags
  is shared over them by their door weights). Undelivered bags are not in this balance:
  they raise their own ``tag_undelivered`` alert after ``TAG_DELIVERY_HOURS``.
- Station and ISO week: the station's weights of the lots plants received that week against
  the plants' gate weights.

A shortfall within the material's expected loss (moisture, dust: ``CUSTODY_LOSS_BANDS_PCT``,
by material code or category, in percent) is normal; beyond it an alert is raised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.custody.alerts import raise_alert
from api.custody.models import Manifest
from api.materials.models import Material
from api.timeutil import local_day_bounds, to_local

DEFAULT_LOSS_BANDS_PCT = {
    "paper": "8",
    "textile": "6",
    "plastic": "3",
    "glass": "1",
    "metal": "1",
    "e_waste": "0",
    "default": "3",
}
DEFAULT_TAG_DELIVERY_HOURS = 24
# How far back a daily run looks for bags still not delivered.
TAG_LOOKBACK_DAYS = 3


@dataclass(frozen=True)
class Balance:
    """Grams in and out of one party's hands for one material over one period."""

    material: str
    in_grams: int
    out_grams: int
    band_pct: Decimal

    @property
    def shortfall_grams(self) -> int:
        """What went missing (negative: more came out than went in)."""
        return self.in_grams - self.out_grams

    @property
    def shortfall_pct(self) -> Decimal:
        """The shortfall as a percentage of what went in (two decimals)."""
        if self.in_grams <= 0:
            return Decimal(0)
        return (Decimal(self.shortfall_grams) * 100 / self.in_grams).quantize(Decimal("0.01"))

    @property
    def exceeds_band(self) -> bool:
        """More went missing than the material's normal loss explains."""
        return self.in_grams > 0 and self.shortfall_pct > self.band_pct

    def as_dict(self) -> dict:
        """JSON-safe figures (percentages as strings: never floats)."""
        return {
            "material": self.material,
            "in_grams": self.in_grams,
            "out_grams": self.out_grams,
            "shortfall_grams": self.shortfall_grams,
            "shortfall_pct": str(self.shortfall_pct),
            "band_pct": str(self.band_pct),
        }


def loss_band_pct(bands: dict, *, material: str, category: str | None) -> Decimal:
    """The expected loss of a material: its own band, else its category's, else the default."""
    for key in (material, category, "default"):
        if key is not None and key in bands:
            return Decimal(str(bands[key]))
    return Decimal(DEFAULT_LOSS_BANDS_PCT["default"])


def _active(session: Session, kind: str, start: datetime, end: datetime | None = None):
    stmt = select(Manifest).where(
        Manifest.kind == kind, Manifest.status != "void", Manifest.handed_over_at >= start
    )
    if end is not None:
        stmt = stmt.where(Manifest.handed_over_at < end)
    return list(session.scalars(stmt.order_by(Manifest.handed_over_at, Manifest.manifest_id)))


def _door_bags(pickups: list[Manifest]) -> dict[str, tuple[int, str, int]]:
    """tag -> (collector id, material, door grams) for weighed bags."""
    bags = {}
    for manifest in pickups:
        for line in manifest.lines:
            if line.receiver_grams is None:
                continue
            for code in line.tag_codes or []:
                bags[code] = (manifest.receiver_id, line.material_code, line.receiver_grams)
    return bags


def collector_day_balances(
    session: Session, *, day: date, bands: dict, categories: dict
) -> dict[int, list[Balance]]:
    """collector id -> per-material balances of the bags picked up on ``day``."""
    start, end = local_day_bounds(day)
    bags = _door_bags(_active(session, "pickup", start, end))
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for dropoff in _active(session, "dropoff", start):
        for line in dropoff.lines:
            door_total = line.sender_grams or 0
            if not door_total or line.receiver_grams is None:
                continue
            for code in line.tag_codes or []:
                if code not in bags or bags[code][0] != dropoff.sender_id:
                    continue
                collector_id, material, grams = bags[code]
                entry = totals[(collector_id, material)]
                entry[0] += grams
                entry[1] += line.receiver_grams * grams // door_total
    result: dict[int, list[Balance]] = defaultdict(list)
    for (collector_id, material), (in_g, out_g) in sorted(totals.items()):
        band = loss_band_pct(bands, material=material, category=categories.get(material))
        result[collector_id].append(Balance(material, in_g, out_g, band))
    return result


def station_week_balances(
    session: Session, *, day: date, bands: dict, categories: dict
) -> tuple[str, dict[int, list[Balance]]]:
    """(ISO week label, station id -> balances of lots received by plants that week)."""
    monday = day - timedelta(days=day.weekday())
    start = local_day_bounds(monday)[0]
    end = local_day_bounds(monday + timedelta(days=6))[1]
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for receipt in _active(session, "plant_receipt", start, end):
        for line in receipt.lines:
            if line.sender_grams is None or line.receiver_grams is None:
                continue
            entry = totals[(receipt.sender_id, line.material_code)]
            entry[0] += line.sender_grams
            entry[1] += line.receiver_grams
    result: dict[int, list[Balance]] = defaultdict(list)
    for (station_id, material), (in_g, out_g) in sorted(totals.items()):
        band = loss_band_pct(bands, material=material, category=categories.get(material))
        result[station_id].append(Balance(material, in_g, out_g, band))
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", result


def undelivered_bags(
    session: Session, *, day: date, now: datetime, hours: int
) -> list[tuple[str, Manifest]]:
    """(tag, pickup manifest) of bags picked up up to ``day`` and not delivered in time."""
    start = local_day_bounds(day - timedelta(days=TAG_LOOKBACK_DAYS))[0]
    end = min(local_day_bounds(day)[1], now - timedelta(hours=hours))
    if end <= start:
        return []
    delivered = {
        code
        for dropoff in _active(session, "dropoff", start)
        for line in dropoff.lines
        for code in line.tag_codes or []
    }
    late = []
    for pickup in _active(session, "pickup", start, end):
        for line in pickup.lines:
            late.extend((code, pickup) for code in line.tag_codes or [] if code not in delivered)
    return late


def material_categories(session: Session) -> dict[str, str]:
    """material code -> category."""
    return dict(session.execute(select(Material.code, Material.category)).all())


def _raise_shortfalls(session, *, kind, subject_type, period, balances) -> int:
    new = 0
    for subject_id, rows in balances.items():
        over = [b.as_dict() for b in rows if b.exceeds_band]
        if over:
            new += raise_alert(
                session,
                kind=kind,
                subject_type=subject_type,
                subject_id=str(subject_id),
                period=period,
                details={"materials": over},
            )[1]
    return new


def _raise_undelivered(session: Session, *, day: date, now: datetime, hours: int) -> int:
    new = 0
    for code, pickup in undelivered_bags(session, day=day, now=now, hours=hours):
        new += raise_alert(
            session,
            kind="tag_undelivered",
            subject_type="tag",
            subject_id=code,
            period=to_local(pickup.handed_over_at).date().isoformat(),
            details={
                "collector_id": pickup.receiver_id,
                "manifest_id": pickup.manifest_id,
                "picked_up_at": to_local(pickup.handed_over_at).isoformat(),
                "allowed_hours": hours,
            },
        )[1]
    return new


def raise_balance_alerts(
    session: Session, *, day: date, now: datetime, bands: dict, hours: int
) -> int:
    """Raise the shortfall and undelivered-bag alerts for ``day``; returns how many are new."""
    categories = material_categories(session)
    per_collector = collector_day_balances(session, day=day, bands=bands, categories=categories)
    new = _raise_shortfalls(
        session,
        kind="collector_shortfall",
        subject_type="collector",
        period=day.isoformat(),
        balances=per_collector,
    )
    week, per_station = station_week_balances(session, day=day, bands=bands, categories=categories)
    new += _raise_shortfalls(
        session, kind="station_shortfall", subject_type="station", period=week, balances=per_station
    )
    return new + _raise_undelivered(session, day=day, now=now, hours=hours)
