"""Refit the collector scorecard weights once lenders report outcomes.

    python -m warehouse.credit.refit OUTCOMES.csv [--warehouse PATH] [--out WEIGHTS.csv]

OUTCOMES.csv has ``collector_key,as_of_date,defaulted`` (1 = defaulted on the loan granted
on that date). Each outcome is matched with the collector's latest feature snapshot on or
before ``as_of_date`` (``marts.collector_credit_features``: point-in-time, so no later
information leaks in), the features are transformed exactly as the scorecard does
(``clamp((value - reference) / scale, -3, 3)``, missing = 0) and a logistic regression of
*good* (not defaulted) on them is fitted with Newton-Raphson (IRLS) and a small L2 penalty.
The result is written in the seed's format, so after review it replaces
``dbt_project/seeds/credit_scorecard_weights.csv`` and the next build scores with it.
"""

from __future__ import annotations

import argparse
import csv
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

SEED = (
    Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "credit_scorecard_weights.csv"
)
CLAMP = 3.0


@dataclass(frozen=True)
class Fit:
    """Fitted intercept and weights (log-odds of good), with in-sample diagnostics."""

    intercept: float
    weights: np.ndarray
    n: int
    defaults: int
    auc: float
    iterations: int


def read_weights(path: Path = SEED) -> list[dict]:
    """The scorecard rows (intercept first) as dicts of the seed's columns."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def design_matrix(raw: np.ndarray, rows: list[dict]) -> np.ndarray:
    """Scorecard transform of raw feature values (NaN = missing) for the non-intercept rows."""
    reference = np.array([float(r["reference_value"]) for r in rows])
    scale = np.array([float(r["scale"]) for r in rows])
    x = np.clip((raw - reference) / scale, -CLAMP, CLAMP)
    return np.nan_to_num(x, nan=0.0)


def fit_logistic(x: np.ndarray, good: np.ndarray, l2: float = 1.0, max_iter: int = 50) -> Fit:
    """Penalised logistic regression of ``good`` (0/1) on ``x`` by IRLS; intercept unpenalised."""
    n, k = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    beta = np.zeros(k + 1)
    penalty = np.full(k + 1, l2)
    penalty[0] = 0.0
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        w = np.clip(p * (1 - p), 1e-9, None)
        gradient = design.T @ (good - p) - penalty * beta
        hessian = design.T @ (design * w[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    scores = design @ beta
    return Fit(beta[0], beta[1:], n, int(n - good.sum()), _auc(scores, good), iterations)


def _auc(scores: np.ndarray, good: np.ndarray) -> float:
    """Probability a random good outranks a random bad (ties count half)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_good, n_bad = good.sum(), len(good) - good.sum()
    if n_good == 0 or n_bad == 0:
        return float("nan")
    return float((ranks[good == 1].sum() - n_good * (n_good + 1) / 2) / (n_good * n_bad))


def load_training_set(
    warehouse_path: str | os.PathLike, outcomes_csv: str | os.PathLike, features: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Raw feature values (NaN = missing) and good flags for every outcome with a snapshot."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        columns = ", ".join(f"cast(f.{name} as double)" for name in features)
        rows = con.execute(
            f"""
            select {columns}, 1 - cast(o.defaulted as integer)
            from read_csv(?, header = true, columns = {{
                'collector_key': 'VARCHAR', 'as_of_date': 'DATE', 'defaulted': 'INTEGER'
            }}) as o
            asof join marts.collector_credit_features as f
                on o.collector_key = f.collector_key and o.as_of_date >= f.as_of_date
            """,
            [str(outcomes_csv)],
        ).fetchall()
    finally:
        con.close()
    if not rows:
        raise ValueError("no outcome matches a feature snapshot on or before its date")
    data = np.array(rows, dtype=float)
    return data[:, :-1], data[:, -1]


def write_weights(path: Path, rows: list[dict], fit: Fit) -> None:
    """Write the refitted scorecard in the seed's format."""
    out = [dict(rows[0], weight=f"{fit.intercept:.6f}")]
    out += [dict(r, weight=f"{w:.6f}") for r, w in zip(rows[1:], fit.weights, strict=True)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(out)


def main(argv: list[str] | None = None) -> int:
    """Refit from OUTCOMES.csv and write the new weights; print old and new side by side."""
    parser = argparse.ArgumentParser(prog="python -m warehouse.credit.refit")
    parser.add_argument("outcomes", help="CSV: collector_key,as_of_date,defaulted")
    parser.add_argument("--warehouse", default=os.environ.get("WAREHOUSE_PATH"))
    parser.add_argument("--weights", type=Path, default=SEED, help="current scorecard CSV")
    parser.add_argument("--out", type=Path, help="where to write (default: next to --weights)")
    parser.add_argument("--l2", type=float, default=1.0, help="ridge penalty on the weights")
    args = parser.parse_args(argv)
    if not args.warehouse:
        from api.config import load_config

        args.warehouse = load_config()["WAREHOUSE_PATH"]
    rows = read_weights(args.weights)
    names = [r["feature"] for r in rows[1:]]
    raw, good = load_training_set(args.warehouse, args.outcomes, names)
    fit = fit_logistic(design_matrix(raw, rows[1:]), good, l2=args.l2)
    out = args.out or args.weights.with_name("credit_scorecard_weights.refit.csv")
    write_weights(out, rows, fit)
    print(f"{fit.n} outcomes, {fit.defaults} defaults, in-sample AUC {fit.auc:.3f}")
    print(f"{'feature':32} {'old':>10} {'new':>10}")
    print(f"{'intercept':32} {float(rows[0]['weight']):10.4f} {fit.intercept:10.4f}")
    for row, weight in zip(rows[1:], fit.weights, strict=True):
        print(f"{row['feature']:32} {float(row['weight']):10.4f} {weight:10.4f}")
    print(f"written to {out}; review, then copy over {args.weights.name} and rebuild")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
