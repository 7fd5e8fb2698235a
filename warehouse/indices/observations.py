"""Observations of elementary products and the period x product panel built from them.

The elementary product is a material grade in a zone; its price in a period is the unit
value (amount paid / kg bought). Several observations of the same product in the same
period are merged into one unit value, so callers may pass raw purchase lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

Period = str | int


class IndexInputError(ValueError):
    """Input from which no index can be computed (the CLI reports it with exit code 2)."""


@dataclass(frozen=True)
class Observation:
    """One elementary product in one period: unit value ``price`` per kg and ``quantity`` kg."""

    period: Period
    product: str
    price: float
    quantity: float

    def __post_init__(self) -> None:
        for name in ("price", "quantity"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise IndexInputError(
                    f"{name} must be a positive finite number, got {value!r} "
                    f"(period {self.period!r}, product {self.product!r})"
                )


@dataclass(frozen=True)
class Panel:
    """Prices and quantities as (period x product) arrays; NaN marks an absent product."""

    periods: tuple[Period, ...]
    products: tuple[str, ...]
    prices: np.ndarray
    quantities: np.ndarray


def sort_periods(periods: Iterable[Period]) -> list[Period]:
    """Return the distinct periods in ascending order, refusing mixed integer/string periods."""
    distinct = set(periods)
    try:
        return sorted(distinct)
    except TypeError:
        raise IndexInputError(
            "periods mix integers and strings; use one kind (e.g. 2024-01 or 1, 2, 3)"
        ) from None


def merge_unit_values(observations: Iterable[Observation]) -> list[Observation]:
    """Merge observations of one product in one period into a single unit value.

    The merged price is sum(price * quantity) / sum(quantity) and the quantity the sum, which
    is the unit value of the combined purchases. The result is ordered by period, product.
    """
    paid: dict[tuple[Period, str], float] = {}
    kilos: dict[tuple[Period, str], float] = {}
    for obs in observations:
        key = (obs.period, obs.product)
        paid[key] = paid.get(key, 0.0) + float(obs.price) * float(obs.quantity)
        kilos[key] = kilos.get(key, 0.0) + float(obs.quantity)
    order = {period: rank for rank, period in enumerate(sort_periods(p for p, _ in paid))}
    keys = sorted(paid, key=lambda key: (order[key[0]], str(key[1])))
    return [
        Observation(p, product, paid[(p, product)] / kilos[(p, product)], kilos[(p, product)])
        for p, product in keys
    ]


def build_panel(observations: Iterable[Observation]) -> Panel:
    """Build the panel of unit values; raise IndexInputError when there are no observations."""
    merged = merge_unit_values(observations)
    if not merged:
        raise IndexInputError("no observations: at least one period with prices is needed")
    periods = tuple(sort_periods(obs.period for obs in merged))
    products = tuple(sorted({obs.product for obs in merged}, key=str))
    row = {period: i for i, period in enumerate(periods)}
    col = {product: j for j, product in enumerate(products)}
    prices = np.full((len(periods), len(products)), np.nan)
    quantities = np.full_like(prices, np.nan)
    for obs in merged:
        prices[row[obs.period], col[obs.product]] = obs.price
        quantities[row[obs.period], col[obs.product]] = obs.quantity
    return Panel(periods, products, prices, quantities)
