"""Settlement at the door: what a weighed line pays, and when the resident must accept it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pricing.errors import SettlementError
from pricing.money import ROUNDING, amount_cents
from pricing.tariffs import SubsidyRule, cap_subsidies, line_subsidy_cents

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class WeighedLine:
    """A line as weighed at the door, priced at the locked quote's unit price.

    ``quantity`` is net grams when ``unit == "kg"`` and pieces when ``unit == "piece"``.
    """

    material_code: str
    unit: str
    unit_price_cents: int
    quantity: int


@dataclass(frozen=True)
class LineSettlement:
    """What one line pays: goods at the locked price plus any (already capped) subsidy."""

    goods_cents: int
    subsidy_cents: int

    @property
    def total_cents(self) -> int:
        """Goods plus subsidy, in cents."""
        return self.goods_cents + self.subsidy_cents


@dataclass(frozen=True)
class BookingSettlement:
    """Every line of a booking, in input order, and the booking total."""

    lines: tuple[LineSettlement, ...]

    @property
    def total_cents(self) -> int:
        """Sum of the lines' totals, in cents."""
        return sum(line.total_cents for line in self.lines)


def settle_line(
    *, unit_price_cents: int, unit: str, quantity: int, subsidy_cents: int = 0
) -> LineSettlement:
    """Return the payment for one weighed line at the locked quote price.

    Goods are ``amount_cents`` of the net quantity (rounded once); ``subsidy_cents`` is added
    as given (compute it with :func:`settle_booking` or ``line_subsidy_cents``).
    """
    if unit_price_cents < 0:
        raise SettlementError(f"unit_price_cents must not be negative, got {unit_price_cents}")
    if quantity < 0:
        raise SettlementError(f"quantity must not be negative, got {quantity}")
    if subsidy_cents < 0:
        raise SettlementError(f"subsidy_cents must not be negative, got {subsidy_cents}")
    goods = amount_cents(unit_price_cents=unit_price_cents, quantity=quantity, unit=unit)
    return LineSettlement(goods_cents=goods, subsidy_cents=subsidy_cents)


def settle_booking(
    lines: Sequence[WeighedLine], subsidy: SubsidyRule | None = None
) -> BookingSettlement:
    """Settle every line of a booking, applying the subsidy and its per-booking cap.

    Only per-kg lines of listed materials earn the subsidy; the cap is used up by lines in
    input order.
    """
    uncapped = [
        line_subsidy_cents(subsidy, material_code=line.material_code, net_grams=line.quantity)
        if line.unit == "kg"
        else 0
        for line in lines
    ]
    cap = subsidy.cap_cents_per_booking if subsidy is not None else 0
    granted = cap_subsidies(uncapped, cap)
    return BookingSettlement(
        lines=tuple(
            settle_line(
                unit_price_cents=line.unit_price_cents,
                unit=line.unit,
                quantity=line.quantity,
                subsidy_cents=paid,
            )
            for line, paid in zip(lines, granted, strict=True)
        )
    )


def shortfall_pct(quoted_cents: int, actual_cents: int) -> Decimal:
    """Return how far the actual amount falls below the quote, in percent of the quote.

    ``(quoted - actual) / quoted * 100`` rounded half-up to 0.01; negative when the actual
    amount is above the quote. The quote must be positive.
    """
    if quoted_cents <= 0:
        raise SettlementError(f"quoted_cents must be positive, got {quoted_cents}")
    exact = Decimal(quoted_cents - actual_cents) * HUNDRED / Decimal(quoted_cents)
    return exact.quantize(PERCENT_PLACES, rounding=ROUNDING)


def needs_resident_acceptance(quoted_cents: int, actual_cents: int, threshold_pct: Decimal) -> bool:
    """Return True when the actual amount is more than ``threshold_pct`` % below the quote.

    Compared exactly (no rounded percentage): ``(quoted - actual) * 100 > threshold * quoted``.
    A zero quote never needs acceptance (nothing was promised).
    """
    if not isinstance(threshold_pct, Decimal) or not threshold_pct.is_finite() or threshold_pct < 0:
        raise SettlementError(
            f"threshold_pct must be a non-negative Decimal, got {threshold_pct!r}"
        )
    if quoted_cents < 0 or actual_cents < 0:
        raise SettlementError(f"amounts must not be negative, got {quoted_cents}, {actual_cents}")
    return (quoted_cents - actual_cents) * HUNDRED > threshold_pct * quoted_cents
