"""Tests for pricing.settlement: paying weighed lines and the resident-acceptance threshold."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import SettlementError
from pricing.money import amount_cents
from pricing.settlement import (
    WeighedLine,
    needs_resident_acceptance,
    settle_booking,
    settle_line,
    shortfall_pct,
)
from pricing.tariffs import SubsidyRule

GLASS_SUBSIDY = SubsidyRule(frozenset({"GLASS"}), subsidy_cents_per_kg=20, cap_cents_per_booking=60)


def test_settle_line_hand_worked():
    """180 cents/kg on 2,345 g is 422.1 -> 422 cents, plus a 10-cent subsidy = 432."""
    line = settle_line(unit_price_cents=180, unit="kg", quantity=2_345, subsidy_cents=10)
    assert (line.goods_cents, line.subsidy_cents, line.total_cents) == (422, 10, 432)


def test_settle_line_per_piece():
    """A per-piece line pays price times pieces."""
    assert settle_line(unit_price_cents=500, unit="piece", quantity=3).total_cents == 1_500


@pytest.mark.parametrize(
    "kwargs",
    [
        {"unit_price_cents": -1, "unit": "kg", "quantity": 1},
        {"unit_price_cents": 1, "unit": "kg", "quantity": -1},
        {"unit_price_cents": 1, "unit": "kg", "quantity": 1, "subsidy_cents": -1},
    ],
)
def test_settle_line_rejects_negative_inputs(kwargs):
    """Negative prices, weights or subsidies cannot be settled."""
    with pytest.raises(SettlementError):
        settle_line(**kwargs)


def test_booking_subsidy_is_capped_in_line_order():
    """Glass lines earn 40 then 40 cents of subsidy but the 60-cent cap leaves 40 + 20.

    PET earns none and a per-piece glass line earns none (the subsidy is per kg).
    """
    lines = [
        WeighedLine("GLASS", "kg", 10, 2_000),
        WeighedLine("PET", "kg", 200, 1_000),
        WeighedLine("GLASS", "piece", 5, 4),
        WeighedLine("GLASS", "kg", 10, 2_000),
    ]
    settled = settle_booking(lines, GLASS_SUBSIDY)
    assert [line.subsidy_cents for line in settled.lines] == [40, 0, 0, 20]
    assert [line.goods_cents for line in settled.lines] == [20, 200, 20, 20]
    assert settled.total_cents == 320


def test_booking_without_subsidy_rule():
    """Without a subsidy rule the booking pays goods only."""
    settled = settle_booking([WeighedLine("GLASS", "kg", 10, 2_000)])
    assert settled.total_cents == 20
    assert settled.lines[0].subsidy_cents == 0


@pytest.mark.parametrize(
    ("quoted", "actual", "pct"),
    [
        (10_000, 9_000, Decimal("10.00")),
        (10_000, 11_000, Decimal("-10.00")),
        (3, 2, Decimal("33.33")),
        (3, 1, Decimal("66.67")),
        (500, 500, Decimal("0.00")),
    ],
)
def test_shortfall_pct_hand_worked(quoted, actual, pct):
    """Shortfall is (quoted - actual) / quoted in percent, rounded half-up to 0.01."""
    assert shortfall_pct(quoted, actual) == pct


def test_shortfall_needs_a_positive_quote():
    """A percentage of a zero quote is undefined."""
    with pytest.raises(SettlementError):
        shortfall_pct(0, 100)


@pytest.mark.parametrize(
    ("quoted", "actual", "threshold", "needed"),
    [
        (10_000, 9_000, "10", False),  # exactly 10 % below: not MORE than 10 %
        (10_000, 8_999, "10", True),
        (10_000, 12_000, "0", False),
        (10_000, 9_999, "0", True),
        (0, 0, "5", False),
        (3, 2, "33.33", True),  # 33.333...% > 33.33 %
        (3, 2, "33.34", False),
    ],
)
def test_needs_resident_acceptance_hand_worked(quoted, actual, threshold, needed):
    """Acceptance is needed only when the actual amount is strictly more than threshold % below."""
    assert needs_resident_acceptance(quoted, actual, Decimal(threshold)) is needed


@pytest.mark.parametrize("threshold", [Decimal("-1"), 10.0, Decimal("NaN")])
def test_acceptance_threshold_must_be_a_non_negative_decimal(threshold):
    """Negative, float or NaN thresholds are refused."""
    with pytest.raises(SettlementError):
        needs_resident_acceptance(100, 50, threshold)


@given(
    quoted=st.integers(0, 10**7),
    actual=st.integers(0, 10**7),
    threshold=st.integers(0, 10_000).map(lambda n: Decimal(n) / 100),
)
def test_acceptance_matches_exact_fraction(quoted, actual, threshold):
    """The decision equals the exact rational comparison actual < quoted x (1 - t / 100)."""
    expected = Fraction(actual) < Fraction(quoted) * (1 - Fraction(threshold) / 100)
    assert needs_resident_acceptance(quoted, actual, threshold) is expected


@given(quoted=st.integers(1, 10**7), actual=st.integers(0, 10**7))
def test_shortfall_is_within_half_a_hundredth_of_exact(quoted, actual):
    """The reported percentage is the exact shortfall rounded to 0.01."""
    exact = Fraction(quoted - actual, quoted) * 100
    assert abs(Fraction(shortfall_pct(quoted, actual)) - exact) <= Fraction(1, 200)


@given(
    price=st.integers(0, 10**5),
    grams=st.integers(0, 10**7),
    subsidy=st.integers(0, 10**4),
)
def test_line_total_is_rounded_goods_plus_subsidy(price, grams, subsidy):
    """A line's total is the once-rounded goods amount plus the subsidy, nothing else."""
    line = settle_line(unit_price_cents=price, unit="kg", quantity=grams, subsidy_cents=subsidy)
    assert (
        line.total_cents
        == amount_cents(unit_price_cents=price, quantity=grams, unit="kg") + subsidy
    )
