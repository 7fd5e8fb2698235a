"""Travel matrices: a pluggable provider, an offline default and an OSRM client.

A provider returns integer metres and integer seconds between every pair of points for
one vehicle type; the planner asks once per vehicle type present in the fleet.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from dispatch.errors import MatrixError
from dispatch.model import Location, VehicleType

IntMatrix = list[list[int]]
EARTH_RADIUS_M = 6_371_008.8
# Urban door-to-door speeds, loading stops excluded.
DEFAULT_SPEEDS_KMH: Mapping[VehicleType, float] = {
    VehicleType.TRICYCLE: 12.0,
    VehicleType.E_BIKE: 18.0,
    VehicleType.VAN: 25.0,
    VehicleType.TRUCK: 22.0,
}
# What an OSRM answer gets for a pair it cannot route: far worse than any real trip.
UNREACHABLE = 10_000_000


class MatrixProvider(Protocol):
    """Anything that returns (distances_m, durations_s) between all pairs of points."""

    def matrix(
        self, points: Sequence[Location], vehicle_type: VehicleType
    ) -> tuple[IntMatrix, IntMatrix]:
        """Square integer matrices indexed like `points`."""
        ...


class HaversineMatrixProvider:
    """Offline matrices: great-circle distance times a detour factor, per-type speeds."""

    def __init__(
        self,
        detour_factor: float = 1.3,
        speeds_kmh: Mapping[VehicleType, float] = DEFAULT_SPEEDS_KMH,
    ) -> None:
        self.detour_factor = detour_factor
        self.speeds_kmh = dict(speeds_kmh)
        self._cache: tuple[tuple[Location, ...], np.ndarray] | None = None

    def matrix(
        self, points: Sequence[Location], vehicle_type: VehicleType
    ) -> tuple[IntMatrix, IntMatrix]:
        """Distances (m) and durations (s), both rounded up to whole units."""
        metres = self._metres(tuple(points))
        speed_ms = self.speeds_kmh[vehicle_type] / 3.6
        durations = np.ceil(metres / speed_ms).astype(np.int64)
        return np.ceil(metres).astype(np.int64).tolist(), durations.tolist()

    def _metres(self, points: tuple[Location, ...]) -> np.ndarray:
        # The planner asks once per vehicle type with the same points: compute once.
        if self._cache is not None and self._cache[0] == points:
            return self._cache[1]
        lat = np.radians([p.lat for p in points])
        lon = np.radians([p.lon for p in points])
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        )
        metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * self.detour_factor
        self._cache = (points, metres)
        return metres


def haversine_m(a: Location, b: Location) -> float:
    """Great-circle distance in metres (no detour factor)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


class OsrmTableProvider:
    """Matrices from an OSRM-compatible `table` service.

    `profiles` maps a vehicle type to the URL profile segment ("driving", "cycling"...);
    `duration_factor` stretches a profile's durations for slower vehicles, e.g. 1.6 for
    tricycles on a car profile.
    """

    def __init__(
        self,
        base_url: str,
        profiles: Mapping[VehicleType, str] | None = None,
        duration_factor: Mapping[VehicleType, float] | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.profiles = dict(profiles or {})
        self.duration_factor = dict(duration_factor or {})
        self.timeout_s = timeout_s

    def matrix(
        self, points: Sequence[Location], vehicle_type: VehicleType
    ) -> tuple[IntMatrix, IntMatrix]:
        """Ask the server once for the full table; raise MatrixError on any failure."""
        profile = self.profiles.get(vehicle_type, "driving")
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        url = f"{self.base_url}/table/v1/{profile}/{coords}?annotations=distance,duration"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response:
                body = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MatrixError(f"OSRM table request failed: {exc}") from exc
        if body.get("code") != "Ok":
            raise MatrixError(f"OSRM table answered {body.get('code')!r}: {body.get('message')}")
        factor = self.duration_factor.get(vehicle_type, 1.0)
        return _to_ints(body["distances"], 1.0), _to_ints(body["durations"], factor)


def _to_ints(rows: list[list[float | None]], factor: float) -> IntMatrix:
    return [[UNREACHABLE if v is None else math.ceil(v * factor) for v in row] for row in rows]
