"""Quotes: the price of each item a resident wants picked up, from the tariff in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pricing.deductions import DeductionRule, default_rules_for
from pricing.money import amount_cents
from pricing.tariffs import TariffRate, select_rate


@dataclass(frozen=True)
class QuoteItem:
    """What the resident expects to hand over: grams for kg materials, else pieces."""

    material_code: str
    category: str
    grade: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class QuoteLine:
    """One priced item, with the deductions that may apply at the door."""

    item: QuoteItem
    rate: TariffRate
    estimated_amount_cents: int
    deduction_rules: tuple[DeductionRule, ...]


@dataclass(frozen=True)
class Quote:
    """A priced list of items; the total is the sum of the rounded lines."""

    zone_code: str
    quoted_on: date
    lines: tuple[QuoteLine, ...]

    @property
    def estimated_total_cents(self) -> int:
        """Sum of the line amounts (each already rounded once)."""
        return sum(line.estimated_amount_cents for line in self.lines)


def quote_items(
    items: Sequence[QuoteItem], rates: Sequence[TariffRate], *, zone_code: str, on: date
) -> Quote:
    """Price ``items`` with the rates in force in ``zone_code`` on ``on``.

    Raises ``TariffNotFoundError`` when an item has no rate.
    """
    lines = []
    for item in items:
        rate = select_rate(
            rates, material_code=item.material_code, grade=item.grade, zone_code=zone_code, on=on
        )
        amount = amount_cents(
            unit_price_cents=rate.price_cents_per_unit, quantity=item.quantity, unit=item.unit
        )
        lines.append(QuoteLine(item, rate, amount, default_rules_for(item.category)))
    return Quote(zone_code=zone_code, quoted_on=on, lines=tuple(lines))
