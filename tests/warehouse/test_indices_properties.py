"""Axiomatic properties of the indices, checked with hypothesis on random price data."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warehouse.indices import METHODS, Observation, compute_index
from warehouse.indices.bilateral import log_fisher, log_tornqvist
from warehouse.indices.observations import build_panel

PRICE = st.floats(min_value=0.1, max_value=100.0)
QUANTITY = st.floats(min_value=0.1, max_value=100.0)
FACTOR = st.floats(min_value=0.1, max_value=10.0)
FAST = settings(max_examples=60, deadline=None)


def matrix(elements: st.SearchStrategy, rows: int, columns: int) -> st.SearchStrategy:
    """A rows x columns list of lists drawn from ``elements``."""
    row = st.lists(elements, min_size=columns, max_size=columns)
    return st.lists(row, min_size=rows, max_size=rows)


@st.composite
def balanced_data(draw, min_periods: int = 2, max_periods: int = 7) -> list[Observation]:
    """Every product priced in every period."""
    periods = draw(st.integers(min_periods, max_periods))
    products = draw(st.integers(1, 5))
    prices = draw(matrix(PRICE, periods, products))
    quantities = draw(matrix(QUANTITY, periods, products))
    return [
        Observation(t + 1, f"g{i}", prices[t][i], quantities[t][i])
        for t in range(periods)
        for i in range(products)
    ]


@st.composite
def scaled_data(draw) -> tuple[list[Observation], list[float]]:
    """Prices of period t are factor[t] times the base prices; quantities are arbitrary."""
    periods = draw(st.integers(2, 7))
    products = draw(st.integers(1, 5))
    base = draw(st.lists(PRICE, min_size=products, max_size=products))
    factors = [1.0] + draw(st.lists(FACTOR, min_size=periods - 1, max_size=periods - 1))
    quantities = draw(matrix(QUANTITY, periods, products))
    observations = [
        Observation(t + 1, f"g{i}", factors[t] * base[i], quantities[t][i])
        for t in range(periods)
        for i in range(products)
    ]
    return observations, factors


def levels(observations: list[Observation], method: str, **options) -> list[float]:
    """Index levels only, in period order."""
    return [level for _, level in compute_index(observations, method, **options)]


ROLLING = [("geks-tornqvist", 2), ("geks-fisher", 3), ("geks-jevons", 2)]


@FAST
@given(data=scaled_data(), method=st.sampled_from(sorted(METHODS)))
def test_identity_constant_prices_give_an_index_of_one(data, method):
    """Identity: if no price changes, every method gives 1 whatever the quantities do."""
    observations, _ = data
    # product gN costs N + 1 in every period; the quantities stay random
    constant = [
        Observation(o.period, o.product, 1.0 + int(o.product[1:]), o.quantity) for o in observations
    ]
    periods = {o.period for o in constant}
    assert levels(constant, method) == pytest.approx([1.0] * len(periods), rel=1e-12)


@FAST
@given(data=scaled_data(), method=st.sampled_from(sorted(METHODS)))
def test_proportionality_prices_times_k_give_an_index_of_k(data, method):
    """Proportionality: when every price is k_t times its base price, the index is k_t."""
    observations, factors = data
    assert levels(observations, method) == pytest.approx(factors, rel=1e-9)


@FAST
@given(
    data=scaled_data(),
    rolling=st.sampled_from(ROLLING),
    splice=st.sampled_from(["movement", "window", "half", "mean"]),
)
def test_proportionality_survives_rolling_windows_and_splices(data, rolling, splice):
    """A spliced rolling GEKS still returns k_t when all prices move by k_t."""
    observations, factors = data
    method, window = rolling
    computed = levels(observations, method, window=window, splice=splice)
    assert computed == pytest.approx(factors, rel=1e-9)


@FAST
@given(data=balanced_data(min_periods=3), picks=st.tuples(*[st.integers(0, 6)] * 3))
def test_geks_is_transitive_within_the_window(data, picks):
    """GEKS(a, c) = GEKS(a, b) * GEKS(b, c), each evaluated from the textbook formula.

    The formula GEKS(a, c) = prod_k [P(a, k) P(k, c)]^(1/T) is evaluated independently for each
    pair, then compared with the ratio of the levels compute_index publishes.
    """
    panel = build_panel(data)
    count = len(panel.periods)
    a, b, c = (pick % count for pick in picks)
    p, q = panel.prices, panel.quantities

    def geks(s: int, t: int) -> float:
        logs = [
            log_fisher(p[s], q[s], p[k], q[k]) + log_fisher(p[k], q[k], p[t], q[t])
            for k in range(count)
        ]
        return math.exp(float(np.mean(logs)))

    series = levels(data, "geks-fisher")
    assert geks(a, c) == pytest.approx(geks(a, b) * geks(b, c), rel=1e-9)
    assert series[c] / series[a] == pytest.approx(geks(a, c), rel=1e-9)


@FAST
@given(
    data=balanced_data(min_periods=2, max_periods=2),
    method=st.sampled_from(["fisher", "tornqvist", "geks-fisher", "geks-tornqvist"]),
)
def test_time_reversal_fisher_and_tornqvist(data, method):
    """Time reversal: comparing period 2 with 1 gives the reciprocal of comparing 1 with 2."""
    reversed_data = [Observation(3 - o.period, o.product, o.price, o.quantity) for o in data]
    forward = levels(data, method)[1]
    backward = levels(reversed_data, method)[1]
    assert forward * backward == pytest.approx(1.0, rel=1e-12)


@FAST
@given(data=balanced_data(min_periods=2, max_periods=2), missing=st.integers(0, 4))
def test_time_reversal_holds_on_matched_samples(data, missing):
    """With a product missing in one period, both directions use the same matched products."""
    products = sorted({o.product for o in data})
    dropped = products[missing % len(products)] if len(products) > 1 else None
    thinned = [o for o in data if not (o.period == 2 and o.product == dropped)]
    panel = build_panel(thinned)
    p, q = panel.prices, panel.quantities
    for formula in (log_fisher, log_tornqvist):
        total = formula(p[0], q[0], p[1], q[1]) + formula(p[1], q[1], p[0], q[0])
        assert float(total) == pytest.approx(0.0, abs=1e-12)


@FAST
@given(
    data=balanced_data(min_periods=4, max_periods=8),
    window=st.integers(2, 3),
    splice=st.sampled_from(["movement", "window", "half", "mean"]),
)
def test_adding_a_period_never_revises_published_values(data, window, splice):
    """Once a full window is published, later data leaves every earlier value bit-identical."""
    full = compute_index(data, "geks-tornqvist", window=window, splice=splice)
    last = max(o.period for o in data)
    prefix = compute_index(
        [o for o in data if o.period < last], "geks-tornqvist", window=window, splice=splice
    )
    assert full[: len(prefix)] == prefix
