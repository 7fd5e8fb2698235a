"""compute_index: one entry point from observations to an index series (first period = 1)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from warehouse.indices.bilateral import FORMULAS, chained_series, fixed_base_series
from warehouse.indices.multilateral import geks_series, geks_window, log_bilateral_matrix
from warehouse.indices.observations import (
    IndexInputError,
    Observation,
    Panel,
    Period,
    build_panel,
)
from warehouse.indices.splice import SPLICES, splice_onto_previous_window, splice_onto_published

# method name -> (bilateral formula, how the series is built)
METHODS: dict[str, tuple[str, str]] = {
    "jevons": ("jevons", "fixed"),
    "laspeyres": ("laspeyres", "fixed"),
    "paasche": ("paasche", "fixed"),
    "fisher": ("fisher", "fixed"),
    "tornqvist": ("tornqvist", "fixed"),
    "laspeyres-chained": ("laspeyres", "chained"),
    "paasche-chained": ("paasche", "chained"),
    "fisher-chained": ("fisher", "chained"),
    "tornqvist-chained": ("tornqvist", "chained"),
    "geks-fisher": ("fisher", "geks"),
    "geks-tornqvist": ("tornqvist", "geks"),
    "geks-jevons": ("jevons", "geks"),
}
SPLICE_TARGETS = ("published", "previous")


def compute_index(
    observations: Iterable[Observation],
    method: str,
    window: int | None = None,
    splice: str = "mean",
    splice_onto: str = "published",
) -> list[tuple[Period, float]]:
    """Compute an index series, one (period, level) per period with the first level 1.

    Bilateral methods compare matched products between the two periods of each comparison.
    GEKS methods use all periods as one window unless ``window`` is smaller than the number
    of periods; then the first ``window`` periods form the first published window and each
    later period is added by rolling the window one period and splicing (``splice``) onto
    the published series or, with ``splice_onto="previous"``, onto the previous window.
    """
    formula_name, kind = _validate(method, window, splice, splice_onto)
    panel = build_panel(observations)
    formula = FORMULAS[formula_name]
    if kind == "fixed":
        levels = fixed_base_series(panel, formula)
    elif kind == "chained":
        levels = chained_series(panel, formula)
    elif window is None or window >= len(panel.periods):
        levels = geks_series(panel, formula)
    else:
        return _rolling_geks(panel, formula_name, window, splice, splice_onto)
    return [(period, float(level)) for period, level in zip(panel.periods, levels, strict=True)]


def _validate(method: str, window: int | None, splice: str, splice_onto: str) -> tuple[str, str]:
    """Check the arguments and return (formula name, series kind)."""
    if method not in METHODS:
        raise IndexInputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if splice not in SPLICES:
        raise IndexInputError(f"unknown splice {splice!r}; choose one of {', '.join(SPLICES)}")
    if splice_onto not in SPLICE_TARGETS:
        raise IndexInputError(f"splice_onto must be one of {', '.join(SPLICE_TARGETS)}")
    formula_name, kind = METHODS[method]
    if window is not None:
        if kind != "geks":
            raise IndexInputError(f"a window applies only to GEKS methods, not {method!r}")
        if isinstance(window, bool) or not isinstance(window, int) or window < 2:
            raise IndexInputError(f"window must be an integer of at least 2, got {window!r}")
    return formula_name, kind


def _rolling_geks(
    panel: Panel, formula_name: str, window: int, splice: str, splice_onto: str
) -> list[tuple[Period, float]]:
    """GEKS over a rolling window, each new period spliced on without revising earlier ones."""
    logs = log_bilateral_matrix(panel, FORMULAS[formula_name], max_gap=window - 1)
    previous = _levels(panel, geks_window(panel, logs, 0, window), 0)
    published = dict(previous)
    for stop in range(window + 1, len(panel.periods) + 1):
        current = _levels(panel, geks_window(panel, logs, stop - window, stop), stop - window)
        if splice_onto == "published":
            published = splice_onto_published(published, current, splice)
        else:
            published = splice_onto_previous_window(published, previous, current, splice)
        previous = current
    return list(published.items())


def _levels(panel: Panel, levels: np.ndarray, start: int) -> dict[Period, float]:
    """Key window levels by their periods."""
    periods = panel.periods[start : start + len(levels)]
    return {period: float(level) for period, level in zip(periods, levels, strict=True)}
