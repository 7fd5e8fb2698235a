"""Read analysts' CSV files (period,product,price,quantity) into observations.

Periods are either all integers (ordered numerically) or all in one of the string formats
below (ordered as strings, which is chronological for these fixed-width formats). Rows must
come in ascending period order: an out-of-order row usually means a typo or a mixed file.
Prices and quantities go through Decimal first, so "NaN", "inf" and malformed numbers are
refused instead of silently becoming floats.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from warehouse.indices.observations import IndexInputError, Observation, Period

REQUIRED_COLUMNS = ("period", "product", "price", "quantity")
PERIOD_FORMATS = {
    "integer": re.compile(r"-?\d+"),
    "YYYY-MM": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "YYYY-Www": re.compile(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])"),
    "YYYY-Qn": re.compile(r"\d{4}-Q[1-4]"),
    "YYYY-MM-DD": re.compile(r"\d{4}-\d{2}-\d{2}"),
}


def read_observations(lines: Iterable[str]) -> list[Observation]:
    """Parse CSV text into observations, raising IndexInputError with the line at fault."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        raise IndexInputError(
            "the input is empty; expected the header period,product,price,quantity"
        )
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    missing = [column for column in REQUIRED_COLUMNS if column not in reader.fieldnames]
    if missing:
        raise IndexInputError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(reader.fieldnames)}"
        )
    rows = [_parse_row(row, reader.line_num) for row in reader]
    if not rows:
        raise IndexInputError("the input has a header but no data rows")
    periods = _convert_periods([(raw, line) for line, raw, *_ in rows])
    _check_ascending(periods, [line for line, *_ in rows])
    return [
        Observation(period, product, price, quantity)
        for period, (_, _, product, price, quantity) in zip(periods, rows, strict=True)
    ]


def _parse_row(row: dict[str, str | None], line: int) -> tuple[int, str, str, float, float]:
    """(line, raw period, product, price, quantity) of one CSV row."""
    period = (row["period"] or "").strip()
    product = (row["product"] or "").strip()
    if not product:
        raise IndexInputError(f"line {line}: the product is empty")
    price = parse_positive(row["price"], "price", line)
    quantity = parse_positive(row["quantity"], "quantity", line)
    return line, period, product, price, quantity


def parse_positive(text: str | None, column: str, line: int) -> float:
    """Parse a strictly positive finite number through Decimal, then convert to float."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise IndexInputError(f"line {line}: {column} {text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise IndexInputError(f"line {line}: {column} must be positive and finite, got {text!r}")
    result = float(value)
    if not math.isfinite(result) or result == 0.0:
        raise IndexInputError(f"line {line}: {column} {text!r} is out of the float range")
    return result


def _period_format(raw: str, line: int) -> str:
    """Name of the format the period string matches, or an error naming the line."""
    for name, pattern in PERIOD_FORMATS.items():
        if pattern.fullmatch(raw):
            if name == "YYYY-MM-DD":
                _check_date(raw, line)
            return name
    raise IndexInputError(
        f"line {line}: cannot parse period {raw!r}; use integers or one of "
        + ", ".join(name for name in PERIOD_FORMATS if name != "integer")
    )


def _check_date(raw: str, line: int) -> None:
    """Refuse impossible calendar dates such as 2024-02-30."""
    try:
        date.fromisoformat(raw)
    except ValueError:
        raise IndexInputError(f"line {line}: {raw!r} is not a calendar date") from None


def _convert_periods(raw_periods: list[tuple[str, int]]) -> list[Period]:
    """Integers if every period is an integer, else strings that must share one format."""
    formats = {raw: _period_format(raw, line) for raw, line in raw_periods}
    kinds = set(formats.values())
    if kinds == {"integer"}:
        return [int(raw) for raw, _ in raw_periods]
    if len(kinds) > 1:
        examples = {kind: raw for raw, kind in formats.items()}
        shown = ", ".join(f"{raw!r} ({kind})" for kind, raw in sorted(examples.items()))
        raise IndexInputError(f"periods mix formats: {shown}")
    return [raw for raw, _ in raw_periods]


def _check_ascending(periods: list[Period], lines: list[int]) -> None:
    """Refuse rows whose period is earlier than the row before."""
    for before, after, line in zip(periods, periods[1:], lines[1:], strict=False):
        if after < before:
            raise IndexInputError(
                f"line {line}: period {after!r} comes after {before!r}; "
                "sort the rows by period (ascending)"
            )
