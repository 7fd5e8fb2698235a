"""Tests for pricing.auctions.closing: soft close and the reserve."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.auctions.closing import default_reserve_cents, extend_end, reserve_met
from pricing.errors import AuctionInputError

END = datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def extend(end_at, placed_at, *, cap=30 * MIN):
    return extend_end(
        end_at, placed_at, window=5 * MIN, extension=5 * MIN, original_end=END, cap=cap
    )


def test_bid_in_last_minutes_extends_by_extension():
    """A bid 3 minutes before the end pushes the end 5 minutes later."""
    assert extend(END, END - 3 * MIN) == END + 5 * MIN


def test_bid_exactly_at_window_start_extends():
    """The window includes its first instant: end - window."""
    assert extend(END, END - 5 * MIN) == END + 5 * MIN


def test_bid_before_window_does_not_extend():
    """A bid 5 minutes and 1 microsecond before the end changes nothing."""
    assert extend(END, END - 5 * MIN - timedelta(microseconds=1)) == END


def test_bid_at_or_after_end_does_not_extend():
    """A bid at the end instant is too late (closed) and extends nothing."""
    assert extend(END, END) == END
    assert extend(END, END + MIN) == END


def test_extensions_stop_at_the_cap():
    """Already 28 minutes over with a 30-minute cap, the end moves only 2 more minutes."""
    current = END + 28 * MIN
    assert extend(current, current - MIN) == END + 30 * MIN
    assert extend(END + 30 * MIN, END + 29 * MIN) == END + 30 * MIN


def test_zero_cap_disables_soft_close():
    """With a cap of zero the end never moves."""
    assert extend(END, END - MIN, cap=timedelta(0)) == END


def test_integer_microseconds_work():
    """Timestamps and durations may be integer microseconds."""
    assert extend_end(1_000, 990, window=20, extension=20, original_end=1_000, cap=50) == 1_020


@pytest.mark.parametrize(
    ("window", "extension", "cap"),
    [(0, 5, 10), (5, 0, 10), (5, 5, -1)],
)
def test_bad_soft_close_parameters_raise(window, extension, cap):
    """Window and extension must be positive and the cap non-negative."""
    with pytest.raises(AuctionInputError):
        extend_end(100, 99, window=window, extension=extension, original_end=100, cap=cap)


@given(
    overrun=st.integers(0, 60),
    offset=st.integers(-120, 10),
    window=st.integers(1, 30),
    extension=st.integers(1, 30),
    cap=st.integers(0, 60),
)
def test_soft_close_bounds(overrun, offset, window, extension, cap):
    """The end never shrinks, never passes original + cap, and moves only for in-window bids."""
    original = 1_000
    end_at = original + min(overrun, cap)
    placed_at = end_at + offset
    new_end = extend_end(
        end_at, placed_at, window=window, extension=extension, original_end=original, cap=cap
    )
    assert end_at <= new_end <= original + cap
    assert new_end - end_at <= extension
    if new_end != end_at:
        assert end_at - window <= placed_at < end_at


def test_reserve_met():
    """The reserve is met at or above it, and always when there is none."""
    assert reserve_met(50_000, 50_000)
    assert not reserve_met(49_999, 50_000)
    assert reserve_met(1, None)


@pytest.mark.parametrize(
    ("index", "grams", "factor", "reserve"),
    [
        (150, 2_000_000, "0.9", 270_000),  # 3,000 CNY of index value x 90 %
        (137, 1_234, "0.85", 144),  # 169.058 x 0.85 = 143.6993 -> 144
        (137, 1_234, "0", 0),
    ],
)
def test_default_reserve_hand_worked(index, grams, factor, reserve):
    """Reserve = index cents/kg x net kg x factor, rounded once half-up."""
    assert default_reserve_cents(index, grams, Decimal(factor)) == reserve


@pytest.mark.parametrize(
    ("index", "factor"), [(150, 0.9), (150, Decimal("-0.1")), (-1, Decimal("0.9"))]
)
def test_default_reserve_rejects_bad_inputs(index, factor):
    """A float or negative factor, or a negative index price, raises."""
    with pytest.raises(AuctionInputError):
        default_reserve_cents(index, 1_000, factor)


@given(
    index=st.integers(0, 10_000),
    grams=st.integers(0, 10**8),
    factor=st.integers(0, 200).map(lambda n: Decimal(n) / 100),
)
def test_default_reserve_matches_integer_half_up(index, grams, factor):
    """The reserve is the exact product rounded once: integer half-up of index x g x f / 1000."""
    numerator = index * grams * int(factor * 100)
    assert default_reserve_cents(index, grams, factor) == (2 * numerator + 100_000) // 200_000
