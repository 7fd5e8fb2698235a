"""Mass-balance arithmetic: shortfall percentages against loss bands, in exact decimals."""

from __future__ import annotations

from decimal import Decimal

from api.custody.massbalance import DEFAULT_LOSS_BANDS_PCT, Balance, loss_band_pct


def test_loss_within_the_band_is_normal_and_beyond_it_is_not():
    """8 % paper band: 7.99 % passes, 8.01 % exceeds; exactly 8 % passes."""
    band = Decimal("8")
    assert not Balance("cardboard", 10000, 9201, band).exceeds_band
    assert not Balance("cardboard", 10000, 9200, band).exceeds_band
    assert Balance("cardboard", 10000, 9199, band).exceeds_band


def test_gains_and_empty_periods_never_alert():
    """More out than in (wetter at the station) or nothing in is no shortfall."""
    assert not Balance("pet", 1000, 1100, Decimal("3")).exceeds_band
    assert not Balance("pet", 0, 0, Decimal("3")).exceeds_band
    assert Balance("pet", 1000, 1100, Decimal("3")).shortfall_grams == -100


def test_figures_are_json_safe_strings_not_floats():
    """Percentages leave as strings with two decimals."""
    figures = Balance("pet", 3000, 2000, Decimal("3")).as_dict()
    assert figures["shortfall_pct"] == "33.33" and figures["band_pct"] == "3"
    assert figures["shortfall_grams"] == 1000


def test_bands_by_material_then_category_then_default():
    """A material's own band wins over its category's; unknown ones get the default."""
    bands = {**DEFAULT_LOSS_BANDS_PCT, "cardboard": 10}
    assert loss_band_pct(bands, material="cardboard", category="paper") == Decimal("10")
    assert loss_band_pct(bands, material="newspaper", category="paper") == Decimal("8")
    assert loss_band_pct(bands, material="x", category=None) == Decimal("3")
    assert loss_band_pct({}, material="x", category="y") == Decimal("3")
