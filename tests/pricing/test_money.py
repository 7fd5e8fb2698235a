"""Tests for pricing.money: the single rounding rule and line amounts."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import MoneyError, PricingError
from pricing.money import ROUNDING, amount_cents, exact_amount, to_cents


def test_rounding_is_half_up():
    """The published rounding mode is ROUND_HALF_UP."""
    assert ROUNDING == "ROUND_HALF_UP"


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("2.5", 3),
        ("2.4999", 2),
        ("3.5", 4),
        ("-2.5", -3),
        ("0.5", 1),
        ("0.4999999", 0),
        ("7", 7),
    ],
)
def test_to_cents_rounds_half_up_away_from_zero(value, cents):
    """Half a cent rounds away from zero (not to even); below half rounds toward zero."""
    assert to_cents(Decimal(value)) == cents


def test_to_cents_rejects_float():
    """A float amount is refused rather than silently converted."""
    with pytest.raises(MoneyError):
        to_cents(2.5)


def test_to_cents_rejects_infinity():
    """A non-finite Decimal cannot be turned into cents."""
    with pytest.raises(MoneyError):
        to_cents(Decimal("Infinity"))


@pytest.mark.parametrize(
    ("price", "quantity", "unit", "cents"),
    [
        (150, 1234, "kg", 185),  # 185.1
        (199, 2500, "kg", 498),  # 497.5 rounds up
        (101, 4950, "kg", 500),  # 499.95
        (120, 1, "kg", 0),  # 0.12
        (50, 3, "piece", 150),
        (0, 9999, "kg", 0),
    ],
)
def test_amount_cents_hand_worked(price, quantity, unit, cents):
    """Per-kg prices apply to grams / 1000, per-piece to pieces, rounded once half-up."""
    assert amount_cents(unit_price_cents=price, quantity=quantity, unit=unit) == cents


def test_exact_amount_is_unrounded():
    """exact_amount keeps the fraction of a cent that amount_cents rounds."""
    assert exact_amount(unit_price_cents=150, quantity=1234, unit="kg") == Decimal("185.1")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"unit_price_cents": 100, "quantity": 10, "unit": "tonne"},
        {"unit_price_cents": 100, "quantity": -1, "unit": "kg"},
        {"unit_price_cents": 1.5, "quantity": 10, "unit": "kg"},
        {"unit_price_cents": 100, "quantity": 10.0, "unit": "kg"},
        {"unit_price_cents": True, "quantity": 10, "unit": "kg"},
    ],
)
def test_amount_cents_rejects_bad_inputs(kwargs):
    """Unknown units, negative quantities and non-int numbers raise a PricingError."""
    with pytest.raises(PricingError):
        amount_cents(**kwargs)


@given(price=st.integers(0, 10**7), grams=st.integers(0, 10**9))
def test_amount_per_kg_matches_integer_half_up(price, grams):
    """Per-kg amounts equal the exact integer half-up of price * grams / 1000."""
    expected = (2 * price * grams + 1000) // 2000
    assert amount_cents(unit_price_cents=price, quantity=grams, unit="kg") == expected


@given(price=st.integers(-(10**7), 10**7), grams=st.integers(0, 10**9))
def test_amount_is_within_half_a_cent_of_exact(price, grams):
    """Rounding once never moves the amount by more than half a cent."""
    exact = exact_amount(unit_price_cents=price, quantity=grams, unit="kg")
    rounded = amount_cents(unit_price_cents=price, quantity=grams, unit="kg")
    assert abs(Decimal(rounded) - exact) <= Decimal("0.5")


@given(price=st.integers(0, 10**6), pieces=st.integers(0, 10**6))
def test_amount_per_piece_is_exact_product(price, pieces):
    """Per-piece amounts need no rounding: price times pieces."""
    assert amount_cents(unit_price_cents=price, quantity=pieces, unit="piece") == price * pieces
