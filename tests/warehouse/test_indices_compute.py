"""compute_index: argument checks, period handling and the choice of full or rolling window."""

import pytest

from warehouse.indices import IndexInputError, Observation, compute_index
from warehouse.indices.observations import build_panel, merge_unit_values


def two_products(periods: list) -> list[Observation]:
    """Two products whose prices rise by 10% and 20% a period."""
    return [
        Observation(period, product, base * growth**t, 1.0 + t)
        for t, period in enumerate(periods)
        for product, base, growth in (("a", 1.0, 1.1), ("b", 2.0, 1.2))
    ]


@pytest.mark.parametrize(
    ("method", "options", "message"),
    [
        ("hedonic", {}, "unknown method 'hedonic'"),
        ("geks-fisher", {"splice": "wisp"}, "unknown splice 'wisp'"),
        ("geks-fisher", {"window": 1}, "window must be an integer of at least 2"),
        ("geks-fisher", {"window": 2.5}, "window must be an integer of at least 2"),
        ("fisher", {"window": 3}, "a window applies only to GEKS methods"),
        ("geks-fisher", {"splice_onto": "latest"}, "splice_onto must be one of"),
    ],
)
def test_bad_arguments_are_refused(method, options, message):
    """Unknown methods and splices, windows below 2 or on bilateral methods raise clearly."""
    with pytest.raises(IndexInputError, match=message):
        compute_index(two_products([1, 2, 3]), method, **options)


def test_no_observations_is_refused():
    """An empty input cannot be indexed."""
    with pytest.raises(IndexInputError, match="no observations"):
        compute_index([], "jevons")


def test_observations_refuse_non_positive_prices_and_quantities():
    """A price or quantity that is zero, negative or NaN is an error, not a silent value."""
    for price, quantity in ((0.0, 1.0), (1.0, -2.0), (float("nan"), 1.0)):
        with pytest.raises(IndexInputError, match="positive finite"):
            Observation("2024-01", "a", price, quantity)


def test_periods_are_ordered_whatever_the_input_order():
    """String periods are ordered as strings, integers numerically, independent of row order."""
    strings = compute_index(two_products(["2024-10", "2024-09", "2024-11"]), "jevons")
    assert [period for period, _ in strings] == ["2024-09", "2024-10", "2024-11"]
    integers = compute_index(two_products([10, 9, 11]), "jevons")
    assert [period for period, _ in integers] == [9, 10, 11]


def test_mixed_integer_and_string_periods_are_refused():
    """Periods 1 and '2024-01' have no common order."""
    with pytest.raises(IndexInputError, match="mix integers and strings"):
        compute_index(two_products([1, "2024-01"]), "jevons")


def test_window_at_least_the_number_of_periods_is_the_full_geks():
    """A window as long as the data (or longer) is one GEKS window: no splicing happens."""
    data = two_products([1, 2, 3, 4])
    full = compute_index(data, "geks-tornqvist")
    assert compute_index(data, "geks-tornqvist", window=4) == full
    assert compute_index(data, "geks-tornqvist", window=40) == full
    assert compute_index(data, "geks-tornqvist", window=3) != full


def test_duplicate_rows_are_merged_into_one_unit_value():
    """Two purchases of one product in one period price it at paid / kg of both together."""
    merged = merge_unit_values(
        [
            Observation(1, "a", 2.0, 1.0),
            Observation(1, "a", 5.0, 3.0),
            Observation(1, "b", 1.0, 1.0),
        ]
    )
    assert merged == [Observation(1, "a", 17.0 / 4.0, 4.0), Observation(1, "b", 1.0, 1.0)]
    panel = build_panel([Observation(2, "a", 1.0, 1.0), *merged])
    assert panel.periods == (1, 2) and panel.products == ("a", "b")
