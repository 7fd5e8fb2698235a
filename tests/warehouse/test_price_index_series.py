"""warehouse.price_index_series: publishing index periods without ever revising them."""

from __future__ import annotations

from datetime import date

import pytest

from warehouse.price_index_series import UnitValue, current_period, extend_published


def _months(prices: dict[str, dict[str, int]]) -> list[UnitValue]:
    """Unit values of 1 kg per product and month: {period: {product: cents}}."""
    return [
        UnitValue("resident_paid", "month", period, "paper", product, cents, 1000)
        for period, products in prices.items()
        for product, cents in products.items()
    ]


PRICES = {
    "2026-01": {"a": 100, "b": 200},
    "2026-02": {"a": 110, "b": 200},
    "2026-03": {"a": 121, "b": 220},
}


def test_closed_periods_are_published_and_the_open_one_is_provisional():
    """Months before the as-of month are final; the as-of month is not."""
    rows = extend_published(_months(PRICES), [], date(2026, 3, 15))
    assert [(r.period, r.is_published) for r in rows] == [
        ("2026-01", True),
        ("2026-02", True),
        ("2026-03", False),
    ]
    assert rows[0].index_value == 1.0
    assert 1.0 < rows[1].index_value < rows[2].index_value < 1.2


def test_published_values_are_never_revised_by_later_data():
    """Doubling January's prices later changes nothing already published."""
    first = extend_published(_months(PRICES), [], date(2026, 3, 15))
    revised = {**PRICES, "2026-01": {"a": 200, "b": 400}}
    second = extend_published(_months(revised), first, date(2026, 4, 2))
    published = {r.period: r.index_value for r in first if r.is_published}
    again = {r.period: r.index_value for r in second if r.period in published}
    assert again == published
    march = next(r for r in second if r.period == "2026-03")
    assert march.is_published


def test_a_rebuild_from_scratch_reproduces_the_nightly_series():
    """Published period by period or all at once, the values are the same."""
    nightly = extend_published(_months({"2026-01": PRICES["2026-01"]}), [], date(2026, 2, 1))
    for month, as_of in (("2026-02", date(2026, 3, 1)), ("2026-03", date(2026, 4, 1))):
        seen = {p: PRICES[p] for p in PRICES if p <= month}
        nightly = extend_published(_months(seen), nightly, as_of)
    at_once = extend_published(_months(PRICES), [], date(2026, 4, 1))
    assert [r.index_value for r in nightly] == pytest.approx([r.index_value for r in at_once])


def test_sparse_periods_shrink_the_window_instead_of_stopping_the_series():
    """A period sharing no product with an older window period still gets a value."""
    sparse = {"2026-01": {"a": 100}, "2026-02": {"a": 120, "b": 100}, "2026-03": {"b": 130}}
    rows = extend_published(_months(sparse), [], date(2026, 4, 1))
    assert [round(r.index_value, 6) for r in rows] == [1.0, 1.2, 1.56]


def test_current_period_labels():
    """Months are YYYY-MM, weeks ISO YYYY-Www (the week of 1 Jan 2027 is 2026-W53)."""
    assert current_period("month", date(2026, 11, 24)) == "2026-11"
    assert current_period("week", date(2027, 1, 1)) == "2026-W53"
