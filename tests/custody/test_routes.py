"""Distance from a ping to the day's planned path."""

from __future__ import annotations

import pytest

from api.custody.routes import distance_to_path_m


def test_a_point_on_a_leg_is_zero_metres_away():
    """Between two stops, on the straight line, is on the path."""
    path = [(31.20, 121.40), (31.20, 121.50)]
    assert distance_to_path_m((31.20, 121.45), path) == pytest.approx(0, abs=1)


def test_distance_is_to_the_nearest_leg_not_the_nearest_stop():
    """Midway between stops 10 km apart but 1 km off the line is about 1 km away."""
    path = [(31.20, 121.40), (31.20, 121.50)]
    distance = distance_to_path_m((31.209, 121.45), path)
    assert 950 < distance < 1050


def test_a_single_stop_path_is_a_point():
    """0.01 degree of latitude is about 1.1 km."""
    assert 1100 < distance_to_path_m((31.21, 121.40), [(31.20, 121.40)]) < 1125
