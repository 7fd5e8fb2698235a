"""Tests for pricing.auctions.increments: the increment table and the minimum next bid."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.auctions.increments import (
    DEFAULT_INCREMENT_TIERS,
    IncrementTier,
    check_tiers,
    increment_at,
    min_next_bid,
)
from pricing.errors import AuctionInputError


@pytest.mark.parametrize(
    ("price", "increment"),
    [
        (0, 100),
        (9_999, 100),
        (10_000, 500),
        (99_999, 500),
        (100_000, 2_000),
        (500_000, 5_000),
        (2_000_000, 20_000),
        (10_000_000, 50_000),
        (10**12, 50_000),
    ],
)
def test_default_increment_at_tier_boundaries(price, increment):
    """Each tier starts at its from_cents inclusive: 99.99 CNY bids +1 CNY, 100 CNY +5 CNY."""
    assert increment_at(price, DEFAULT_INCREMENT_TIERS) == increment


def test_default_table_is_well_formed():
    """The published default table passes its own validation."""
    assert check_tiers(DEFAULT_INCREMENT_TIERS) == DEFAULT_INCREMENT_TIERS


@pytest.mark.parametrize(
    "tiers",
    [
        [],
        [IncrementTier(100, 10)],
        [IncrementTier(0, 0)],
        [IncrementTier(0, 10), IncrementTier(0, 20)],
        [IncrementTier(0, 10), IncrementTier(500, 20), IncrementTier(400, 30)],
        [IncrementTier(0, 50), IncrementTier(500, 20)],
    ],
)
def test_malformed_tables_are_refused(tiers):
    """Empty, not starting at 0, non-positive, unordered or shrinking tables raise."""
    with pytest.raises(AuctionInputError):
        check_tiers(tiers)


def test_negative_price_has_no_increment():
    """A negative price is an input error."""
    with pytest.raises(AuctionInputError):
        increment_at(-1, DEFAULT_INCREMENT_TIERS)


def test_min_next_bid_before_first_bid_is_start_price():
    """Before any bid, the start price itself may be bid."""
    assert min_next_bid(50_000, False, 50_000) == 50_000


def test_min_next_bid_after_bids_adds_increment():
    """After bids, the next bid must be the current price plus the increment at that price."""
    assert min_next_bid(50_000, True, 40_000) == 50_500
    assert min_next_bid(9_950, True, 5_000) == 10_050
    assert min_next_bid(100_000, True, 5_000) == 102_000


def test_min_next_bid_never_below_start():
    """Even with an inconsistent current price, the minimum is never below the start."""
    assert min_next_bid(0, True, 40_000) == 40_000


prices = st.integers(0, 10**9)


@given(low=prices, high=prices)
def test_increment_is_monotone_in_price(low, high):
    """A higher price never has a smaller increment."""
    low, high = sorted((low, high))
    assert increment_at(low, DEFAULT_INCREMENT_TIERS) <= increment_at(high, DEFAULT_INCREMENT_TIERS)


@given(low=prices, high=prices, start=st.integers(0, 10**6))
def test_min_next_bid_is_above_current_and_strictly_increasing(low, high, start):
    """The minimum next bid exceeds the current price and rises strictly with it."""
    low, high = sorted((low, high))
    at_low = min_next_bid(low, True, 0)
    at_high = min_next_bid(high, True, 0)
    assert at_low > low
    if high > low:
        assert at_high > at_low
    assert min_next_bid(low, True, start) >= start
