"""Point-level travel table: every pickup, home and station, per vehicle type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.matrix import IntMatrix, MatrixProvider
from dispatch.model import Location, Problem, VehicleType


@dataclass(frozen=True, eq=False)
class TravelTable:
    """Matrices over points laid out as: pickups, then (start, end) per collector, then
    stations, all in problem order. One distance and one duration matrix per vehicle type.
    """

    num_pickups: int
    num_collectors: int
    points: tuple[Location, ...]
    distance: dict[VehicleType, IntMatrix]
    duration: dict[VehicleType, IntMatrix]

    def pickup(self, i: int) -> int:
        """Point of pickup i."""
        return i

    def start(self, v: int) -> int:
        """Point of collector v's start."""
        return self.num_pickups + 2 * v

    def end(self, v: int) -> int:
        """Point of collector v's end."""
        return self.num_pickups + 2 * v + 1

    def station(self, s: int) -> int:
        """Point of station s."""
        return self.num_pickups + 2 * self.num_collectors + s

    def seconds(self, vehicle_type: VehicleType, a: int, b: int) -> int:
        """Travel time between two points."""
        return self.duration[vehicle_type][a][b]

    def metres(self, vehicle_type: VehicleType, a: int, b: int) -> int:
        """Distance between two points."""
        return self.distance[vehicle_type][a][b]

    @property
    def num_stations(self) -> int:
        """Stations at the end of the point list."""
        return len(self.points) - self.num_pickups - 2 * self.num_collectors

    def closing_station(self, vehicle_type: VehicleType, point: int, end: int) -> int:
        """The station on the shortest way from `point` to `end`: the day's last unload."""
        return min(
            range(self.num_stations),
            key=lambda s: (
                self.metres(vehicle_type, point, self.station(s))
                + self.metres(vehicle_type, self.station(s), end)
            ),
        )


def build_travel_table(problem: Problem, provider: MatrixProvider) -> TravelTable:
    """Ask the provider once per vehicle type present in the fleet."""
    points = [p.location for p in problem.pickups]
    for c in problem.collectors:
        points += [c.start, c.home_end]
    points += [s.location for s in problem.stations]
    distance: dict[VehicleType, IntMatrix] = {}
    duration: dict[VehicleType, IntMatrix] = {}
    for vehicle_type in dict.fromkeys(c.vehicle_type for c in problem.collectors):
        dist, dur = provider.matrix(points, vehicle_type)
        # Share identical distance matrices so the solver registers them once.
        same = next((m for m in distance.values() if m == dist), None)
        distance[vehicle_type] = same if same is not None else dist
        duration[vehicle_type] = dur
    return TravelTable(
        len(problem.pickups), len(problem.collectors), tuple(points), distance, duration
    )


def expand(matrix: IntMatrix, point_of: Sequence[int]) -> IntMatrix:
    """Node matrix from a point matrix: several nodes may share one point."""
    indices = np.asarray(point_of, dtype=np.int64)
    return np.asarray(matrix, dtype=np.int64)[np.ix_(indices, indices)].tolist()
