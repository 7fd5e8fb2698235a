"""Marketplace settings: the app's configuration with documented defaults."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app

DEFAULTS = {
    # Earnest money a bidder must hold: max(AUCTION_DEPOSIT_CENTS, AUCTION_DEPOSIT_PCT % of bid).
    "AUCTION_DEPOSIT_CENTS": 0,
    "AUCTION_DEPOSIT_PCT": "10",
    # Soft close: a bid in the last window pushes the end back by the extension, up to the cap.
    "AUCTION_SOFT_CLOSE_WINDOW_SECONDS": 120,
    "AUCTION_SOFT_CLOSE_EXTENSION_SECONDS": 120,
    "AUCTION_SOFT_CLOSE_CAP_SECONDS": 1800,
    # The winner pays within this; a runner-up offered the lot has the shorter offer window.
    "AUCTION_PAYMENT_HOURS": 48,
    "AUCTION_OFFER_HOURS": 24,
    # Default hidden reserve: 90 % of the recent clearing price index for the grade, or, with
    # no sales yet, the resident tariff in force x 1.0 (never sell below what residents got).
    "AUCTION_RESERVE_INDEX_FACTOR": "0.9",
    "AUCTION_RESERVE_TARIFF_FACTOR": "1.0",
    "AUCTION_INDEX_DAYS": 30,
    # Suggested resident prices from clearing prices (pricing.suggest_resident_price).
    "TARIFF_MARGIN_PCT": "15",
    "HANDLING_COST_CENTS_PER_KG": 20,
    "TARIFF_FLOOR_CENTS_PER_KG": 10,
}


def setting(name: str):
    """The configured value of ``name``, or its default."""
    return current_app.config.get(name, DEFAULTS[name])


def decimal_setting(name: str) -> Decimal:
    """A setting read as an exact ``Decimal`` (configured as a string or int, never a float)."""
    value = setting(name)
    if isinstance(value, float):
        raise TypeError(f"{name} must be a string or int, not a float")
    return Decimal(str(value))
