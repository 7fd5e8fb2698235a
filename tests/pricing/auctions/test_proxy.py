"""Tests for pricing.auctions.proxy: proxy bidding in an English auction, and the runner-up."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.auctions.increments import DEFAULT_INCREMENT_TIERS, increment_at
from pricing.auctions.proxy import (
    AuctionState,
    Bid,
    RunnerUp,
    apply_bid,
    order_bids,
    rank_bidders,
    resolve_proxy,
    runner_up,
)
from pricing.errors import AuctionInputError

START = 10_000  # 100 CNY; increments are 500 cents from here to 1,000 CNY


def bid(bidder, amount, at, seq=None):
    return Bid(bidder, amount, at, at if seq is None else seq)


def test_single_bidder_pays_start_price():
    """With no competitor the leader pays the start price, whatever their maximum."""
    state = resolve_proxy([bid("A", 50_000, 1)], START)
    assert (state.leader_id, state.current_price_cents, state.leader_max_cents) == (
        "A",
        START,
        50_000,
    )


def test_no_bids_no_leader():
    """Without bids there is no leader and the price is the start price."""
    state = resolve_proxy([], START)
    assert state == AuctionState(current_price_cents=START)
    assert not state.has_bids


def test_challenger_above_leader_max_leads_one_increment_above_it():
    """A 150 CNY max beats a 120 CNY max at 120 + 5 = 125 CNY."""
    state = resolve_proxy([bid("A", 12_000, 1), bid("B", 15_000, 2)], START)
    assert (state.leader_id, state.current_price_cents) == ("B", 12_500)


def test_price_is_capped_at_the_leaders_max():
    """When max + increment would exceed the winner's max, the winner pays their max."""
    state = resolve_proxy([bid("A", 12_000, 1), bid("B", 12_200, 2)], START)
    assert (state.leader_id, state.current_price_cents) == ("B", 12_200)


def test_challenger_below_leader_max_pushes_the_price():
    """A lower challenger pushes the price to their max + increment; the leader keeps the lead."""
    state = resolve_proxy([bid("A", 20_000, 1), bid("B", 13_000, 2)], START)
    assert (state.leader_id, state.current_price_cents) == ("A", 13_500)


def test_tie_goes_to_earliest_at_the_tied_max():
    """Equal maxima: the earlier bid wins and the price is that maximum."""
    state = resolve_proxy([bid("B", 15_000, 2), bid("A", 15_000, 1)], START)
    assert (state.leader_id, state.current_price_cents) == ("A", 15_000)


def test_tie_on_timestamp_is_broken_by_seq():
    """Equal maxima placed in the same microsecond: the lower seq wins."""
    state = resolve_proxy([bid("B", 15_000, 5, seq=8), bid("A", 15_000, 5, seq=7)], START)
    assert state.leader_id == "A"


def test_leader_raising_own_max_does_not_raise_price():
    """The leader raising their maximum leaves the price where competitors put it."""
    before = resolve_proxy([bid("A", 12_000, 1), bid("B", 15_000, 2)], START)
    after = resolve_proxy([*before.accepted_bids, bid("B", 30_000, 3)], START)
    assert after.current_price_cents == before.current_price_cents == 12_500
    assert (after.leader_id, after.leader_max_cents) == ("B", 30_000)


def test_leader_raising_after_a_tie_keeps_the_tied_price():
    """After a tie at 150 CNY, the leader raising to 200 CNY still pays 150 CNY."""
    bids = [bid("A", 15_000, 1), bid("B", 15_000, 2), bid("A", 20_000, 3)]
    state = resolve_proxy(bids, START)
    assert (state.leader_id, state.current_price_cents) == ("A", 15_000)


def test_outbid_bidder_matching_the_leader_loses_the_tie():
    """A bidder who later matches the leader's max loses: the leader placed it first."""
    bids = [bid("A", 12_000, 1), bid("B", 15_000, 2), bid("A", 15_000, 3)]
    state = resolve_proxy(bids, START)
    assert (state.leader_id, state.current_price_cents) == ("B", 15_000)


def test_bids_below_start_are_ignored():
    """A maximum below the start price can neither lead nor move the price."""
    state = resolve_proxy([bid("A", 9_999, 1), bid("B", 10_000, 2)], START)
    assert (state.leader_id, state.current_price_cents) == ("B", START)
    assert [b.bidder_id for b in state.accepted_bids] == ["B"]


def test_datetime_timestamps_work():
    """placed_at may be an aware datetime instead of integer microseconds."""
    t0 = datetime(2025, 6, 1, 9, tzinfo=UTC)
    bids = [Bid("B", 15_000, t0 + timedelta(seconds=2), 2), Bid("A", 15_000, t0, 1)]
    assert resolve_proxy(bids, START).leader_id == "A"


def test_duplicate_timestamp_and_seq_is_an_input_error():
    """Two bids with the same (placed_at, seq) have no defined order."""
    with pytest.raises(AuctionInputError):
        order_bids([bid("A", 12_000, 1, seq=1), bid("B", 13_000, 1, seq=1)])


def test_apply_bid_matches_resolve_proxy_step_by_step():
    """Folding apply_bid over bids in time order gives the resolve_proxy state."""
    bids = [bid("A", 12_000, 1), bid("B", 15_000, 2), bid("C", 14_000, 3)]
    state = AuctionState(current_price_cents=START)
    for b in bids:
        state = apply_bid(state, b, start_price_cents=START)
    assert state == resolve_proxy(bids, START)
    assert (state.leader_id, state.current_price_cents) == ("B", 14_500)


def test_runner_up_is_next_best_at_own_max():
    """The runner-up is the second-best bidder, offered at their own maximum."""
    bids = [bid("A", 12_000, 1), bid("B", 15_000, 2), bid("C", 14_000, 3), bid("A", 13_000, 4)]
    assert runner_up(bids) == RunnerUp("C", 14_000)
    assert runner_up(bids, excluded={"C"}) == RunnerUp("A", 13_000)
    assert runner_up(bids, excluded={"C", "A"}) is None


def test_runner_up_with_tie_is_the_later_bidder():
    """With tied maxima the earlier bidder wins, the later one is runner-up at that max."""
    assert runner_up([bid("A", 15_000, 1), bid("B", 15_000, 2)]) == RunnerUp("B", 15_000)


def test_no_runner_up_with_one_bidder():
    """A single bidder (however many bids) leaves no runner-up."""
    assert runner_up([bid("A", 12_000, 1), bid("A", 15_000, 2)]) is None


# --- properties ---------------------------------------------------------------------------


@st.composite
def bid_lists(draw, *, max_size=12, distinct_bidders=False):
    """Bids with unique seq, a few bidders, maxima around the start price, int timestamps."""
    size = draw(st.integers(0, max_size))
    seqs = draw(st.lists(st.integers(0, 10_000), min_size=size, max_size=size, unique=True))
    pool = [f"P{n}" for n in range(size)] if distinct_bidders else ["P0", "P1", "P2", "P3"]
    bids = []
    for index, seq in enumerate(seqs):
        bidder = pool[index] if distinct_bidders else draw(st.sampled_from(pool))
        # Coarse amounts make ties between maxima common.
        amount = draw(st.integers(18, 80)) * 500 + draw(st.sampled_from([0, 0, 0, 100, 250]))
        placed_at = draw(st.integers(0, 20))
        bids.append(Bid(bidder, amount, placed_at, seq))
    return bids


@given(bids=bid_lists())
def test_price_between_start_and_leader_max(bids):
    """The price is never below the start price nor above the leader's maximum."""
    state = resolve_proxy(bids, START)
    assert state.current_price_cents >= START
    if state.leader_id is not None:
        assert state.current_price_cents <= state.leader_max_cents


@given(bids=bid_lists(), seed=st.integers())
def test_outcome_does_not_depend_on_input_order(bids, seed):
    """Shuffling the bids changes nothing: only timestamps and seq order them."""
    shuffled = bids[:]
    random.Random(seed).shuffle(shuffled)
    assert resolve_proxy(shuffled, START) == resolve_proxy(bids, START)


@given(bids=bid_lists())
def test_winner_has_highest_max_and_earliest_wins_ties(bids):
    """The leader holds the highest maximum and reached it before anyone else did."""
    state = resolve_proxy(bids, START)
    valid = [b for b in bids if b.max_amount_cents >= START]
    if not valid:
        assert state.leader_id is None
        return
    top = max(b.max_amount_cents for b in valid)
    first_to_top = min(
        (b for b in valid if b.max_amount_cents == top), key=lambda b: (b.placed_at, b.seq)
    )
    assert state.leader_max_cents == top
    assert state.leader_id == first_to_top.bidder_id


@given(bids=bid_lists(distinct_bidders=True))
def test_one_bid_each_matches_the_closed_form_rule(bids):
    """With one bid per bidder: price = min(leader max, second max + increment), tie = max."""
    state = resolve_proxy(bids, START)
    maxima = sorted((b.max_amount_cents for b in bids if b.max_amount_cents >= START), reverse=True)
    if len(maxima) < 2:
        expected = START
    elif maxima[0] == maxima[1]:
        expected = maxima[0]
    else:
        expected = min(maxima[0], maxima[1] + increment_at(maxima[1], DEFAULT_INCREMENT_TIERS))
    assert state.current_price_cents == expected


def closed_form_price(bids):
    ranked = rank_bidders([b for b in bids if b.max_amount_cents >= START])
    if len(ranked) < 2:
        return START
    first, second = ranked[0].amount_cents, ranked[1].amount_cents
    if first == second:
        return first
    return min(first, second + increment_at(second, DEFAULT_INCREMENT_TIERS))


@given(bids=bid_lists())
def test_histories_without_self_raises_match_the_closed_form(bids):
    """Unless a leader raised their own maximum, price = the closed form over bidders' maxima."""
    state = AuctionState(current_price_cents=START)
    leader_raised = False
    for b in order_bids(bids):
        leader_raised |= b.max_amount_cents >= START and b.bidder_id == state.leader_id
        state = apply_bid(state, b, start_price_cents=START)
    if not leader_raised:
        assert state.current_price_cents == closed_form_price(bids)


@given(bids=bid_lists(), raise_by=st.integers(1, 50_000))
def test_leader_raising_never_moves_the_price(bids, raise_by):
    """A later, higher bid by the current leader changes the leader's max only."""
    state = resolve_proxy(bids, START)
    if state.leader_id is None:
        return
    raised = Bid(state.leader_id, state.leader_max_cents + raise_by, 100, 99_999)
    after = resolve_proxy([*bids, raised], START)
    assert after.current_price_cents == state.current_price_cents
    assert after.leader_id == state.leader_id
    assert after.leader_max_cents == state.leader_max_cents + raise_by


@given(bids=bid_lists())
def test_price_never_falls_as_bids_arrive(bids):
    """Each later bid leaves the price at least where it was."""
    ordered = order_bids(bids)
    prices = [
        resolve_proxy(ordered[:n], START).current_price_cents for n in range(len(ordered) + 1)
    ]
    assert prices == sorted(prices)


@given(bids=bid_lists())
def test_runner_up_is_best_non_winner(bids):
    """The runner-up is not the winner and no other non-winner has a higher maximum."""
    state = resolve_proxy(bids, START)
    second = runner_up(state.accepted_bids)
    others = {b.bidder_id for b in state.accepted_bids} - {state.leader_id}
    if not others:
        assert second is None
        return
    assert second.bidder_id != state.leader_id
    assert second.amount_cents <= state.leader_max_cents
    best_other = max(b.max_amount_cents for b in state.accepted_bids if b.bidder_id in others)
    assert second.amount_cents == best_other
    assert rank_bidders(state.accepted_bids)[0].bidder_id == state.leader_id
