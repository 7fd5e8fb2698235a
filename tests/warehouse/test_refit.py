"""warehouse.credit.refit: logistic refit of the scorecard from lenders' outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from warehouse.credit.refit import design_matrix, fit_logistic, read_weights, write_weights


def test_fit_recovers_known_weights():
    """On data drawn from a known logistic model the fit finds its weights."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(20_000, 2))
    true = np.array([2.0, 0.8, -1.2])
    p_good = 1 / (1 + np.exp(-(true[0] + x @ true[1:])))
    good = (rng.random(20_000) < p_good).astype(float)
    fit = fit_logistic(x, good, l2=0.0)
    assert fit.intercept == pytest.approx(2.0, abs=0.1)
    assert fit.weights == pytest.approx([0.8, -1.2], abs=0.08)
    assert 0.7 < fit.auc < 0.9


def test_design_matrix_applies_the_scorecard_transform():
    """(value - reference) / scale, clamped to +-3, missing values at the reference (0)."""
    rows = [{"reference_value": "10", "scale": "5"}, {"reference_value": "0", "scale": "1"}]
    raw = np.array([[20.0, np.nan], [100.0, -9.0]])
    assert design_matrix(raw, rows).tolist() == [[2.0, 0.0], [3.0, -3.0]]


def test_refitted_weights_keep_the_seed_format(tmp_path):
    """The written CSV has the seed's columns and rows, only the weights changed."""
    rows = read_weights()
    k = len(rows) - 1
    fit = fit_logistic(np.zeros((4, k)), np.array([1.0, 1.0, 1.0, 0.0]))
    out = tmp_path / "weights.csv"
    write_weights(out, rows, fit)
    again = read_weights(out)
    assert [r["feature"] for r in again] == [r["feature"] for r in rows]
    assert list(again[0]) == list(rows[0])
    assert float(again[0]["weight"]) == pytest.approx(np.log(3), abs=1e-4)
