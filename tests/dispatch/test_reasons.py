"""explain_pickup: the first failing check of the collector that gets furthest."""

from __future__ import annotations

from dispatch import Problem, TimeWindow, UnassignedReason
from dispatch.reasons import explain_pickup
from dispatch.travel import build_travel_table
from tests.dispatch.conftest import HOUR, LineProvider, collector, pickup, station


def explain(problem: Problem, index: int = 0):
    """Reason for pickup `index` in the line world."""
    return explain_pickup(index, problem, build_travel_table(problem, LineProvider()))


def test_servable_pickup_has_no_reason():
    """A pickup some collector can reach alone is not explained away."""
    assert explain(Problem((pickup("a", 1),), (collector("x"),), (station(),))) is None


def test_best_collector_decides_the_reason():
    """One collector lacks the skill, the other is too small: capacity is the reason."""
    problem = Problem(
        (pickup("a", 1, required_skill="bulky", weight_g=50_000),),
        (collector("plain"), collector("skilled", skills=frozenset({"bulky"}), capacity_g=10)),
        (station(),),
    )
    reason, detail = explain(problem)
    assert reason is UnassignedReason.NO_CAPACITY
    assert "skilled" in detail


def test_late_station_makes_the_window_unreachable():
    """Loaded, the collector must unload before home; a station closed by then blocks it."""
    problem = Problem(
        (pickup("a", 1, window=TimeWindow(15 * HOUR, 16 * HOUR)),),
        (collector("x"),),
        (station(opening=TimeWindow(6 * HOUR, 12 * HOUR)),),
    )
    assert explain(problem)[0] is UnassignedReason.WINDOW_UNREACHABLE
