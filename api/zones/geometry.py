"""Point-in-polygon and coarse cells, on longitude/latitude (small areas, planar is fine)."""

from __future__ import annotations

from collections.abc import Sequence


def contains(ring: Sequence[Sequence[float]], longitude: float, latitude: float) -> bool:
    """Whether the point lies inside the ring (even-odd rule; edges count as inside)."""
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if _on_segment(x1, y1, x2, y2, longitude, latitude):
            return True
        if (y1 > latitude) != (y2 > latitude):
            x_cross = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            if longitude < x_cross:
                inside = not inside
    return inside


def _on_segment(x1, y1, x2, y2, px, py, eps: float = 1e-12) -> bool:
    cross = (px - x1) * (y2 - y1) - (py - y1) * (x2 - x1)
    if abs(cross) > eps:
        return False
    return (
        min(x1, x2) - eps <= px <= max(x1, x2) + eps
        and min(y1, y2) - eps <= py <= max(y1, y2) + eps
    )


def coarse_cell(latitude: float, longitude: float, size_deg: float = 0.01) -> str:
    """A grid cell about 1 km across: what the warehouse keeps instead of an address."""
    row = int(latitude // size_deg)
    col = int(longitude // size_deg)
    return f"{row}:{col}"


def validate_ring(ring: Sequence[Sequence[float]]) -> str | None:
    """Why ``ring`` is not a usable polygon, or None."""
    if len(ring) < 3:
        return "a polygon needs at least 3 points"
    for point in ring:
        if len(point) != 2:
            return "each point is [longitude, latitude]"
        lon, lat = point
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return "longitude in [-180, 180], latitude in [-90, 90]"
    return None
