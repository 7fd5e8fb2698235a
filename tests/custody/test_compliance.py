"""The compliance score: documented deductions, caps and bands."""

from __future__ import annotations

from api.custody.compliance import ComplianceInputs, band_of, score_compliance


def test_a_clean_record_scores_100():
    """No alerts, disputes, lateness or no-shows and a valid permit: 100, good."""
    scored = score_compliance(ComplianceInputs())
    assert (scored.score, scored.band, scored.deductions) == (100, "good", {})


def test_each_signal_is_capped():
    """Ten open alerts cost 40, not 100; ten disputes cost 20."""
    scored = score_compliance(ComplianceInputs(open_alerts=10, disputes=10))
    assert scored.deductions == {"open_alerts": 40, "disputes": 20}
    assert scored.score == 40 and scored.band == "review"


def test_an_invalid_permit_alone_puts_a_subject_under_review():
    """An expired permit costs 50 points."""
    scored = score_compliance(ComplianceInputs(permit_valid=False))
    assert (scored.score, scored.band) == (50, "review")


def test_the_score_never_goes_below_zero_and_bands_follow_thresholds():
    """Everything at once bottoms out at 0; band edges are 80, 60, 40."""
    worst = ComplianceInputs(9, 9, 9, 9, 9, permit_valid=False)
    assert score_compliance(worst).score == 0
    assert [band_of(s) for s in (80, 79, 60, 59, 40, 39)] == [
        "good",
        "watch",
        "watch",
        "review",
        "review",
        "suspension",
    ]
