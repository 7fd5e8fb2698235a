"""Bilateral indices against published reference tables, and the matched-sample rule."""

import math
from pathlib import Path

import pytest

from warehouse.indices import IndexInputError, Observation, compute_index
from warehouse.indices.csv_input import read_observations

DATA = Path(__file__).parent / "data"


def load(name: str) -> list[Observation]:
    """Observations of a reference data set in tests/warehouse/data."""
    with open(DATA / name, newline="") as handle:
        return read_observations(handle)


def levels(observations: list[Observation], method: str) -> list[float]:
    """Index levels only, in period order."""
    return [level for _, level in compute_index(observations, method)]


def table_columns(text: str) -> dict[str, list[float]]:
    """Columns of a printed table whose first line holds the column names."""
    header, *rows = [line.split() for line in text.strip().splitlines()]
    return {name: [float(row[i]) for row in rows] for i, name in enumerate(header)}


# PPI Manual (ILO/IMF/OECD/UNECE/World Bank 2004) Tables 19.1-19.2 artificial data set
# (six commodities, five periods; also Balk 2008 Tables 3.1-3.2), fixed-base indices as
# printed to 4 decimals in marberts/gpindex reference/price_data.md ("Recreate tables 3.4,
# 3.6, and 3.12 from Balk (2008)").
MANUAL_FIXED_BASE = table_columns("""
period laspeyres paasche fisher tornqvist
1      1.0000    1.0000  1.0000 1.0000
2      1.4200    1.3824  1.4011 1.4052
3      1.3450    1.2031  1.2721 1.2890
4      1.3550    1.0209  1.1762 1.2268
5      1.4400    0.7968  1.0712 1.2477
""")
del MANUAL_FIXED_BASE["period"]

# IndexNumR CES_sigma_2, priceIndex(..., output = "chained"): grahamjwhite/IndexNumR, vignette
# output in cran/IndexNumR inst/doc/indexnumr.html (the Laspeyres column also in README.md).
INDEXNUMR_CHAINED = table_columns("""
period laspeyres-chained paasche-chained fisher-chained tornqvist-chained
1      1.0000000         1.0000000       1.0000000      1.0000000
2      0.9673077         0.8007632       0.8801048      0.8925715
3      1.2905504         0.8987146       1.0769571      1.0789612
4      1.3382002         0.9247902       1.1124543      1.1146080
5      1.2482444         0.6715974       0.9155969      0.9327861
6      1.7346552         0.7858912       1.1675831      1.1790710
7      1.6530619         0.7472454       1.1114148      1.1223220
8      1.4524186         0.5836022       0.9206708      0.9379711
9      1.8386215         0.6431381       1.0874224      1.0961295
10     1.7126802         0.5145138       0.9387213      0.9527309
11     2.1810170         0.5736947       1.1185875      1.1288419
12     2.2000474         0.5745408       1.1242851      1.1346166
""")
del INDEXNUMR_CHAINED["period"]


@pytest.mark.parametrize("method", sorted(MANUAL_FIXED_BASE))
def test_fixed_base_matches_the_manual_table_to_its_printed_precision(method):
    """Fixed-base L, P, F, T on the manual's data round to the published 4-decimal values."""
    computed = levels(load("ppi_manual_ch19.csv"), method)
    assert [round(value, 4) for value in computed] == MANUAL_FIXED_BASE[method]


def test_manual_laspeyres_is_exact_where_the_table_is_exact():
    """The manual's Laspeyres values are exact decimals, so they hold to 1e-12."""
    computed = levels(load("ppi_manual_ch19.csv"), "laspeyres")
    assert computed == pytest.approx(MANUAL_FIXED_BASE["laspeyres"], abs=1e-12)


def test_manual_superlatives_match_the_textbook_formulas_to_1e_12():
    """Fisher and Törnqvist equal a plain-loop evaluation of their textbook definitions."""
    observations = load("ppi_manual_ch19.csv")
    p = {(o.period, o.product): o.price for o in observations}
    q = {(o.period, o.product): o.quantity for o in observations}
    goods = sorted({o.product for o in observations})
    expected_fisher, expected_tornqvist = [], []
    for t in range(1, 6):
        lasp = sum(p[t, i] * q[1, i] for i in goods) / sum(p[1, i] * q[1, i] for i in goods)
        paas = sum(p[t, i] * q[t, i] for i in goods) / sum(p[1, i] * q[t, i] for i in goods)
        expected_fisher.append((lasp * paas) ** 0.5)
        spend0 = sum(p[1, i] * q[1, i] for i in goods)
        spend1 = sum(p[t, i] * q[t, i] for i in goods)
        log_t = 0.0
        for i in goods:
            weight = (p[1, i] * q[1, i] / spend0 + p[t, i] * q[t, i] / spend1) / 2
            log_t += weight * math.log(p[t, i] / p[1, i])
        expected_tornqvist.append(math.exp(log_t))
    assert levels(observations, "fisher") == pytest.approx(expected_fisher, abs=1e-12)
    assert levels(observations, "tornqvist") == pytest.approx(expected_tornqvist, abs=1e-12)


@pytest.mark.parametrize("method", sorted(INDEXNUMR_CHAINED))
def test_chained_indices_match_indexnumr_to_1e_6(method):
    """Chained L, P, F, T on CES_sigma_2 reproduce IndexNumR's published output."""
    computed = levels(load("ces_sigma_2.csv"), method)
    assert computed == pytest.approx(INDEXNUMR_CHAINED[method], abs=1e-6)


def test_fixed_base_uses_products_matched_with_the_base_period():
    """A product missing in a period is left out of that period's comparison only."""
    observations = [
        Observation(1, "a", 1.0, 1.0),
        Observation(1, "b", 2.0, 1.0),
        Observation(2, "a", 1.5, 1.0),  # b not sold in period 2
        Observation(3, "a", 1.0, 1.0),
        Observation(3, "b", 4.0, 1.0),
    ]
    assert levels(observations, "laspeyres") == pytest.approx([1.0, 1.5, 5.0 / 3.0])
    assert levels(observations, "jevons") == pytest.approx([1.0, 1.5, 2.0**0.5])


def test_chained_index_links_adjacent_periods_on_their_common_products():
    """Chaining multiplies links computed on the products two adjacent periods share."""
    observations = [
        Observation(1, "a", 1.0, 1.0),
        Observation(2, "a", 2.0, 1.0),
        Observation(2, "b", 5.0, 1.0),  # new product: enters from the 2 -> 3 link
        Observation(3, "a", 2.0, 1.0),
        Observation(3, "b", 10.0, 1.0),
    ]
    assert levels(observations, "fisher-chained") == pytest.approx([1.0, 2.0, 2.0 * 12 / 7])


def test_periods_without_common_products_are_refused():
    """Two periods that share no product cannot be compared; the error names them."""
    observations = [Observation(1, "a", 1.0, 1.0), Observation(2, "b", 1.0, 1.0)]
    with pytest.raises(IndexInputError, match="periods 1 and 2 have no product in common"):
        compute_index(observations, "fisher")
