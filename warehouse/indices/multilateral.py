"""GEKS multilateral indices over a window of periods.

For a window of W periods, the GEKS level of period t relative to the window's first
period 0 is the geometric mean over every period k of the window of P(0, k) * P(k, t),
where P is a bilateral matched-sample index that satisfies time reversal (Fisher or
Törnqvist; Jevons also works). The result is transitive within the window.
"""

from __future__ import annotations

import numpy as np

from warehouse.indices.bilateral import LogFormula, unmatched_error
from warehouse.indices.observations import Panel


def log_bilateral_matrix(panel: Panel, formula: LogFormula, max_gap: int) -> np.ndarray:
    """Return L with L[s, t] = log P(s, t) for every pair at most ``max_gap`` periods apart.

    Pairs further apart are NaN. Computing the matrix once lets a rolling window reuse it:
    each window is a square block on the diagonal.
    """
    count = len(panel.periods)
    logs = np.full((count, count), np.nan)
    np.fill_diagonal(logs, 0.0)
    p, q = panel.prices, panel.quantities
    for s in range(count - 1):
        stop = min(count, s + max_gap + 1)
        row = formula(p[s], q[s], p[s + 1 : stop], q[s + 1 : stop])
        logs[s, s + 1 : stop] = row
        # Time reversal: P(t, s) = 1 / P(s, t) for Fisher, Törnqvist and Jevons.
        logs[s + 1 : stop, s] = -row
    return logs


def geks_from_log_matrix(logs: np.ndarray) -> np.ndarray:
    """GEKS levels (first = 1) from a window's square block of log bilateral indices."""
    # log GEKS(0, t) = mean over k of [log P(k, t) - log P(k, 0)].
    return np.exp((logs - logs[:, :1]).mean(axis=0))


def geks_window(panel: Panel, logs: np.ndarray, start: int, stop: int) -> np.ndarray:
    """GEKS levels for periods ``start .. stop - 1``, normalised to 1 at ``start``."""
    block = logs[start:stop, start:stop]
    if np.isnan(block).any():
        s, t = np.argwhere(np.isnan(block))[0]
        raise unmatched_error(panel.periods[start + s], panel.periods[start + t])
    return geks_from_log_matrix(block)


def geks_series(panel: Panel, formula: LogFormula) -> np.ndarray:
    """GEKS over all periods of the panel as one window (first value 1)."""
    count = len(panel.periods)
    logs = log_bilateral_matrix(panel, formula, max_gap=count - 1)
    return geks_window(panel, logs, 0, count)
