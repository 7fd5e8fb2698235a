"""Zone splitting for big days and the merged zoned plan."""

from __future__ import annotations

from dataclasses import replace

from dispatch import SolveParams
from dispatch.check import check_plan
from dispatch.synthetic import make_city_day
from dispatch.zones import plan_routes_zoned, split_into_zones


def test_split_covers_everything_once_and_pins_follow_their_collector():
    """Every pickup and collector is in exactly one zone; a pinned job joins its collector."""
    day = make_city_day(300, 12, seed=5)
    pinned = replace(day.pickups[0], pinned_collector_id=day.collectors[-1].id)
    day = replace(day, pickups=(pinned, *day.pickups[1:]))
    zones = split_into_zones(day, max_pickups=80)
    assert len(zones) == 4
    assert sorted(p.id for z in zones for p in z.pickups) == sorted(p.id for p in day.pickups)
    assert sorted(c.id for z in zones for c in z.collectors) == sorted(c.id for c in day.collectors)
    home = next(z for z in zones if day.collectors[-1] in z.collectors)
    assert pinned in home.pickups


def test_zoned_plan_keeps_every_rule():
    """Two zones solved in two processes merge into one valid plan."""
    day = make_city_day(80, 6, seed=11)
    plan = plan_routes_zoned(day, SolveParams(time_limit_s=1), max_pickups_per_zone=40)
    assert check_plan(day, plan) == []
    assert plan.summary.pickups_planned + plan.summary.pickups_unassigned == 80
