"""Collectors' shifts and the nightly dispatch: ``route_plans.plan_day`` at 20:00.

Collectors declare tomorrow's shift in the evening; at 20:00 the beat task plans every
zone for tomorrow (run eagerly here, one ``plan_zone`` solve per zone with the run's time
limit). History days have no dispatch: collectors pick their jobs from the feed.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from api.collectors.shifts import set_shift
from api.route_plans.models import RoutePlan
from api.route_plans.tasks import plan_day
from api.simulation.agenda import Agenda
from api.simulation.world import World

# (start, end) local shift hours collectors choose from
SHIFTS = (("07:30", "17:30"), ("08:00", "20:00"), ("10:00", "20:00"), ("08:00", "18:30"))


def works_on(world: World, collector, day: date) -> bool:
    """A weekly day off each; part-timers work about three days a week; a few are off sick."""
    if (collector.collector_id + day.toordinal()) % 7 == 0:
        return False
    return world.rng.random() < collector.days_per_week / 6 - 0.03


def schedule_shifts(world: World, day: date) -> None:
    """Every collector working ``day`` declares their shift the evening before."""
    eve = day - timedelta(days=1)
    for index, collector in enumerate(world.city.collectors):
        if not works_on(world, collector, day):
            continue
        start, end = SHIFTS[index % len(SHIFTS)]
        at = world.at(eve, 17, second=world.rng.randrange(0, 2 * 3600))

        def declare(agenda: Agenda, collector=collector, start=start, end=end) -> None:
            set_shift(agenda.session, user_id=collector.user_id, day=day, start=start, end=end)
            world.shifts[collector.collector_id][day] = (start, end)

        world.agenda.add(at, declare, label="shift")


def schedule_dispatch(world: World, day: date) -> None:
    """At 20:00 the evening before, plan ``day`` in every zone (the beat's nightly task)."""

    def plan(agenda: Agenda) -> None:
        plan_day.delay(day.isoformat())
        session = agenda.session
        world.plans[day] = list(
            session.scalars(
                select(RoutePlan.route_plan_id).where(
                    RoutePlan.service_date == day, RoutePlan.status == "current"
                )
            )
        )

    world.agenda.add(world.at(day - timedelta(days=1), 20), plan, label="dispatch", task=True)


def current_plans(world: World, day: date) -> list[RoutePlan]:
    """The day's current plans (none for a history day)."""
    ids = world.plans.get(day, [])
    if not ids:
        return []
    session = world.agenda.session
    return list(session.scalars(select(RoutePlan).where(RoutePlan.route_plan_id.in_(ids))))
