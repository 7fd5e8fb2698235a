"""Tests for pricing.auctions.bidding: bid validation and the serial replay."""

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.auctions.bidding import (
    AuctionParams,
    BidderStanding,
    SoftCloseParams,
    accept_bid,
    opening_state,
    replay,
    required_deposit_cents,
    validate_bid,
)
from pricing.auctions.increments import IncrementTier
from pricing.auctions.proxy import Bid, resolve_proxy
from pricing.errors import AuctionInputError, BidRejectedError

# Integer microseconds keep the arithmetic readable: the auction runs from 0 to 1,000.
PARAMS = AuctionParams(start_price_cents=10_000, end_at=1_000, starts_at=0)
SOFT = replace(PARAMS, soft_close=SoftCloseParams(window=100, extension=100, cap=250))
GOOD = BidderStanding(is_qualified=True, permit_covers_lot=True, deposit_cents=10**9)


def rejection(state, bid, params=PARAMS, standing=GOOD):
    with pytest.raises(BidRejectedError) as caught:
        validate_bid(state, bid, params, standing=standing)
    return caught.value.reason_code


def state_after(*bids, params=PARAMS):
    state = opening_state(params)
    for bid in bids:
        validate_bid(state, bid, params, standing=GOOD)
        state = accept_bid(state, bid, params)
    return state


def test_first_bid_at_start_price_is_accepted():
    """Before any bid, exactly the start price is enough."""
    validate_bid(opening_state(PARAMS), Bid("A", 10_000, 10, 1), PARAMS, standing=GOOD)


def test_first_bid_below_start_is_below_minimum():
    """Before any bid, one cent under the start price is refused."""
    assert rejection(opening_state(PARAMS), Bid("A", 9_999, 10, 1)) == "below_minimum"


def test_challenger_must_beat_price_by_an_increment():
    """At 125 CNY the next bid must be at least 130 CNY (increment 5 CNY)."""
    state = state_after(Bid("A", 12_000, 1, 1), Bid("B", 15_000, 2, 2))
    assert state.current_price_cents == 12_500
    assert rejection(state, Bid("C", 12_999, 3, 3)) == "below_minimum"
    validate_bid(state, Bid("C", 13_000, 3, 3), PARAMS, standing=GOOD)


def test_leader_may_raise_only_above_own_max():
    """The leader's new maximum must exceed their current maximum, not the price + increment."""
    state = state_after(Bid("A", 12_000, 1, 1), Bid("B", 15_000, 2, 2))
    assert rejection(state, Bid("B", 15_000, 3, 3)) == "below_minimum"
    validate_bid(state, Bid("B", 15_001, 3, 3), PARAMS, standing=GOOD)


def test_non_positive_bid_is_below_minimum():
    """A zero bid is refused even when the start price is zero."""
    free = replace(PARAMS, start_price_cents=0)
    assert rejection(opening_state(free), Bid("A", 0, 1, 1), params=free) == "below_minimum"


def test_bid_at_end_is_closed_and_before_opening_is_not_open():
    """placed_at >= end is closed; placed_at before starts_at is not open yet."""
    state = opening_state(PARAMS)
    assert rejection(state, Bid("A", 20_000, 1_000, 1)) == "auction_closed"
    assert rejection(state, Bid("A", 20_000, -1, 1)) == "auction_not_open"
    validate_bid(state, Bid("A", 20_000, 999, 1), PARAMS, standing=GOOD)


def test_extended_end_in_state_is_the_one_that_counts():
    """After a soft-close extension, a bid after the scheduled end is still accepted."""
    state = state_after(Bid("A", 12_000, 950, 1), params=SOFT)
    assert state.end_at == 1_100
    validate_bid(state, Bid("B", 13_000, 1_050, 2), SOFT, standing=GOOD)
    assert rejection(state, Bid("B", 13_000, 1_100, 2), params=SOFT) == "auction_closed"


@pytest.mark.parametrize(
    ("standing", "code"),
    [
        (BidderStanding(False, True, 10**9), "not_qualified"),
        (BidderStanding(True, False, 10**9), "permit_not_covering"),
        (BidderStanding(True, True, 4_999), "deposit_too_small"),
    ],
)
def test_standing_rejections(standing, code):
    """Unqualified bidders, uncovered permits and short deposits get their own codes."""
    params = replace(PARAMS, deposit_cents=5_000)
    state = opening_state(params)
    assert rejection(state, Bid("A", 20_000, 1, 1), params=params, standing=standing) == code


def test_checks_run_in_published_order():
    """A late bid from an unqualified bidder below the minimum is reported as closed first."""
    awful = BidderStanding(False, False, 0)
    assert rejection(opening_state(PARAMS), Bid("A", 1, 5_000, 1), standing=awful) == (
        "auction_closed"
    )
    assert rejection(opening_state(PARAMS), Bid("A", 1, 5, 1), standing=awful) == "not_qualified"


@pytest.mark.parametrize(
    "changes",
    [
        {"start_price_cents": -1},
        {"deposit_cents": -1},
        {"deposit_pct": 0.1},
        {"deposit_pct": Decimal(101)},
        {"tiers": (IncrementTier(0, 0),)},
    ],
)
def test_malformed_auction_params_are_refused(changes):
    """Negative prices or deposits, a float or out-of-range deposit %, or a bad table raise."""
    with pytest.raises(AuctionInputError):
        replace(PARAMS, **changes)


def test_required_deposit_is_larger_of_fixed_and_share():
    """Deposit = max(fixed, pct % of the bid): 10 % of 123.45 CNY is 1,234.5 -> 1,235 cents."""
    params = replace(PARAMS, deposit_cents=1_000, deposit_pct=Decimal(10))
    assert required_deposit_cents(12_345, params) == 1_235
    assert required_deposit_cents(5_000, params) == 1_000


def test_replay_skips_rejected_attempts():
    """Replay accepts valid attempts in time order and silently drops the others."""
    attempts = [
        Bid("A", 12_000, 1, 1),
        Bid("B", 10_400, 2, 2),  # below start 100 + 5 CNY: rejected
        Bid("B", 15_000, 3, 3),
        Bid("C", 16_000, 1_000, 4),  # at the end: closed
    ]
    state = replay(attempts, PARAMS)
    assert [b.seq for b in state.accepted_bids] == [1, 3]
    assert (state.leader_id, state.current_price_cents) == ("B", 12_500)


def test_replay_with_standings_drops_unknown_and_unqualified_bidders():
    """With standings given, bidders missing from them or unqualified are rejected."""
    attempts = [Bid("A", 12_000, 1, 1), Bid("X", 20_000, 2, 2), Bid("U", 20_000, 3, 3)]
    standings = {"A": GOOD, "U": BidderStanding(False, True, 10**9)}
    state = replay(attempts, PARAMS, standings=standings)
    assert state.leader_id == "A"
    assert [b.bidder_id for b in state.accepted_bids] == ["A"]


def test_replay_soft_close_chain_hits_cap():
    """Late bids keep extending by 100 until original end + 250; later bids are closed."""
    attempts = [
        Bid("A", 12_000, 950, 1),  # end 1,000 -> 1,100
        Bid("B", 13_000, 1_050, 2),  # -> 1,200
        Bid("A", 14_000, 1_150, 3),  # -> 1,250 (capped)
        Bid("B", 15_000, 1_249, 4),  # stays 1,250
        Bid("A", 16_000, 1_250, 5),  # closed
    ]
    state = replay(attempts, SOFT)
    assert state.end_at == 1_250
    assert [b.seq for b in state.accepted_bids] == [1, 2, 3, 4]
    assert state.leader_id == "B"


@st.composite
def attempts(draw):
    size = draw(st.integers(0, 15))
    seqs = draw(st.lists(st.integers(0, 10**6), min_size=size, max_size=size, unique=True))
    return [
        Bid(
            draw(st.sampled_from(["A", "B", "C"])),
            draw(st.integers(15, 60)) * 500,
            draw(st.integers(-50, 1_400)),
            seq,
        )
        for seq in seqs
    ]


@given(bids=attempts(), seed=st.integers())
def test_replay_is_order_free_and_consistent_with_proxy(bids, seed):
    """Replay ignores input order, and its state is resolve_proxy of what it accepted."""
    state = replay(bids, SOFT)
    shuffled = bids[:]
    random.Random(seed).shuffle(shuffled)
    assert replay(shuffled, SOFT) == state
    proxied = resolve_proxy(state.accepted_bids, SOFT.start_price_cents, SOFT.tiers)
    assert (proxied.current_price_cents, proxied.leader_id, proxied.leader_max_cents) == (
        state.current_price_cents,
        state.leader_id,
        state.leader_max_cents,
    )


@given(bids=attempts())
def test_replay_respects_time_and_cap(bids):
    """Accepted bids fall inside the opening and final end, which never passes end + cap."""
    state = replay(bids, SOFT)
    assert SOFT.end_at <= state.end_at <= SOFT.end_at + SOFT.soft_close.cap
    assert all(0 <= b.placed_at < state.end_at for b in state.accepted_bids)


@given(bids=attempts())
def test_every_accepted_bid_was_valid_when_placed(bids):
    """Re-validating each accepted bid against the state just before it never rejects."""
    state = opening_state(SOFT)
    for bid in replay(bids, SOFT).accepted_bids:
        validate_bid(state, bid, SOFT, standing=GOOD)
        state = accept_bid(state, bid, SOFT)
