"""Route properties and summary KPIs."""

from __future__ import annotations

from dispatch import Location, Route, Stop, StopKind, VehicleType
from dispatch.plan import summarise

HERE = Location(0.0, 0.0)


def stop(kind: StopKind, ref: str, t: int, load: int, metres: int) -> Stop:
    """A stop with no waiting and no service time."""
    return Stop(kind, ref, HERE, t, t, t, load, 0, metres)


def test_kpis_of_a_one_trip_route():
    """2 km for 0.5 t in one hour: 4 km per tonne, 2 stops per hour, half full."""
    route = Route(
        "x",
        VehicleType.VAN,
        (
            stop(StopKind.START, "x", 0, 0, 0),
            stop(StopKind.PICKUP, "a", 1000, 200_000, 500),
            stop(StopKind.PICKUP, "b", 2000, 500_000, 500),
            stop(StopKind.UNLOAD, "s", 3000, 0, 500),
            stop(StopKind.END, "x", 3600, 0, 500),
        ),
    )
    summary = summarise((route,), (), {"x": 1_000_000}, {"a": 100, "b": 250}, 0.1)
    assert route.collected_g == 500_000 and route.distance_m == 2_000
    assert summary.km_per_tonne == 4.0
    assert summary.stops_per_hour == 2.0
    assert summary.utilisation == 0.5
    assert summary.expected_value_cents == 350
