"""pricing.quotes: the rate in force per item and the exact total."""

from __future__ import annotations

from datetime import date

import pytest

from pricing.errors import TariffNotFoundError
from pricing.quotes import QuoteItem, quote_items
from pricing.tariffs import TariffRate

RATES = [
    TariffRate("copper", "bright", None, "kg", 5200, date(2026, 1, 1), 1),
    TariffRate("fridge", "broken", None, "piece", 3000, date(2026, 1, 1), 1),
]


def test_kg_lines_round_half_up_once_and_pieces_multiply():
    """333 g of copper at 52.00/kg is 1731.6 cents -> 1732; two fridges are 6000 cents."""
    items = [
        QuoteItem("copper", "metal", "bright", "kg", 333),
        QuoteItem("fridge", "e_waste", "broken", "piece", 2),
    ]
    quote = quote_items(items, RATES, zone_code="z", on=date(2026, 6, 1))
    assert [line.estimated_amount_cents for line in quote.lines] == [1732, 6000]
    assert quote.estimated_total_cents == 7732


def test_missing_rate_raises():
    """An item with no rate in force is an error, never a zero price."""
    items = [QuoteItem("copper", "metal", "mixed", "kg", 1000)]
    with pytest.raises(TariffNotFoundError):
        quote_items(items, RATES, zone_code="z", on=date(2026, 6, 1))
