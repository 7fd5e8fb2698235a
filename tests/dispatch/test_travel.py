"""The point-level travel table and its expansion to solver nodes."""

from __future__ import annotations

from dispatch import Problem, VehicleType
from dispatch.travel import build_travel_table, expand
from tests.dispatch.conftest import LineProvider, collector, pickup, station


def test_table_layout_and_shared_distances():
    """Points are pickups, (start, end) per collector, stations; equal matrices are shared."""
    problem = Problem(
        (pickup("a", 2),),
        (collector("x", 1), collector("y", 3, vehicle_type=VehicleType.E_BIKE)),
        (station("s", 10),),
    )
    table = build_travel_table(problem, LineProvider())
    assert table.metres(VehicleType.VAN, table.pickup(0), table.station(0)) == 8_000
    assert table.seconds(VehicleType.VAN, table.start(1), table.end(0)) == 200
    assert table.distance[VehicleType.VAN] is table.distance[VehicleType.E_BIKE]


def test_expand_repeats_shared_points():
    """Two nodes on one point get identical rows and a zero arc between them."""
    assert expand([[0, 5], [5, 0]], [0, 1, 1]) == [[0, 5, 5], [5, 0, 0], [5, 0, 0]]
