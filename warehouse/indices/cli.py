"""Command line: python -m warehouse.indices --input FILE.csv --method METHOD [options].

Writes ``period,index`` CSV to stdout (first period = 1). Input and usage errors go to
stderr with exit code 2; sample-rule warnings also go to stderr so stdout stays a clean CSV.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from warehouse.indices.compute import METHODS, SPLICE_TARGETS, compute_index
from warehouse.indices.csv_input import read_observations
from warehouse.indices.observations import IndexInputError, Observation, Period
from warehouse.indices.sample_rules import SampleParams, apply_sample_rules
from warehouse.indices.splice import SPLICES

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; argparse itself exits with code 2 on unknown choices."""
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.indices",
        description="Compute a price index from period,product,price,quantity CSV data.",
    )
    parser.add_argument("--input", required=True, help="CSV file, or - for stdin")
    parser.add_argument("--method", required=True, choices=list(METHODS))
    parser.add_argument("--window", type=int, help="rolling GEKS window length (periods)")
    parser.add_argument("--splice", choices=SPLICES, help="splice for a rolling window")
    parser.add_argument("--splice-onto", choices=SPLICE_TARGETS, help="default: published")
    parser.add_argument("--decimals", type=int, help="round index values (default: full)")
    rules = parser.add_argument_group("sample rules (off unless given)")
    rules.add_argument("--min-kg", type=float, help="drop a product-period below this many kg")
    rules.add_argument("--max-relative", type=float, help="drop relatives outside [1/R, R]")
    rules.add_argument("--min-matched", type=int, help="warn for periods with fewer matches")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_options(parser, args)
    try:
        observations = _apply_rules(_read(args.input), args, sys.stderr)
        series = compute_index(
            observations,
            args.method,
            args.window,
            args.splice or "mean",
            args.splice_onto or "published",
        )
    except (IndexInputError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    write_series(series, sys.stdout, args.decimals)
    return 0


def _check_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse option combinations argparse cannot express (exits with code 2)."""
    if args.window is not None and args.window < 2:
        parser.error(f"--window must be at least 2, got {args.window}")
    for option, value in (("--splice", args.splice), ("--splice-onto", args.splice_onto)):
        if value is not None and not args.method.startswith("geks-"):
            parser.error(f"{option} applies only to GEKS methods, not {args.method}")
    if args.decimals is not None and not 0 <= args.decimals <= 17:
        parser.error(f"--decimals must be between 0 and 17, got {args.decimals}")


def _read(path: str) -> list[Observation]:
    """Observations from a file path or stdin."""
    if path == "-":
        return read_observations(sys.stdin)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return read_observations(handle)


def _apply_rules(
    observations: list[Observation], args: argparse.Namespace, warnings: TextIO
) -> list[Observation]:
    """Apply the sample rules the user asked for, reporting drops and flags on stderr."""
    if args.min_kg is None and args.max_relative is None and args.min_matched is None:
        return observations
    params = SampleParams(
        min_quantity=args.min_kg or 0.0,
        max_relative=args.max_relative,
        min_matched=args.min_matched or 0,
    )
    result = apply_sample_rules(observations, params)
    for drop in result.dropped:
        obs = drop.observation
        print(f"dropped: period {obs.period} product {obs.product}: {drop.reason}", file=warnings)
    for period, matched in result.flagged:
        print(
            f"flagged: period {period} has {matched} matched products "
            f"(minimum {params.min_matched})",
            file=warnings,
        )
    return list(result.kept)


def write_series(series: list[tuple[Period, float]], out: TextIO, decimals: int | None) -> None:
    """Write ``period,index`` CSV; full float precision unless ``decimals`` is given."""
    out.write("period,index\n")
    for period, level in series:
        value = repr(level) if decimals is None else f"{level:.{decimals}f}"
        out.write(f"{period},{value}\n")
