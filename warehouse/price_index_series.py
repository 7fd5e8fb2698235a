"""Extend the published price-index series by the periods that closed since the last build.

Used by the dbt Python model ``int_price_indices_spliced``. Per (series, material group,
frequency) the unit values of the elementary products (material grade x zone) go through
``warehouse.indices``: GEKS-Törnqvist over the newest window (13 months, 53 weeks), spliced
onto the published series with the mean splice. A period is *published* once it has closed
(it lies before the period of ``as_of``); published values are never revised, whatever the
data says later. The open period (and any later one, e.g. next week's booked pickups) gets a
provisional value, recomputed every build and flagged ``is_published = false``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from warehouse.indices import IndexInputError, Observation, compute_index, splice_onto_published
from warehouse.indices.bilateral import FORMULAS
from warehouse.indices.compute import METHODS
from warehouse.indices.multilateral import geks_from_log_matrix, log_bilateral_matrix
from warehouse.indices.observations import build_panel

log = logging.getLogger(__name__)

WINDOWS = {"month": 13, "week": 53}


@dataclass(frozen=True)
class UnitValue:
    """Cents paid and grams bought for one product in one period of one series."""

    series: str
    frequency: str
    period: str
    material_group: str
    product_code: str
    amount_cents: int
    net_grams: int


@dataclass(frozen=True)
class IndexRow:
    """One index value; ``is_published`` rows are final."""

    series: str
    material_group: str
    frequency: str
    period: str
    index_value: float
    n_products: int
    is_published: bool


def current_period(frequency: str, as_of: date) -> str:
    """The period label (``YYYY-MM`` or ISO ``YYYY-Www``) that contains ``as_of``."""
    if frequency == "month":
        return as_of.strftime("%Y-%m")
    year, week, _ = as_of.isocalendar()
    return f"{year}-W{week:02d}"


def extend_published(
    unit_values: Iterable[UnitValue],
    previous: Iterable[IndexRow],
    as_of: date,
    method: str = "geks-tornqvist",
    splice: str = "mean",
    windows: dict[str, int] | None = None,
) -> list[IndexRow]:
    """All published rows (old ones unchanged, newly closed periods added) plus provisional rows."""
    windows = windows or WINDOWS
    groups: dict[tuple[str, str, str], list[UnitValue]] = defaultdict(list)
    for value in unit_values:
        if value.amount_cents > 0 and value.net_grams > 0:
            groups[(value.series, value.material_group, value.frequency)].append(value)
    published: dict[tuple[str, str, str], dict[str, IndexRow]] = defaultdict(dict)
    for row in previous:
        if row.is_published:
            published[(row.series, row.material_group, row.frequency)][row.period] = row
    rows: list[IndexRow] = []
    for key in sorted(set(groups) | set(published)):
        old = published.get(key, {})
        rows.extend(old.values())
        if key in groups:
            window = windows[key[2]]
            try:
                rows.extend(_extend_group(key, groups[key], old, as_of, method, splice, window))
            except IndexInputError as error:
                log.warning("price index %s not extended: %s", "/".join(key), error)
    return rows


def _extend_group(
    key: tuple[str, str, str],
    values: list[UnitValue],
    old: dict[str, IndexRow],
    as_of: date,
    method: str,
    splice: str,
    window: int,
) -> list[IndexRow]:
    """New rows of one series: newly closed periods (published), then open ones."""
    series, group, frequency = key
    by_period: dict[str, list[Observation]] = defaultdict(list)
    for v in values:
        by_period[v.period].append(
            Observation(v.period, v.product_code, v.amount_cents / v.net_grams * 1000, v.net_grams)
        )
    last_published = max(old) if old else None
    levels = {period: row.index_value for period, row in old.items()}
    is_open = current_period(frequency, as_of)
    periods = sorted(by_period)
    logs = _log_bilateral(by_period, periods, method)
    new_rows = []
    unlinked: list[str] = []
    for position, period in enumerate(periods):
        if last_published is not None and period <= last_published:
            continue  # published, or older than the published series: never back-filled
        anchor = max(levels) if levels else None
        window_levels = _window_levels(by_period, periods, position, window, anchor, method, logs)
        if window_levels is None:
            unlinked.append(period)
            continue
        levels = splice_onto_published(levels, window_levels, splice) if levels else window_levels
        products = len({o.product for o in by_period[period]})
        new_rows.append(
            IndexRow(series, group, frequency, period, levels[period], products, period < is_open)
        )
    if unlinked:  # one line per series, not one per period
        log.warning(
            "price index %s: %d period(s) share no product with their window, no index: %s",
            key,
            len(unlinked),
            ", ".join(unlinked),
        )
    return new_rows


def _log_bilateral(by_period: dict[str, list[Observation]], periods: list[str], method: str):
    """For GEKS methods, log P(s, t) for every pair of periods, computed once per series:
    every window is a block of it (a bilateral index only looks at its two periods), so a
    rebuild from scratch costs one matrix instead of a GEKS per period. None otherwise."""
    formula_name, kind = METHODS.get(method, (None, None))
    if kind != "geks":
        return None
    panel = build_panel(o for p in periods for o in by_period[p])
    if list(panel.periods) != periods:
        return None
    return log_bilateral_matrix(panel, FORMULAS[formula_name], max_gap=len(periods) - 1)


def _window_levels(
    by_period: dict[str, list[Observation]],
    periods: list[str],
    position: int,
    window: int,
    anchor: str | None,
    method: str,
    logs=None,
) -> dict[str, float] | None:
    """GEKS levels over the newest ``window`` periods ending at ``periods[position]``.

    With no series yet the window is this period alone (level 1), so a rebuild from scratch
    gives the values the nightly builds published, period by period. GEKS needs every pair
    of window periods to share a product: when sparse data breaks that, the oldest periods
    are dropped until it holds, keeping ``anchor`` (the series' latest period) for the
    splice; None when even the anchor and this period share nothing.
    """
    if anchor is None:
        start = latest_start = position
    else:
        latest_start = periods.index(anchor)
        start = min(max(0, position + 1 - window), latest_start)
    for first in range(start, latest_start + 1):
        newest = periods[first : position + 1]
        if logs is not None:
            block = logs[first : position + 1, first : position + 1]
            if np.isnan(block).any():
                continue  # two periods share no product: drop the oldest
            levels = geks_from_log_matrix(block)
            return {p: float(level) for p, level in zip(newest, levels, strict=True)}
        try:
            return dict(compute_index([o for p in newest for o in by_period[p]], method))
        except IndexInputError:
            continue
    return None
