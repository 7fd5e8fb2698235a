"""Tariffs: which published rate is in force, subsidies, and the suggested resident price."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pricing.errors import (
    SubsidyError,
    SuggestionError,
    TariffConflictError,
    TariffNotFoundError,
)
from pricing.money import GRAMS_PER_KG, to_cents


@dataclass(frozen=True)
class TariffRate:
    """A published resident price for a material and grade, city-wide or for one zone.

    ``unit`` is ``"kg"`` (price per kg) or ``"piece"``. A rate applies from ``valid_from``
    until a later rate for the same key replaces it; ``version`` orders corrections issued
    for the same day.
    """

    material_code: str
    grade: str
    zone_code: str | None
    unit: str
    price_cents_per_unit: int
    valid_from: date
    version: int


@dataclass(frozen=True)
class SubsidyRule:
    """A subsidy for low-value materials: cents per net kg, capped per booking."""

    material_codes: frozenset[str]
    subsidy_cents_per_kg: int
    cap_cents_per_booking: int


def select_rate(
    rates: Sequence[TariffRate], *, material_code: str, grade: str, zone_code: str | None, on: date
) -> TariffRate:
    """Return the rate in force for the material, grade and zone on a date.

    Candidates are rates for the material and grade, with ``valid_from <= on``, either for
    ``zone_code`` or city-wide (``zone_code=None``). A zone rate beats any city-wide rate;
    then the latest ``valid_from`` wins; then the highest ``version``.
    """
    candidates = [
        rate
        for rate in rates
        if rate.material_code == material_code
        and rate.grade == grade
        and rate.valid_from <= on
        and (rate.zone_code is None or rate.zone_code == zone_code)
    ]
    if not candidates:
        where = f"zone {zone_code}" if zone_code is not None else "city-wide"
        raise TariffNotFoundError(f"no rate for {material_code}/{grade} ({where}) on {on}")
    best = max(candidates, key=_rank)
    clashes = {rate for rate in candidates if _rank(rate) == _rank(best)}
    if len(clashes) > 1:
        raise TariffConflictError(
            f"{len(clashes)} different rates for {material_code}/{grade} zone={best.zone_code} "
            f"valid_from={best.valid_from} version={best.version}"
        )
    return best


def _rank(rate: TariffRate) -> tuple[bool, date, int]:
    return (rate.zone_code is not None, rate.valid_from, rate.version)


def line_subsidy_cents(rule: SubsidyRule | None, *, material_code: str, net_grams: int) -> int:
    """Return the uncapped subsidy for one weighed line, rounded once to cents.

    Zero when there is no rule or the material is not listed.
    """
    if net_grams < 0:
        raise SubsidyError(f"net_grams must not be negative, got {net_grams}")
    if rule is None or material_code not in rule.material_codes:
        return 0
    return to_cents(Decimal(rule.subsidy_cents_per_kg) * net_grams / GRAMS_PER_KG)


def cap_subsidies(line_subsidies: Sequence[int], cap_cents: int) -> tuple[int, ...]:
    """Allocate a per-booking subsidy cap to lines in order: earlier lines are paid first.

    Each returned value is at most the line's own subsidy, and their sum is at most the cap.
    """
    if cap_cents < 0:
        raise SubsidyError(f"cap_cents must not be negative, got {cap_cents}")
    remaining = cap_cents
    paid = []
    for subsidy in line_subsidies:
        granted = min(max(subsidy, 0), remaining)
        paid.append(granted)
        remaining -= granted
    return tuple(paid)


def reference_clearing_price(
    clearing_price_cents_per_kg: Sequence[int], volumes_grams: Sequence[int] | None = None
) -> Decimal:
    """Return the exact reference price from recent auction clearing prices (cents per kg).

    With ``volumes_grams`` it is the volume-weighted mean (total paid / total kg); without,
    the median (mean of the two middle prices for an even count), which one odd lot cannot
    drag.
    """
    prices = list(clearing_price_cents_per_kg)
    if not prices:
        raise SuggestionError("need at least one recent clearing price")
    if any(price < 0 for price in prices):
        raise SuggestionError("clearing prices must not be negative")
    if volumes_grams is None:
        prices.sort()
        middle = len(prices) // 2
        if len(prices) % 2:
            return Decimal(prices[middle])
        return Decimal(prices[middle - 1] + prices[middle]) / 2
    volumes = list(volumes_grams)
    if len(volumes) != len(prices):
        raise SuggestionError("volumes_grams must match clearing prices one to one")
    if any(volume < 0 for volume in volumes) or sum(volumes) == 0:
        raise SuggestionError("volumes must be non-negative with a positive total")
    weighted = sum(Decimal(p) * v for p, v in zip(prices, volumes, strict=True))
    return weighted / sum(volumes)


def suggest_resident_price(
    *,
    clearing_price_cents_per_kg: Sequence[int],
    margin: Decimal,
    handling_cost_cents_per_kg: int,
    floor_cents_per_kg: int,
    volumes_grams: Sequence[int] | None = None,
) -> int:
    """Return the suggested resident price in cents per kg.

    ``reference * (1 - margin) - handling_cost``, rounded once half-up, never below the
    floor; ``reference`` is :func:`reference_clearing_price`. ``margin`` is a fraction
    (``Decimal("0.15")`` = 15 %) in ``[0, 1)``.
    """
    if not isinstance(margin, Decimal) or not (0 <= margin < 1):
        raise SuggestionError(f"margin must be a Decimal fraction in [0, 1), got {margin!r}")
    if handling_cost_cents_per_kg < 0:
        raise SuggestionError("handling_cost_cents_per_kg must not be negative")
    if floor_cents_per_kg < 0:
        raise SuggestionError("floor_cents_per_kg must not be negative")
    reference = reference_clearing_price(clearing_price_cents_per_kg, volumes_grams)
    raw = reference * (1 - margin) - handling_cost_cents_per_kg
    return max(floor_cents_per_kg, to_cents(raw))
