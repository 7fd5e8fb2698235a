"""GEKS indices and rolling-window splices against IndexNumR and gpindex published output."""

from pathlib import Path

import numpy as np
import pytest

from warehouse.indices import IndexInputError, Observation, compute_index
from warehouse.indices.bilateral import log_fisher
from warehouse.indices.csv_input import read_observations
from warehouse.indices.observations import build_panel

DATA = Path(__file__).parent / "data"


def ces_sigma_2() -> list[Observation]:
    """IndexNumR's CES_sigma_2 data set (see tests/warehouse/data/README.md)."""
    with open(DATA / "ces_sigma_2.csv", newline="") as handle:
        return read_observations(handle)


def levels(observations: list[Observation], method: str, **options) -> list[float]:
    """Index levels only, in period order."""
    return [level for _, level in compute_index(observations, method, **options)]


# GEKSIndex(CES_sigma_2, indexMethod = "tornqvist", window = 11, splice = "mean"):
# grahamjwhite/IndexNumR README.md.
INDEXNUMR_WINDOW_11_MEAN = """
1.0000000 0.8927314 1.0776386 1.1127724 0.9310834 1.1785361
1.1219447 0.9380228 1.0951667 0.9501914 1.1277725 1.1330748
"""

# GEKSIndex(CES_sigma_2, indexMethod = "tornqvist", window = 5, splice = x), the vignette table
# in cran/IndexNumR inst/doc/indexnumr.html (fbew and fbmw columns left out). window, half and
# mean splice onto the previous window; wisp, hasp and mean_pub onto the published series.
INDEXNUMR_WINDOW_5 = """
period window    half      movement  mean      wisp      hasp      mean_pub
1      1.0000000 1.0000000 1.0000000 1.0000000 1.0000000 1.0000000 1.0000000
2      0.8927770 0.8927770 0.8927770 0.8927770 0.8927770 0.8927770 0.8927770
3      1.0781723 1.0781723 1.0781723 1.0781723 1.0781723 1.0781723 1.0781723
4      1.1132724 1.1132724 1.1132724 1.1132724 1.1132724 1.1132724 1.1132724
5      0.9292537 0.9292537 0.9292537 0.9292537 0.9292537 0.9292537 0.9292537
6      1.1784816 1.1789102 1.1772392 1.1783996 1.1784816 1.1789102 1.1783996
7      1.1221118 1.1207012 1.1205204 1.1214679 1.1225753 1.1191128 1.1214484
8      0.9383833 0.9371778 0.9368880 0.9376351 0.9386945 0.9383566 0.9373834
9      1.0951022 1.0942446 1.0941491 1.0947038 1.0914207 1.0925320 1.0940276
10     0.9515914 0.9510825 0.9507333 0.9512963 0.9517028 0.9524902 0.9512759
11     1.1280620 1.1274679 1.1268628 1.1277415 1.1288942 1.1253883 1.1276104
12     1.1336566 1.1327009 1.1323917 1.1332152 1.1354276 1.1341850 1.1330457
"""
# IndexNumR column -> (splice, splice_onto) here
INDEXNUMR_SPLICES = {
    "window": ("window", "previous"),
    "half": ("half", "previous"),
    "movement": ("movement", "previous"),
    "mean": ("mean", "previous"),
    "wisp": ("window", "published"),
    "hasp": ("half", "published"),
    "mean_pub": ("mean", "published"),
}


def numbers(text: str) -> list[float]:
    """The whitespace-separated numbers of a printed series."""
    return [float(token) for token in text.split()]


def table_columns(text: str) -> dict[str, list[float]]:
    """Columns of a printed table whose first line holds the column names."""
    header, *rows = [line.split() for line in text.strip().splitlines()]
    return {name: [float(row[i]) for row in rows] for i, name in enumerate(header)}


def gpindex_example() -> list[Observation]:
    """marberts/gpindex reference/geks.md: price 1:10, quantity 10:1, 5 periods, products a, b."""
    return [Observation(t, "a", float(t), float(11 - t)) for t in range(1, 6)] + [
        Observation(t, "b", float(t + 5), float(6 - t)) for t in range(1, 6)
    ]


def test_geks_tornqvist_window_11_mean_splice_matches_indexnumr_readme():
    """A rolling 11-period GEKS-Törnqvist with mean splice reproduces IndexNumR to 1e-6."""
    computed = levels(ces_sigma_2(), "geks-tornqvist", window=11, splice="mean")
    assert computed == pytest.approx(numbers(INDEXNUMR_WINDOW_11_MEAN), abs=1e-6)


@pytest.mark.parametrize("column", sorted(INDEXNUMR_SPLICES))
def test_every_splice_matches_indexnumr_window_5(column):
    """Each splice, onto the previous window or the published series, matches IndexNumR."""
    splice, onto = INDEXNUMR_SPLICES[column]
    computed = levels(ces_sigma_2(), "geks-tornqvist", window=5, splice=splice, splice_onto=onto)
    assert computed == pytest.approx(table_columns(INDEXNUMR_WINDOW_5)[column], abs=1e-6)


def test_geks_tornqvist_full_window_matches_gpindex():
    """cumprod(tornqvist_geks(...)) in gpindex reference/geks.md: 1.413257 ... 2.789856."""
    expected = [1.0, 1.413257, 1.835676, 2.284565, 2.789856]
    assert levels(gpindex_example(), "geks-tornqvist") == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("splice", "onto", "expected"),
    [
        ("movement", "published", [1.0, 1.391443, 1.801142, 2.230521, 2.689833]),
        ("mean", "previous", [1.0, 1.391443, 1.801142, 2.228836, 2.687826]),
    ],
)
def test_rolling_window_3_matches_gpindex_splice_index(splice, onto, expected):
    """gpindex splice_index(tg, 2) (movement) and splice_index(tg) (mean) for window = 3."""
    computed = levels(
        gpindex_example(), "geks-tornqvist", window=3, splice=splice, splice_onto=onto
    )
    assert computed == pytest.approx(expected, abs=1e-6)


def test_geks_jevons_period_on_period_matches_gpindex():
    """gpindex's Jevons GEKS example gives period-on-period 1.527525 1.309307 1.224745 1.178511."""
    series = levels(gpindex_example(), "geks-jevons")
    movements = [after / before for before, after in zip(series, series[1:], strict=False)]
    assert movements == pytest.approx([1.527525, 1.309307, 1.224745, 1.178511], abs=1e-6)


def test_geks_equals_the_textbook_geometric_mean_of_bilateral_indices():
    """GEKS(0, t) = prod_k [P(0, k) P(k, t)]^(1/T), evaluated pair by pair with Fisher."""
    panel = build_panel(ces_sigma_2())
    p, q = panel.prices, panel.quantities
    count = len(panel.periods)

    def fisher(a: int, b: int) -> float:
        return float(np.exp(log_fisher(p[a], q[a], p[b], q[b])))

    expected = [
        np.prod([fisher(0, k) * fisher(k, t) for k in range(count)]) ** (1 / count)
        for t in range(count)
    ]
    assert levels(ces_sigma_2(), "geks-fisher") == pytest.approx(expected, abs=1e-12)


def test_geks_of_a_two_period_window_is_the_bilateral_index():
    """With two periods, GEKS reduces to the bilateral Törnqvist index itself."""
    first_two = [o for o in ces_sigma_2() if o.period <= 2]
    expected = levels(first_two, "tornqvist")
    assert levels(first_two, "geks-tornqvist") == pytest.approx(expected, abs=1e-12)


def test_window_without_common_products_is_refused():
    """A window in which two periods share no product stops with a clear error."""
    observations = [Observation(1, "a", 1.0, 1.0), Observation(2, "a", 2.0, 1.0)]
    observations += [Observation(3, "b", 1.0, 1.0), Observation(4, "b", 2.0, 1.0)]
    with pytest.raises(IndexInputError, match="no product in common"):
        compute_index(observations, "geks-tornqvist", window=3)
