"""Recent clearing prices per kg, the price index built from them, and the default reserve."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auctions.models import Auction
from api.auctions.settings import decimal_setting, setting
from api.lots.models import Lot
from api.materials.models import Material
from api.tariffs.service import active_rates
from api.timeutil import local_today
from pricing import (
    PricingError,
    default_reserve_cents,
    reference_clearing_price,
    select_rate,
    to_cents,
)
from pricing.money import GRAMS_PER_KG


def clearing_prices(
    session: Session, *, since: datetime, material_id: int | None = None, grade: str | None = None
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """``(cents per kg, net grams)`` of lots sold since ``since``, by (material, grade).

    The clearing price is the hammer price at the close (``clearing_price_cents``), whether or
    not the winner then paid: it is what the market bid.
    """
    stmt = (
        select(Lot.material_code, Lot.grade, Lot.net_grams, Auction.clearing_price_cents)
        .join(Auction, Auction.lot_id == Lot.lot_id)
        .where(Auction.clearing_price_cents.is_not(None), Auction.closed_at >= since)
        .where(Lot.net_grams > 0)
    )
    if material_id is not None:
        stmt = stmt.where(Lot.material_id == material_id, Lot.grade == grade)
    found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for code, lot_grade, grams, price in session.execute(stmt):
        per_kg = to_cents(Decimal(price) * GRAMS_PER_KG / grams)
        found[(code, lot_grade)].append((per_kg, grams))
    return dict(found)


def index_cents_per_kg(prices: list[tuple[int, int]]) -> int:
    """The volume-weighted clearing price per kg (what plants paid per kg over all lots)."""
    reference = reference_clearing_price([p for p, _ in prices], [g for _, g in prices])
    return to_cents(reference)


def default_reserve(session: Session, *, lot: Lot, now: datetime) -> tuple[int | None, str]:
    """The hidden reserve for a lot with none given, and where it came from.

    ``index``: the clearing-price index of the lot's grade over ``AUCTION_INDEX_DAYS`` x
    ``AUCTION_RESERVE_INDEX_FACTOR``. With no recent sale, ``tariff``: the city-wide resident
    tariff in force x ``AUCTION_RESERVE_TARIFF_FACTOR`` (kg materials only). Else none.
    """
    since = now - timedelta(days=int(setting("AUCTION_INDEX_DAYS")))
    prices = clearing_prices(session, since=since, material_id=lot.material_id, grade=lot.grade)
    rows = prices.get((lot.material_code, lot.grade))
    if rows:
        factor = decimal_setting("AUCTION_RESERVE_INDEX_FACTOR")
        return default_reserve_cents(index_cents_per_kg(rows), lot.net_grams, factor), "index"
    unit = session.scalar(select(Material.unit).where(Material.material_id == lot.material_id))
    if unit != "kg":
        return None, "none"
    try:
        rate = select_rate(
            active_rates(session, material_codes={lot.material_code}),
            material_code=lot.material_code,
            grade=lot.grade,
            zone_code=None,
            on=local_today(),
        )
    except PricingError:
        return None, "none"
    factor = decimal_setting("AUCTION_RESERVE_TARIFF_FACTOR")
    return default_reserve_cents(rate.price_cents_per_unit, lot.net_grams, factor), "tariff"
