"""Tests for pricing.auctions.sealed: sealed first-price tenders."""

import random

from hypothesis import given
from hypothesis import strategies as st

from pricing.auctions.sealed import SealedAward, SealedBid, latest_submissions, resolve_sealed


def test_highest_bid_wins_and_pays_own_bid():
    """First price: the best offer wins at exactly what it offered."""
    bids = [
        SealedBid("A", 80_000, 1, 1),
        SealedBid("B", 95_000, 2, 2),
        SealedBid("C", 90_000, 3, 3),
    ]
    assert resolve_sealed(bids) == SealedAward("B", 95_000)


def test_tie_goes_to_the_earliest_submission():
    """Equal offers: the earlier submission wins (then the lower seq)."""
    bids = [SealedBid("B", 90_000, 2, 2), SealedBid("A", 90_000, 1, 1)]
    assert resolve_sealed(bids).winner_id == "A"
    same_instant = [SealedBid("B", 90_000, 1, 6), SealedBid("A", 90_000, 1, 5)]
    assert resolve_sealed(same_instant).winner_id == "A"


def test_resubmission_replaces_earlier_offer_even_if_lower():
    """A bidder's latest submission is the one that counts."""
    bids = [
        SealedBid("A", 99_000, 1, 1),
        SealedBid("B", 90_000, 2, 2),
        SealedBid("A", 80_000, 3, 3),
    ]
    assert resolve_sealed(bids) == SealedAward("B", 90_000)
    assert sorted(b.amount_cents for b in latest_submissions(bids)) == [80_000, 90_000]


def test_no_bids_no_award():
    """A tender without bids awards nothing."""
    assert resolve_sealed([]) is None


sealed_bids = st.lists(
    st.builds(
        SealedBid,
        st.sampled_from(["A", "B", "C", "D"]),
        st.integers(1, 20).map(lambda n: n * 1_000),
        st.integers(0, 10),
        st.integers(0, 10**6),
    ),
    max_size=10,
    unique_by=lambda b: b.seq,
)


@given(bids=sealed_bids, seed=st.integers())
def test_winner_has_highest_latest_offer_regardless_of_order(bids, seed):
    """The earliest highest latest offer wins at its own amount, whatever the input order."""
    award = resolve_sealed(bids)
    counted = latest_submissions(bids)
    if not counted:
        assert award is None
        return
    top = max(b.amount_cents for b in counted)
    assert award.price_cents == top
    first = min((b for b in counted if b.amount_cents == top), key=lambda b: (b.placed_at, b.seq))
    assert award.winner_id == first.bidder_id
    shuffled = bids[:]
    random.Random(seed).shuffle(shuffled)
    assert resolve_sealed(shuffled) == award
