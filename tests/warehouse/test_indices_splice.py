"""Splicing a new window onto a published series: reference values and the no-revision rule."""

from pathlib import Path

import pytest

from warehouse.indices import (
    IndexInputError,
    compute_index,
    splice_onto_previous_window,
    splice_onto_published,
)
from warehouse.indices.csv_input import read_observations

DATA = Path(__file__).parent / "data"

# marberts/gpindex reference/splice_index.md: period-over-period indexes of three rolling
# windows, x <- list(c(1.1, 0.9, 1.2), c(0.8, 1.3, 1.4), c(1.3, 1.3, 0.8)).
GPINDEX_WINDOWS = [(1.1, 0.9, 1.2), (0.8, 1.3, 1.4), (1.3, 1.3, 0.8)]


def window_levels(start: int, movements: tuple[float, ...]) -> dict[int, float]:
    """Levels over periods start .. start + len(movements), from period-over-period indexes."""
    levels = {start: 1.0}
    for offset, movement in enumerate(movements, start=1):
        levels[start + offset] = levels[start + offset - 1] * movement
    return levels


def splice_gpindex_example(splice: str, onto: str) -> list[float]:
    """Splice gpindex's three windows one after another; values of periods 1-5."""
    windows = [window_levels(start, x) for start, x in enumerate(GPINDEX_WINDOWS)]
    published = dict(windows[0])
    for previous, current in zip(windows, windows[1:], strict=False):
        if onto == "published":
            published = splice_onto_published(published, current, splice)
        else:
            published = splice_onto_previous_window(published, previous, current, splice)
    return [published[period] for period in range(1, 6)]


@pytest.mark.parametrize(
    ("splice", "onto", "expected"),
    [
        ("mean", "previous", [1.100000, 0.990000, 1.188000, 1.686819, 1.284405]),
        ("movement", "previous", [1.10000, 0.99000, 1.18800, 1.66320, 1.33056]),
        ("movement", "published", [1.10000, 0.99000, 1.18800, 1.66320, 1.33056]),
        ("window", "previous", [1.10000, 0.99000, 1.18800, 1.60160, 1.18976]),
        ("window", "published", [1.10000, 0.99000, 1.18800, 1.60160, 1.33848]),
    ],
)
def test_splices_match_gpindex_splice_index_examples(splice, onto, expected):
    """splice_index(x), (x, 3), (x, 1) and (x, 1, published = TRUE) from gpindex's docs."""
    assert splice_gpindex_example(splice, onto) == pytest.approx(expected, abs=1e-6)


def test_published_values_are_returned_unchanged():
    """Splicing copies every published value as is and adds only the new period."""
    published = {"2024-01": 1.0, "2024-02": 1.0123456789, "2024-03": 0.97}
    window = {"2024-02": 1.0, "2024-03": 1.5, "2024-04": 2.0}
    for splice in ("movement", "window", "half", "mean"):
        extended = splice_onto_published(published, window, splice)
        assert {k: extended[k] for k in published} == published
        assert list(extended) == [*published, "2024-04"]


def test_published_mean_splice_is_the_geometric_mean_over_the_overlap():
    """P(n) = geomean over overlap k of P(k) W(n) / W(k), worked out by hand."""
    published = {1: 1.0, 2: 2.0, 3: 4.0}
    window = {2: 1.0, 3: 3.0, 4: 6.0}
    # k = 2: 2.0 * 6 / 1 = 12;  k = 3: 4.0 * 6 / 3 = 8;  geomean = sqrt(96)
    assert splice_onto_published(published, window, "mean")[4] == pytest.approx(96**0.5)
    assert splice_onto_published(published, window, "movement")[4] == pytest.approx(8.0)
    assert splice_onto_published(published, window, "window")[4] == pytest.approx(12.0)


def test_half_splice_links_on_the_middle_of_the_window():
    """For a 13-period window the half splice links on its 7th period."""
    published = {t: 1.0 + t / 100 for t in range(1, 14)}
    window = {t: 1.0 + t / 10 for t in range(2, 15)}
    expected = published[8] * window[14] / window[8]
    assert splice_onto_published(published, window, "half")[14] == pytest.approx(expected)


def test_half_splice_on_an_even_window_links_before_the_middle():
    """For 4 periods the half splice links on the 2nd: position (4 - 1) // 2 = 1.

    This follows IndexNumR, which indexes its window at (w - 1) / 2 + 1 and so truncates 2.5
    to the 2nd period.
    """
    published = {1: 1.0, 2: 1.5, 3: 1.2, 4: 1.1}
    window = {2: 1.0, 3: 0.9, 4: 0.8, 5: 0.7}
    expected = published[3] * window[5] / window[3]
    assert splice_onto_published(published, window, "half")[5] == pytest.approx(expected)


def test_nightly_extension_reproduces_the_rolling_index():
    """Extending one period at a time from the window's data equals compute_index(window=5)."""
    with open(DATA / "ces_sigma_2.csv", newline="") as handle:
        observations = read_observations(handle)
    rolling = compute_index(observations, "geks-tornqvist", window=5, splice="mean")
    published = dict(rolling[:5])
    for new_period in range(6, 13):
        in_window = [o for o in observations if new_period - 5 < o.period <= new_period]
        window = dict(compute_index(in_window, "geks-tornqvist"))
        published = splice_onto_published(published, window, "mean")
    assert list(published) == [period for period, _ in rolling]
    assert list(published.values()) == pytest.approx([level for _, level in rolling], abs=1e-12)


@pytest.mark.parametrize(
    ("published", "window", "message"),
    [
        ({}, {1: 1.0, 2: 1.1}, "published series is empty"),
        ({1: 1.0, 2: 1.1, 3: 1.2}, {1: 1.0, 2: 1.1, 4: 1.3}, "last published period 3"),
        ({1: 1.0, 3: 1.2}, {2: 1.0, 3: 1.1, 4: 1.3}, "never published"),
    ],
)
def test_inconsistent_windows_are_refused(published, window, message):
    """A window must reach the last published period and may not back-fill older periods."""
    with pytest.raises(IndexInputError, match=message):
        splice_onto_published(published, window, "mean")


def test_unknown_splice_is_refused():
    """Only movement, window, half and mean are splices."""
    with pytest.raises(IndexInputError, match="unknown splice 'wisp'"):
        splice_onto_published({1: 1.0}, {1: 1.0, 2: 1.0}, "wisp")


def test_half_splice_on_an_unpublished_middle_period_is_refused():
    """With more new periods than overlap, the window's middle may not be published yet."""
    with pytest.raises(IndexInputError, match="not yet published"):
        splice_onto_published({1: 1.0}, {1: 1.0, 2: 1.1, 3: 1.2, 4: 1.3}, "half")
