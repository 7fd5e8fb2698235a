"""Minimum-sample and outlier pre-filter: what is dropped, what is kept, what is flagged."""

import pytest

from warehouse.indices import IndexInputError, Observation, SampleParams, apply_sample_rules


def obs(period: int, product: str, price: float, kg: float = 100.0) -> Observation:
    """An observation with 100 kg unless said otherwise."""
    return Observation(period, product, price, kg)


def test_products_below_the_minimum_kg_are_dropped_for_that_period_only():
    """A thin period for one product drops that product-period, not the product."""
    result = apply_sample_rules(
        [obs(1, "a", 1.0, kg=5.0), obs(1, "b", 1.0), obs(2, "a", 1.0, kg=50.0)],
        SampleParams(min_quantity=10.0, max_relative=None),
    )
    assert [(o.period, o.product) for o in result.kept] == [(1, "b"), (2, "a")]
    assert result.dropped[0].observation == obs(1, "a", 1.0, kg=5.0)
    assert "below the minimum of 10 kg" in result.dropped[0].reason


@pytest.mark.parametrize(
    ("price", "is_kept"), [(3.99, True), (4.0, True), (4.01, False), (0.25, True), (0.249, False)]
)
def test_price_relatives_outside_one_quarter_to_four_are_dropped(price, is_kept):
    """The default band [1/4, 4] is inclusive at both ends."""
    result = apply_sample_rules([obs(1, "a", 1.0), obs(2, "a", price)])
    assert (obs(2, "a", price) in result.kept) is is_kept


def test_a_product_returning_after_a_dropped_spike_is_kept():
    """After a dropped spike the product has no kept previous price, so its return is kept."""
    result = apply_sample_rules([obs(1, "a", 1.0), obs(2, "a", 10.0), obs(3, "a", 1.1)])
    assert [o.period for o in result.kept] == [1, 3]
    assert [d.observation.period for d in result.dropped] == [2]
    assert "outside [1/4, 4]" in result.dropped[0].reason


def test_periods_with_too_few_matched_products_are_flagged_not_dropped():
    """Flagged periods keep their observations; the count is of products kept in both."""
    data = [obs(1, "a", 1.0), obs(1, "b", 1.0), obs(2, "a", 1.0), obs(2, "c", 1.0)]
    result = apply_sample_rules(data, SampleParams(min_matched=2))
    assert result.flagged == ((2, 1),)
    assert len(result.kept) == 4


def test_the_first_period_is_flagged_on_its_number_of_products():
    """The first period has nothing to match, so its product count is compared."""
    result = apply_sample_rules([obs(1, "a", 1.0)], SampleParams(min_matched=2))
    assert result.flagged == ((1, 1),)


@pytest.mark.parametrize(
    "params",
    [{"min_quantity": -1.0}, {"max_relative": 1.0}, {"max_relative": 0.5}, {"min_matched": -1}],
)
def test_nonsensical_thresholds_are_refused(params):
    """Negative kg, a band that excludes everything, or negative counts raise."""
    with pytest.raises(IndexInputError):
        SampleParams(**params)
