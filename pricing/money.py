"""Money arithmetic: the one place where amounts are rounded to whole cents.

All amounts are integer cents (CNY). Intermediate results are exact ``Decimal`` values and
are rounded exactly once, half-up, by :func:`to_cents`. No float ever touches money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pricing.errors import MoneyError

ROUNDING = ROUND_HALF_UP
"""Rounding mode for every conversion of an exact amount to whole cents."""

GRAMS_PER_KG = 1000
UNITS = ("kg", "piece")


def to_cents(value: Decimal) -> int:
    """Round an exact amount in cents to whole cents, half-up (0.5 cent goes away from zero)."""
    if not isinstance(value, Decimal):
        if isinstance(value, bool) or not isinstance(value, int):
            raise MoneyError(f"to_cents needs a Decimal or int, got {type(value).__name__}")
        value = Decimal(value)
    if not value.is_finite():
        raise MoneyError(f"to_cents needs a finite amount, got {value}")
    return int(value.quantize(Decimal(1), rounding=ROUNDING))


def exact_amount(*, unit_price_cents: int, quantity: int, unit: str) -> Decimal:
    """Return the unrounded amount in cents for a quantity at a unit price.

    ``unit`` is ``"kg"`` (quantity in grams, price per kg) or ``"piece"`` (quantity in
    pieces, price per piece).
    """
    _check_int("unit_price_cents", unit_price_cents)
    _check_int("quantity", quantity)
    if quantity < 0:
        raise MoneyError(f"quantity must not be negative, got {quantity}")
    if unit == "kg":
        return Decimal(unit_price_cents) * Decimal(quantity) / Decimal(GRAMS_PER_KG)
    if unit == "piece":
        return Decimal(unit_price_cents) * Decimal(quantity)
    raise MoneyError(f"unit must be one of {UNITS}, got {unit!r}")


def amount_cents(*, unit_price_cents: int, quantity: int, unit: str) -> int:
    """Return the amount in whole cents for a quantity at a unit price, rounded once half-up.

    ``unit`` is ``"kg"`` (quantity in grams, price in cents per kg) or ``"piece"``
    (quantity in pieces, price in cents per piece).
    """
    return to_cents(exact_amount(unit_price_cents=unit_price_cents, quantity=quantity, unit=unit))


def _check_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MoneyError(f"{name} must be an int, got {type(value).__name__}")
