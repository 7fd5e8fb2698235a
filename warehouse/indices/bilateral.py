"""Bilateral price index formulas on matched products, and fixed-base / chained series.

Every formula takes base prices and quantities ``p0, q0`` and comparison ``p1, q1`` as
arrays whose last axis is the product; NaN marks a product absent in that period. Leading
axes broadcast, so one call compares a base period with many periods at once.

Only products priced in both periods enter a comparison (the matched sample), and
expenditure shares are taken over those matched products. Every formula returns the
natural log of the index, NaN where the two periods share no product.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from warehouse.indices.observations import IndexInputError, Panel, Period

LogFormula = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _matched(p0: np.ndarray, q0: np.ndarray, p1: np.ndarray, q1: np.ndarray) -> tuple:
    """Zero out unmatched products: prices become 1 (log 0) and quantities 0 (no weight)."""
    mask = np.isfinite(p0) & np.isfinite(p1)
    return (
        mask,
        np.where(mask, p0, 1.0),
        np.where(mask, q0, 0.0),
        np.where(mask, p1, 1.0),
        np.where(mask, q1, 0.0),
    )


def _log_ratio(numerator: np.ndarray, denominator: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """log(numerator / denominator), NaN where no product is matched."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log(numerator) - np.log(denominator)
    return np.where(mask.any(axis=-1), value, np.nan)


def log_jevons(p0: np.ndarray, q0: np.ndarray, p1: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Jevons: unweighted geometric mean of price relatives (quantities are ignored)."""
    mask, p0, _, p1, _ = _matched(p0, q0, p1, q1)
    count = mask.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p1 / p0).sum(axis=-1) / np.where(count > 0, count, np.nan)


def log_laspeyres(p0: np.ndarray, q0: np.ndarray, p1: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Laspeyres: cost of the base-period basket at comparison prices over its base cost."""
    mask, p0, q0, p1, _ = _matched(p0, q0, p1, q1)
    return _log_ratio((p1 * q0).sum(axis=-1), (p0 * q0).sum(axis=-1), mask)


def log_paasche(p0: np.ndarray, q0: np.ndarray, p1: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Paasche: cost of the comparison-period basket at comparison over base prices."""
    mask, p0, _, p1, q1 = _matched(p0, q0, p1, q1)
    return _log_ratio((p1 * q1).sum(axis=-1), (p0 * q1).sum(axis=-1), mask)


def log_fisher(p0: np.ndarray, q0: np.ndarray, p1: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Fisher: geometric mean of the Laspeyres and Paasche indices."""
    return 0.5 * (log_laspeyres(p0, q0, p1, q1) + log_paasche(p0, q0, p1, q1))


def log_tornqvist(p0: np.ndarray, q0: np.ndarray, p1: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Törnqvist: price relatives weighted geometrically by mean expenditure shares."""
    mask, p0, q0, p1, q1 = _matched(p0, q0, p1, q1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s0 = p0 * q0 / (p0 * q0).sum(axis=-1, keepdims=True)
        s1 = p1 * q1 / (p1 * q1).sum(axis=-1, keepdims=True)
        value = (0.5 * (s0 + s1) * np.log(p1 / p0)).sum(axis=-1)
    return np.where(mask.any(axis=-1), value, np.nan)


FORMULAS: dict[str, LogFormula] = {
    "jevons": log_jevons,
    "laspeyres": log_laspeyres,
    "paasche": log_paasche,
    "fisher": log_fisher,
    "tornqvist": log_tornqvist,
}


def unmatched_error(base: Period, current: Period) -> IndexInputError:
    """The error for two periods that share no product."""
    return IndexInputError(
        f"periods {base!r} and {current!r} have no product in common, "
        "so no matched-sample index links them"
    )


def raise_if_unmatched(log_values: np.ndarray, pairs: list[tuple[Period, Period]]) -> None:
    """Raise IndexInputError naming the first pair of periods that share no product."""
    for value, (base, current) in zip(np.atleast_1d(log_values), pairs, strict=True):
        if np.isnan(value):
            raise unmatched_error(base, current)


def fixed_base_series(panel: Panel, formula: LogFormula) -> np.ndarray:
    """Index of every period against the first period (first value 1)."""
    p, q = panel.prices, panel.quantities
    logs = formula(p[0], q[0], p[1:], q[1:])
    raise_if_unmatched(logs, [(panel.periods[0], t) for t in panel.periods[1:]])
    return np.exp(np.concatenate(([0.0], logs)))


def chained_series(panel: Panel, formula: LogFormula) -> np.ndarray:
    """Product of period-on-period indices from the first period (first value 1)."""
    p, q = panel.prices, panel.quantities
    logs = formula(p[:-1], q[:-1], p[1:], q[1:])
    raise_if_unmatched(logs, list(zip(panel.periods[:-1], panel.periods[1:], strict=True)))
    return np.exp(np.concatenate(([0.0], np.cumsum(logs))))
