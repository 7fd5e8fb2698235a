"""Tests for pricing.deductions: tare, moisture and contamination at the door."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.deductions import (
    DEFAULT_LIMITS,
    Deduction,
    DeductionKind,
    DeductionRule,
    default_rules_for,
    net_grams,
)
from pricing.errors import DeductionError

PAPER = default_rules_for("paper")  # moisture <= 15 %, contamination <= 10 %, tare <= 10 %


def tare(grams):
    return Deduction(DeductionKind.TARE, None, grams, "bag")


def moisture(percent):
    return Deduction(DeductionKind.MOISTURE, Decimal(percent), None, "wet")


def contamination(percent):
    return Deduction(DeductionKind.CONTAMINATION, Decimal(percent), None, "mixed")


def test_hand_worked_all_three():
    """10 kg gross, 500 g tare, 3 % moisture, 2 % contamination: 9,500 g x 95 % = 9,025 g."""
    deductions = [tare(500), moisture("3"), contamination("2")]
    assert net_grams(10_000, deductions, PAPER) == 9_025


def test_tare_comes_off_before_the_percentages():
    """Percentages apply to the after-tare mass: (1,000 - 100) x 90 % = 810, not 800."""
    assert net_grams(1_000, [moisture("10"), tare(100)], PAPER) == 810


def test_percentages_add_rather_than_compound():
    """Moisture and contamination are both taken of the after-tare mass: 10 % + 10 % = 20 %."""
    assert net_grams(1_000, [moisture("10"), contamination("10")], PAPER) == 800


def test_net_is_rounded_down_to_the_gram():
    """1,001 g less 3 % is 970.97 g: the resident is credited 970 g."""
    assert net_grams(1_001, [moisture("3")], PAPER) == 970


def test_no_deductions_keeps_gross():
    """Without deductions the net weight is the gross weight."""
    assert net_grams(4_321, [], PAPER) == 4_321


def test_kinds_may_be_plain_strings():
    """A deduction kind given as the plain string value is accepted."""
    assert net_grams(1_000, [Deduction("moisture", Decimal("5"), None, "wet")], PAPER) == 950


def test_tare_at_exactly_the_maximum_is_allowed():
    """Tare of exactly 10 % of gross is within the paper rule."""
    assert net_grams(2_000, [tare(200)], PAPER) == 1_800


@pytest.mark.parametrize(
    ("gross", "deductions", "field"),
    [
        (1_000, [moisture("15.01")], "percent"),
        (1_000, [contamination("-1")], "percent"),
        (1_000, [Deduction(DeductionKind.MOISTURE, 5.0, None, "float")], "percent"),
        (1_000, [Deduction(DeductionKind.MOISTURE, None, None, "missing")], "percent"),
        (1_000, [Deduction(DeductionKind.MOISTURE, Decimal(1), 10, "both")], "grams"),
        (1_000, [tare(-1)], "grams"),
        (1_000, [tare(101)], "grams"),
        (1_000, [Deduction(DeductionKind.TARE, Decimal(1), None, "percent tare")], "percent"),
        (1_000, [moisture("1"), moisture("2")], "kind"),
        (1_000, [Deduction("dust", Decimal(1), None, "unknown")], "kind"),
        (-1, [], "gross_grams"),
    ],
)
def test_invalid_deductions_name_the_field(gross, deductions, field):
    """Over-maximum, negative, mistyped or duplicated deductions raise naming the field."""
    with pytest.raises(DeductionError) as caught:
        net_grams(gross, deductions, PAPER)
    assert caught.value.field == field


def test_deduction_without_published_rule_is_refused():
    """A kind with no published rule in the rule set cannot be deducted."""
    rules = [DeductionRule(DeductionKind.TARE, Decimal(10), "tare only")]
    with pytest.raises(DeductionError) as caught:
        net_grams(1_000, [moisture("1")], rules)
    assert caught.value.field == "kind"


def test_two_rules_for_one_kind_are_refused():
    """A rule set with two rules for the same kind is ambiguous."""
    rules = [*PAPER, DeductionRule(DeductionKind.TARE, Decimal(5), "again")]
    with pytest.raises(DeductionError) as caught:
        net_grams(1_000, [], rules)
    assert caught.value.field == "rules"


def test_net_never_goes_negative_when_percentages_exceed_100():
    """With permissive rules, 60 % + 60 % leaves zero grams, not a negative weight."""
    rules = [
        DeductionRule(DeductionKind.MOISTURE, Decimal(100), "any"),
        DeductionRule(DeductionKind.CONTAMINATION, Decimal(100), "any"),
    ]
    assert net_grams(1_000, [moisture("60"), contamination("60")], rules) == 0


def test_default_rules_cover_every_kind_once():
    """Each known category publishes exactly one rule per kind, within 0-100 %."""
    for category in DEFAULT_LIMITS:
        rules = default_rules_for(category)
        assert sorted(rule.kind for rule in rules) == sorted(DeductionKind)
        assert all(Decimal(0) <= rule.max_percent <= Decimal(100) for rule in rules)


def test_default_rules_for_paper_are_published_values():
    """Paper allows 15 % moisture, 10 % contamination and 10 % tare."""
    limits = {rule.kind: rule.max_percent for rule in default_rules_for("paper")}
    assert limits == {
        DeductionKind.MOISTURE: Decimal(15),
        DeductionKind.CONTAMINATION: Decimal(10),
        DeductionKind.TARE: Decimal(10),
    }


def test_unknown_category_raises_naming_the_field():
    """An unknown material category has no default rules."""
    with pytest.raises(DeductionError) as caught:
        default_rules_for("plutonium")
    assert caught.value.field == "material_category"


# Hundredths of a percent, so the oracle below can work in integers.
hundredths = st.integers(0, 1_000)


@given(
    gross=st.integers(0, 10**8),
    tare_share=st.integers(0, 100),
    moisture_h=hundredths,
    contamination_h=hundredths,
)
def test_net_matches_integer_floor_and_stays_within_bounds(
    gross, tare_share, moisture_h, contamination_h
):
    """Net equals floor((gross - tare) x (1 - m - c)) exactly, and 0 <= net <= gross - tare."""
    tare_grams = gross * tare_share // 1_000  # at most 10 % of gross
    deductions = [
        tare(tare_grams),
        moisture(Decimal(moisture_h) / 100),
        contamination(Decimal(contamination_h) / 100),
    ]
    result = net_grams(gross, deductions, PAPER)
    expected = (gross - tare_grams) * (10_000 - moisture_h - contamination_h) // 10_000
    assert result == expected
    assert 0 <= result <= gross - tare_grams <= gross


@given(
    gross=st.integers(0, 10**7),
    low=st.integers(0, 1_500),
    high=st.integers(0, 1_500),
)
def test_more_moisture_never_credits_more(gross, low, high):
    """A larger moisture percentage never yields a larger net weight."""
    low, high = sorted((low, high))
    at_low = net_grams(gross, [moisture(Decimal(low) / 100)], PAPER)
    at_high = net_grams(gross, [moisture(Decimal(high) / 100)], PAPER)
    assert at_high <= at_low


@given(gross=st.integers(0, 10**7), m=st.integers(0, 100), c=st.integers(0, 100))
def test_net_is_never_negative_under_any_percentages(gross, m, c):
    """Whatever percentages the rules allow, the net weight stays between 0 and gross."""
    rules = [
        DeductionRule(DeductionKind.MOISTURE, Decimal(100), "any"),
        DeductionRule(DeductionKind.CONTAMINATION, Decimal(100), "any"),
    ]
    result = net_grams(gross, [moisture(m), contamination(c)], rules)
    assert 0 <= result <= gross
