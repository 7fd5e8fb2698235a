"""Errors raised by the pricing rules.

Each carries the HTTP status the API maps it to (``status_code``) so ``api/errors.py`` can
translate them in one place; pricing itself knows nothing about HTTP beyond that number.
"""

from __future__ import annotations


class PricingError(ValueError):
    """Base class: the inputs break a published pricing rule."""

    status_code = 422


class MoneyError(PricingError):
    """An amount or quantity that cannot be priced (negative, unknown unit, not an integer)."""


class DeductionError(PricingError):
    """A deduction at the door breaks its published rule; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TariffNotFoundError(PricingError):
    """No tariff rate is in force for the material, grade, zone and date asked for."""

    status_code = 404


class TariffConflictError(PricingError):
    """Two different rates share material, grade, zone, valid_from and version."""

    status_code = 409


class SuggestionError(PricingError):
    """The inputs to a suggested resident price are unusable (no prices, bad margin...)."""


class SubsidyError(PricingError):
    """A subsidy cannot be computed (negative weight or negative cap)."""


class SettlementError(PricingError):
    """A weighed line cannot be settled (negative weight, bad quote, bad threshold...)."""


class AuctionInputError(PricingError):
    """Auction configuration or bid data is malformed (bad increment table, duplicate seq...)."""


class BidRejectedError(PricingError):
    """A bid breaks an auction rule; ``reason_code`` is stable and machine-readable.

    Codes: ``below_minimum``, ``auction_closed``, ``auction_not_open``, ``not_qualified``,
    ``deposit_too_small``, ``permit_not_covering``.
    """

    status_code = 409

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(f"{reason_code}: {message}")
        self.reason_code = reason_code
        self.message = message
