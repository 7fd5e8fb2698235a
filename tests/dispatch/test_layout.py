"""Node layout and model building from a problem."""

from __future__ import annotations

from dispatch import Problem, SolveParams
from dispatch.layout import PINNED_PENALTY, build_vrp_model, layout_nodes, station_copies
from dispatch.travel import build_travel_table
from tests.dispatch.conftest import LineProvider, collector, pickup, station


def test_layout_duplicates_stations_and_pins_jobs():
    """Pickups first, then start/end per collector, then station copies; pins restrict."""
    problem = Problem(
        (pickup("a", 1), pickup("b", 2, pinned_collector_id="y")),
        (collector("x"), collector("y")),
        (station("s1"), station("s2", 5)),
    )
    table = build_travel_table(problem, LineProvider())
    nodes = layout_nodes(problem, table, [0, 1], copies=3)
    model = build_vrp_model(problem, table, nodes, SolveParams())
    assert nodes.kinds[:6] == (
        ("pickup", 0),
        ("pickup", 1),
        ("start", 0),
        ("end", 0),
        ("start", 1),
        ("end", 1),
    )
    assert len(model.reload_nodes) == 6
    assert model.allowed_vehicles == {1: (1,)}
    assert model.penalties[1] == PINNED_PENALTY
    assert model.distance[0][0][1] == 1_000


def test_station_copies_follow_the_expected_extra_trips():
    """Few copies for a light day, more when loads exceed the fleet; the parameter wins."""
    light = Problem((pickup("a", 1),), (collector("x"), collector("y")), (station(),))
    heavy_pickups = tuple(pickup(f"p{i}", 1, weight_g=900_000) for i in range(10))
    heavy = Problem(heavy_pickups, light.collectors, light.stations)
    assert station_copies(light, SolveParams()) == 2
    assert station_copies(heavy, SolveParams()) == 6
    assert station_copies(light, SolveParams(station_copies=7)) == 7
