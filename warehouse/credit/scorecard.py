"""The collector scorecard's arithmetic in Python, for calibration checks and what-ifs.

The warehouse scores in dbt (``int_collector_score_contributions_unpivoted`` and
``collector_credit_scores``); this module reads the same seeds and ``dbt_project.yml`` vars
and applies the same formula, so a feature profile can be scored without building the
warehouse (the calibration tests do that; a test on a built warehouse checks that both
agree):

    log-odds of good = intercept + sum(weight * clamp((value - reference) / scale, -3, 3))
    score = base_score + PDO / ln 2 * (log-odds - ln(base_odds));  PD = 1 / (1 + e^log-odds)

A missing feature counts as its reference value. A thin file keeps its score but is banded
no better than ``credit_thin_file_band``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from warehouse.credit.refit import CLAMP, SEED, read_weights

PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
BANDS = PROJECT / "seeds" / "credit_score_bands.csv"


@dataclass(frozen=True)
class Scorecard:
    """Weights, bands and scaling as the dbt project has them."""

    intercept: float
    features: tuple[dict, ...]  # feature, weight, reference_value, scale, reason_code
    bands: tuple[tuple[str, int, int], ...]  # (band, min_score, max_score), best first
    base_score: float
    base_odds: float
    pdo: float
    thin_min_days: int
    thin_min_jobs: int
    thin_band: str


@dataclass(frozen=True)
class Scored:
    """One profile's score, band, probability of default, reasons and thin-file flag."""

    credit_score: int
    score_band: str
    probability_of_default: float
    reason_codes: tuple[str, ...]
    is_thin_file: bool


def load_scorecard(weights: Path = SEED, bands: Path = BANDS) -> Scorecard:
    """The scorecard the next build will use (seeds and vars of the dbt project)."""
    rows = read_weights(weights)
    config = yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]
    with bands.open(newline="", encoding="utf-8") as handle:
        banded = [
            (r["score_band"], int(r["min_score"]), int(r["max_score"]))
            for r in csv.DictReader(handle)
        ]
    return Scorecard(
        intercept=next(float(r["weight"]) for r in rows if r["feature"] == "intercept"),
        features=tuple(r for r in rows if r["feature"] != "intercept"),
        bands=tuple(sorted(banded, key=lambda band: -band[1])),
        base_score=float(config["credit_base_score"]),
        base_odds=float(config["credit_base_odds"]),
        pdo=float(config["credit_pdo"]),
        thin_min_days=int(config["credit_thin_file_min_tenure_days"]),
        thin_min_jobs=int(config["credit_thin_file_min_jobs"]),
        thin_band=str(config["credit_thin_file_band"]),
    )


def score_features(features: Mapping[str, float | None], card: Scorecard | None = None) -> Scored:
    """Score one feature profile (the columns of ``collector_credit_features``; it needs
    ``tenure_days`` and ``lifetime_completed_jobs`` for the thin-file rule)."""
    card = card or load_scorecard()
    contributions = []
    for row in card.features:
        value = features.get(row["feature"])
        if value is None:
            continue
        z = (float(value) - float(row["reference_value"])) / float(row["scale"])
        contributions.append((float(row["weight"]) * max(-CLAMP, min(CLAMP, z)), row))
    log_odds = card.intercept + sum(c for c, _ in contributions)
    factor = card.pdo / math.log(2)
    raw = card.base_score + factor * (log_odds - math.log(card.base_odds))
    score = math.floor(raw + 0.5)  # SQL round(): half away from zero (scores are positive)
    thin = (
        features["tenure_days"] < card.thin_min_days
        or features["lifetime_completed_jobs"] < card.thin_min_jobs
    )
    banded = score
    if thin:
        banded = min(score, next(hi for band, _, hi in card.bands if band == card.thin_band))
    band = next(band for band, lo, hi in card.bands if lo <= banded <= hi)
    reasons = tuple(
        row["reason_code"] for c, row in sorted(contributions, key=lambda x: x[0]) if c < 0
    )
    return Scored(score, band, 1 / (1 + math.exp(log_odds)), reasons[:3], thin)
