"""warehouse.credit.scorecard: the calibration of the expert scorecard, profile by profile.

The profiles are what the platform's data produce for collectors a lender would recognise
(feature names and units as in marts.collector_credit_features). The scores come from the
seeds and vars the next build uses; test_build checks that the dbt mart scores the same.
"""

from __future__ import annotations

import math

import pytest

from warehouse.credit.scorecard import load_scorecard, score_features

REFERENCE = {
    "tenure_days": 365,
    "lifetime_completed_jobs": 600,
    "completed_jobs_90d": 150,
    "completion_rate": 0.95,
    "no_show_rate": 0.02,
    "on_time_rate": 0.90,
    "weight_discrepancy_rate": 0.02,
    "dispute_rate": 0.01,
    "net_earnings_cents_per_month": 400_000,
    "net_earnings_volatility": 0.25,
    "material_concentration_hhi": 0.40,
}
# six months on the platform, busy, clean record, slightly below the reference earnings
GOOD_ACTIVE = REFERENCE | {
    "tenure_days": 180,
    "lifetime_completed_jobs": 300,
    "completion_rate": 0.97,
    "no_show_rate": 0.01,
    "on_time_rate": 0.92,
    "weight_discrepancy_rate": 0.03,
    "dispute_rate": 0.0,
    "net_earnings_cents_per_month": 350_000,
    "net_earnings_volatility": 0.30,
    "material_concentration_hhi": 0.35,
}
SEASONED = REFERENCE | {
    "tenure_days": 500,
    "lifetime_completed_jobs": 900,
    "completed_jobs_90d": 200,
    "completion_rate": 0.99,
    "no_show_rate": 0.005,
    "on_time_rate": 0.97,
    "weight_discrepancy_rate": 0.01,
    "dispute_rate": 0.0,
    "net_earnings_cents_per_month": 500_000,
    "net_earnings_volatility": 0.15,
    "material_concentration_hhi": 0.30,
}


def test_the_reference_collector_scores_the_base_points_at_the_base_odds():
    """Every feature at its reference: 600 points, 50:1 good:bad (PD 1/51), band B."""
    scored = score_features(REFERENCE)
    assert scored.credit_score == 600 and scored.score_band == "B"
    assert scored.probability_of_default == pytest.approx(1 / 51)
    assert scored.reason_codes == () and not scored.is_thin_file


def test_doubling_the_odds_is_worth_twenty_points():
    """Points to double the odds: +ln 2 in log-odds is +20 points."""
    card = load_scorecard()
    assert card.pdo == 20 and card.base_score == 600 and card.base_odds == 50
    tenure = next(r for r in card.features if r["feature"] == "tenure_days")
    # the tenure that adds exactly ln 2 to the log-odds
    longer = 365 + math.log(2) / float(tenure["weight"]) * float(tenure["scale"])
    assert score_features(REFERENCE | {"tenure_days": longer}).credit_score == 620


def test_a_good_active_collector_with_a_clean_record_lands_in_a_good_band():
    """Six months in, busy and clean: band B; a seasoned, excellent collector: band A."""
    assert score_features(GOOD_ACTIVE).score_band == "B"
    seasoned = score_features(SEASONED)
    assert seasoned.score_band == "A" and seasoned.probability_of_default < 0.01


def test_recurring_no_shows_and_weight_gaps_cost_bands_with_reasons():
    """5% no-shows and 8% weight gaps: band D, reasons weight discrepancy then no-shows;
    chronic problems (12% no-shows, disputes, late): band E."""
    troubled = score_features(
        GOOD_ACTIVE
        | {"no_show_rate": 0.05, "completion_rate": 0.93, "weight_discrepancy_rate": 0.08}
    )
    assert troubled.score_band == "D" and troubled.reason_codes[:2] == ("R06", "R04")
    chronic = score_features(
        GOOD_ACTIVE
        | {
            "no_show_rate": 0.12,
            "completion_rate": 0.85,
            "weight_discrepancy_rate": 0.15,
            "dispute_rate": 0.06,
            "on_time_rate": 0.6,
        }
    )
    assert chronic.score_band == "E" and chronic.probability_of_default > 0.5


def test_a_thin_file_is_flagged_and_banded_conservatively():
    """25 days and 40 flawless jobs score well, but the file is thin: band D at best."""
    newcomer = REFERENCE | {
        "tenure_days": 25,
        "lifetime_completed_jobs": 40,
        "completed_jobs_90d": 40,
        "completion_rate": 1.0,
        "no_show_rate": 0.0,
        "on_time_rate": 1.0,
        "net_earnings_volatility": None,
    }
    scored = score_features(newcomer)
    assert scored.is_thin_file and scored.credit_score >= 590 and scored.score_band == "D"
    few_jobs = score_features(SEASONED | {"lifetime_completed_jobs": 12})
    assert few_jobs.is_thin_file and few_jobs.score_band == "D"


def test_bands_are_ordered_by_probability_of_default():
    """Better bands mean lower PD: A <= 1%, B around the base odds, E above 13%."""
    card = load_scorecard()
    factor = card.pdo / math.log(2)
    pd_at = {
        band: 1 / (1 + card.base_odds * math.exp((low - card.base_score) / factor))
        for band, low, _ in card.bands
    }
    assert [band for band, _, _ in card.bands] == ["A", "B", "C", "D", "E"]
    assert pd_at["A"] < 0.0105 and pd_at["B"] < 0.03 and pd_at["D"] < 0.14
