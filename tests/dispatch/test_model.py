"""validate_problem: malformed input raises ProblemError naming the item."""

from __future__ import annotations

import pytest

from dispatch import Break, Problem, ProblemError, TimeWindow, plan_routes
from tests.dispatch.conftest import collector, pickup, station


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            Problem((pickup("b-17", 1, window=TimeWindow(500, 100)),), (), (station(),)),
            "pickup 'b-17': window end before start",
        ),
        (Problem((pickup("a", 1), pickup("a", 2)), (), (station(),)), "pickup 'a': duplicate id"),
        (
            Problem((pickup("a", 1, weight_g=-5),), (), (station(),)),
            "pickup 'a': weight_g must be a non-negative integer",
        ),
        (
            Problem((pickup("a", 1, pinned_collector_id="ghost"),), (), (station(),)),
            "pickup 'a': pinned to unknown collector 'ghost'",
        ),
        (
            Problem((), (collector("c", shift=TimeWindow(10, 5)),), (station(),)),
            "collector 'c': shift end before start",
        ),
        (
            Problem((), (collector("c", breaks=(Break(TimeWindow(0, 60), 600),)),), ()),
            "collector 'c': break of 600 s does not fit its window",
        ),
        (
            Problem((pickup("a", 1),), (collector("c", fixed_prefix=("zz",)),), (station(),)),
            "collector 'c': fixed prefix pickup 'zz' is not in the problem",
        ),
        (Problem((pickup("a", 1),), (collector("c"),), ()), "no station to unload at"),
    ],
)
def test_invalid_input_names_the_offending_item(problem, message, fast):
    """Each malformed item is reported by kind and id, before any solving."""
    with pytest.raises(ProblemError, match=message):
        plan_routes(problem, fast)


def test_problem_error_is_a_value_error():
    """Callers catching ValueError also catch ProblemError."""
    assert issubclass(ProblemError, ValueError)


def test_capacity_defaults_come_from_the_vehicle_type():
    """A collector without explicit payload gets its vehicle type's default."""
    assert collector("c").payload_g == 1_000_000
    assert collector("c", capacity_g=5).payload_g == 5
