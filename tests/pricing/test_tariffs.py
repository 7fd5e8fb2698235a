"""Tests for pricing.tariffs: the rate in force, subsidies and the suggested resident price."""

import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import SubsidyError, SuggestionError, TariffConflictError, TariffNotFoundError
from pricing.tariffs import (
    SubsidyRule,
    TariffRate,
    cap_subsidies,
    line_subsidy_cents,
    reference_clearing_price,
    select_rate,
    suggest_resident_price,
)

JUNE_1 = date(2025, 6, 1)


def rate(price, *, zone=None, valid_from=JUNE_1, version=1, material="PET", grade="A"):
    return TariffRate(material, grade, zone, "kg", price, valid_from, version)


def pick(rates, *, zone="Z1", on=date(2025, 7, 1), material="PET", grade="A"):
    return select_rate(rates, material_code=material, grade=grade, zone_code=zone, on=on)


def test_zone_rate_beats_newer_city_wide_rate():
    """A rate for the zone wins over a city-wide rate even when the city-wide one is newer."""
    zone = rate(210, zone="Z1", valid_from=date(2025, 5, 1))
    city = rate(200, valid_from=date(2025, 6, 15))
    assert pick([city, zone]) == zone


def test_city_wide_rate_applies_when_zone_has_none():
    """Without a rate for the zone, the city-wide rate applies; other zones' rates do not."""
    city = rate(200)
    other_zone = rate(999, zone="Z2")
    assert pick([other_zone, city]) == city


def test_latest_valid_from_wins():
    """Among rates of equal specificity, the latest one already in force wins."""
    old = rate(180, valid_from=date(2025, 1, 1))
    new = rate(200, valid_from=date(2025, 6, 1))
    assert pick([new, old]) == new


def test_future_rate_is_not_in_force_yet():
    """A rate valid from tomorrow does not apply today; one valid from today does."""
    today = rate(200, valid_from=date(2025, 7, 1))
    tomorrow = rate(250, valid_from=date(2025, 7, 2))
    assert pick([today, tomorrow], on=date(2025, 7, 1)) == today


def test_highest_version_wins_on_the_same_day():
    """A correction issued for the same day (higher version) replaces the earlier one."""
    first = rate(200, version=1)
    correction = rate(195, version=2)
    assert pick([correction, first]) == correction


def test_no_zone_means_city_wide_only():
    """With zone_code=None only city-wide rates are candidates."""
    city = rate(200)
    assert pick([rate(300, zone="Z1"), city], zone=None) == city


def test_missing_rate_raises():
    """No rate for the material, grade or date raises TariffNotFoundError."""
    rates = [
        rate(200, grade="B"),
        rate(200, material="HDPE"),
        rate(200, valid_from=date(2026, 1, 1)),
    ]
    with pytest.raises(TariffNotFoundError):
        pick(rates)


def test_conflicting_rates_raise():
    """Two different prices with the same key are a data error, not a coin toss."""
    with pytest.raises(TariffConflictError):
        pick([rate(200, version=3), rate(205, version=3)])


def test_identical_duplicates_are_not_a_conflict():
    """The same rate listed twice is still one rate."""
    assert pick([rate(200), rate(200)]) == rate(200)


rates_strategy = st.lists(
    st.builds(
        rate,
        st.integers(0, 1_000),
        zone=st.sampled_from([None, "Z1", "Z2"]),
        valid_from=st.dates(date(2025, 1, 1), date(2025, 12, 31)),
        version=st.integers(1, 3),
    ),
    max_size=12,
)


@given(rates=rates_strategy, on=st.dates(date(2025, 1, 1), date(2025, 12, 31)), seed=st.integers())
def test_selected_rate_is_in_force_most_specific_and_order_free(rates, on, seed):
    """The chosen rate is in force, zone-specific when any zone rate is, and order-free."""
    try:
        chosen = pick(rates, on=on)
    except (TariffNotFoundError, TariffConflictError) as error:
        shuffled = rates[:]
        random.Random(seed).shuffle(shuffled)
        with pytest.raises(type(error)):
            pick(shuffled, on=on)
        return
    in_force = [r for r in rates if r.valid_from <= on and r.zone_code in (None, "Z1")]
    assert chosen in in_force
    if any(r.zone_code == "Z1" for r in in_force):
        assert chosen.zone_code == "Z1"
    same_zone = [r for r in in_force if r.zone_code == chosen.zone_code]
    assert all((r.valid_from, r.version) <= (chosen.valid_from, chosen.version) for r in same_zone)
    shuffled = rates[:]
    random.Random(seed).shuffle(shuffled)
    assert pick(shuffled, on=on) == chosen


LOW_VALUE = SubsidyRule(
    frozenset({"GLASS", "PP"}), subsidy_cents_per_kg=20, cap_cents_per_booking=100
)


def test_line_subsidy_for_listed_material():
    """20 cents/kg on 2,525 g of glass is 50.5 cents, rounded once to 51."""
    assert line_subsidy_cents(LOW_VALUE, material_code="GLASS", net_grams=2_525) == 51


def test_no_subsidy_for_unlisted_material_or_without_rule():
    """Materials not listed, or no subsidy rule at all, earn nothing."""
    assert line_subsidy_cents(LOW_VALUE, material_code="PET", net_grams=5_000) == 0
    assert line_subsidy_cents(None, material_code="GLASS", net_grams=5_000) == 0


def test_negative_weight_has_no_subsidy():
    """A negative net weight is refused."""
    with pytest.raises(SubsidyError):
        line_subsidy_cents(LOW_VALUE, material_code="GLASS", net_grams=-1)


def test_cap_is_spent_in_line_order():
    """With a 100-cent cap, lines of 30, 50 and 40 cents get 30, 50 and the last 20."""
    assert cap_subsidies([30, 50, 40], 100) == (30, 50, 20)


def test_negative_cap_is_refused():
    """A negative cap is a configuration error."""
    with pytest.raises(SubsidyError):
        cap_subsidies([10], -1)


@given(lines=st.lists(st.integers(0, 500), max_size=8), cap=st.integers(0, 2_000))
def test_capped_subsidies_never_exceed_cap_or_own_amount(lines, cap):
    """Each line gets at most its own subsidy and the booking exactly min(cap, total)."""
    granted = cap_subsidies(lines, cap)
    assert len(granted) == len(lines)
    assert all(0 <= paid <= own for paid, own in zip(granted, lines, strict=True))
    assert sum(granted) == min(cap, sum(lines))


def test_reference_is_median_without_volumes():
    """Without volumes the reference is the median; even counts average the middle two."""
    assert reference_clearing_price([220, 200, 9_999]) == Decimal(220)
    assert reference_clearing_price([200, 210, 230, 100]) == Decimal(205)


def test_reference_is_volume_weighted_mean_with_volumes():
    """With volumes the reference is total paid / total kg: (200x3 + 300x1) / 4 = 225."""
    assert reference_clearing_price([200, 300], [3_000, 1_000]) == Decimal(225)


def test_suggested_price_hand_worked():
    """Median 210 x (1 - 15 %) - 20 handling = 158.5, rounded half-up to 159 cents/kg."""
    price = suggest_resident_price(
        clearing_price_cents_per_kg=[200, 220, 210],
        margin=Decimal("0.15"),
        handling_cost_cents_per_kg=20,
        floor_cents_per_kg=10,
    )
    assert price == 159


def test_suggested_price_respects_floor():
    """When costs eat the price, the floor is paid: 30 x 0.8 - 40 < 5, so 5."""
    price = suggest_resident_price(
        clearing_price_cents_per_kg=[30],
        margin=Decimal("0.2"),
        handling_cost_cents_per_kg=40,
        floor_cents_per_kg=5,
    )
    assert price == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"clearing_price_cents_per_kg": []},
        {"clearing_price_cents_per_kg": [-1]},
        {"margin": Decimal(1)},
        {"margin": Decimal("-0.01")},
        {"margin": 0.1},
        {"handling_cost_cents_per_kg": -1},
        {"floor_cents_per_kg": -1},
        {"volumes_grams": [1, 2]},
        {"volumes_grams": [0]},
    ],
)
def test_suggestion_rejects_bad_inputs(kwargs):
    """Empty or negative prices, a margin outside [0, 1), negative costs or bad volumes raise."""
    arguments = {
        "clearing_price_cents_per_kg": [200],
        "margin": Decimal("0.1"),
        "handling_cost_cents_per_kg": 10,
        "floor_cents_per_kg": 0,
    } | kwargs
    with pytest.raises(SuggestionError):
        suggest_resident_price(**arguments)


margins = st.integers(0, 99).map(lambda n: Decimal(n) / 100)
prices = st.lists(st.integers(0, 100_000), min_size=1, max_size=9)


@given(prices=prices, margin=margins, handling=st.integers(0, 500), floor=st.integers(0, 500))
def test_suggested_price_never_below_floor(prices, margin, handling, floor):
    """Whatever the market does, the suggestion is at least the floor."""
    price = suggest_resident_price(
        clearing_price_cents_per_kg=prices,
        margin=margin,
        handling_cost_cents_per_kg=handling,
        floor_cents_per_kg=floor,
    )
    assert price >= floor


@given(
    prices=prices,
    data=st.data(),
    bump=st.integers(0, 10_000),
    margin=margins,
    handling=st.integers(0, 500),
    weighted=st.booleans(),
)
def test_suggested_price_is_monotone_in_clearing_prices(
    prices, data, bump, margin, handling, weighted
):
    """Raising any one clearing price never lowers the suggestion (median or weighted)."""
    index = data.draw(st.integers(0, len(prices) - 1))
    raised = prices[:]
    raised[index] += bump
    volumes = (
        data.draw(st.lists(st.integers(1, 10**6), min_size=len(prices), max_size=len(prices)))
        if weighted
        else None
    )

    def suggest(clearing):
        return suggest_resident_price(
            clearing_price_cents_per_kg=clearing,
            margin=margin,
            handling_cost_cents_per_kg=handling,
            floor_cents_per_kg=0,
            volumes_grams=volumes,
        )

    assert suggest(raised) >= suggest(prices)


@given(prices=prices, low=margins, high=margins)
def test_higher_margin_never_pays_residents_more(prices, low, high):
    """A larger platform margin never raises the suggested resident price."""
    low, high = sorted((low, high))

    def suggest(margin):
        return suggest_resident_price(
            clearing_price_cents_per_kg=prices,
            margin=margin,
            handling_cost_cents_per_kg=0,
            floor_cents_per_kg=0,
        )

    assert suggest(high) <= suggest(low)
