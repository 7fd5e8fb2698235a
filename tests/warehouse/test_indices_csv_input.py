"""Reading analysts' CSV: columns, number parsing through Decimal, period formats and order."""

import pytest

from warehouse.indices import IndexInputError, Observation
from warehouse.indices.csv_input import read_observations


def read(text: str) -> list[Observation]:
    """Parse CSV text."""
    return read_observations(text.splitlines(keepends=True))


def test_extra_columns_and_header_case_and_spaces_are_tolerated():
    """Only the four required columns matter; names are matched after strip and lower-case."""
    rows = read(" Period , PRODUCT,price,quantity,zone\n2024-01,a,1.25,40,north\n")
    assert rows == [Observation("2024-01", "a", 1.25, 40.0)]


def test_integer_periods_are_ordered_numerically():
    """Integer periods 9 then 10 are ascending (as strings they would not be)."""
    rows = read("period,product,price,quantity\n9,a,1,1\n10,a,1,1\n")
    assert [row.period for row in rows] == [9, 10]


@pytest.mark.parametrize(
    "periods",
    [
        ("2024-W52", "2025-W01"),
        ("2024-Q4", "2025-Q1"),
        ("2024-12-31", "2025-01-01"),
        ("2024-12", "2025-01"),
    ],
)
def test_supported_string_period_formats(periods):
    """Weekly, quarterly, daily and monthly periods are accepted and kept as strings."""
    text = "period,product,price,quantity\n" + "".join(f"{p},a,1,1\n" for p in periods)
    assert [row.period for row in read(text)] == list(periods)


def test_prices_are_parsed_through_decimal():
    """Decimal text converts to the nearest float, exponents included."""
    rows = read("period,product,price,quantity\n1,a,0.1,2.5e3\n")
    assert (rows[0].price, rows[0].quantity) == (0.1, 2500.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the input is empty"),
        ("period,product,price,quantity\n", "no data rows"),
        ("period,product,price,quantity\n1,,1,1\n", "line 2: the product is empty"),
        ("period,product,price,quantity\n1,a,1e400,1\n", "out of the float range"),
        ("period,product,price,quantity\n1,a,inf,1\n", "must be positive and finite"),
        ("period,product,price,quantity\n1,a,1,\n", "quantity '' is not a number"),
        ("period,product,price,quantity\n2024-02-30,a,1,1\n", "not a calendar date"),
        ("period,product,price,quantity\n2024-13,a,1,1\n", "cannot parse period '2024-13'"),
        ("period,product,price,quantity\n,a,1,1\n", "line 2: cannot parse period ''"),
    ],
)
def test_malformed_input_is_refused_with_its_line(text, message):
    """Each malformed file raises IndexInputError saying what and where."""
    with pytest.raises(IndexInputError, match=message.replace("(", r"\(")):
        read(text)
