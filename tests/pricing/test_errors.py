"""Tests for pricing.errors: what the API layer relies on to map errors once."""

import pytest

from pricing.errors import (
    AuctionInputError,
    BidRejectedError,
    DeductionError,
    MoneyError,
    PricingError,
    SettlementError,
    SubsidyError,
    SuggestionError,
    TariffConflictError,
    TariffNotFoundError,
)


@pytest.mark.parametrize(
    ("error_class", "status"),
    [
        (MoneyError, 422),
        (DeductionError, 422),
        (SubsidyError, 422),
        (SuggestionError, 422),
        (SettlementError, 422),
        (AuctionInputError, 422),
        (TariffNotFoundError, 404),
        (TariffConflictError, 409),
        (BidRejectedError, 409),
    ],
)
def test_every_error_is_a_pricing_error_with_its_status(error_class, status):
    """Each error derives from PricingError (a ValueError) and carries its HTTP status."""
    assert issubclass(error_class, PricingError)
    assert issubclass(error_class, ValueError)
    assert error_class.status_code == status


def test_deduction_error_names_the_field():
    """DeductionError keeps the offending field apart from the message."""
    error = DeductionError("percent", "too high")
    assert error.field == "percent"
    assert error.message == "too high"
    assert str(error) == "percent: too high"


def test_bid_rejected_error_keeps_the_reason_code():
    """BidRejectedError keeps a machine-readable reason code apart from the message."""
    error = BidRejectedError("below_minimum", "bid more")
    assert error.reason_code == "below_minimum"
    assert error.message == "bid more"
    assert str(error) == "below_minimum: bid more"
