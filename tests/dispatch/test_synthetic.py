"""Synthetic days are reproducible and valid."""

from __future__ import annotations

from dispatch import validate_problem
from dispatch.synthetic import make_city_day


def test_same_seed_same_day_and_valid():
    """A seed fixes the day; the day passes validation; some pickups need skills."""
    day = make_city_day(400, 10, seed=1)
    assert day == make_city_day(400, 10, seed=1)
    assert day != make_city_day(400, 10, seed=2)
    validate_problem(day)
    assert 0 < sum(p.required_skill is not None for p in day.pickups) < 60
