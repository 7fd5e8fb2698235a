"""One simulation run, step by step: a fresh database, the city, the days, the warehouse.

The days run on the simulated clock (``api.simulation.clock``) from a little before the
first history day up to the real now; everything after that (the warehouse build, the
report, serving) runs on the system clock.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from api.db import session_scope
from api.simulation import city as city_module
from api.simulation import dispatch, enrolment, market, residents, rounds, routine
from api.simulation.agenda import Agenda
from api.simulation.clock import local_date_of, real_now, simulated_time
from api.simulation.database import fresh_database
from api.simulation.live import prepare_live_day
from api.simulation.params import SimulationParams
from api.simulation.prices import Market
from api.simulation.progress import Progress, StepTimer
from api.simulation.world import World
from api.timeutil import local_at

# the simulated days stop this long before the real now (so nothing is stamped in the future)
END_MARGIN = timedelta(seconds=30)


@dataclass
class SimulationResult:
    """What a run made and how long each step took."""

    database_url: str
    warehouse_path: str
    timings: list[tuple[str, float]]
    outcomes: dict[str, int]
    action_seconds: dict[str, float]
    notes: list[str] = field(default_factory=list)
    warehouse_built: bool = False


def _faster_sqlite(app: Flask) -> None:
    # A demo database need not survive a power cut: skip the fsync on every commit.
    def pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    event.listen(app.extensions["db_engine"], "connect", pragmas)


def plan_calendar(params: SimulationParams, today: date) -> tuple[list[date], list[date]]:
    """(history days, busy days): the busy days end today; the history comes before them."""
    busy = [today - timedelta(days=offset) for offset in range(params.days - 1, -1, -1)]
    first = busy[0] - timedelta(days=7 * params.history_weeks)
    history = [first + timedelta(days=i) for i in range((busy[0] - first).days)]
    return history, busy


def build_world(app: Flask, params: SimulationParams, *, busy: list[date], echo) -> World:
    """Seed the city's places and people (on the simulated clock)."""
    rng = random.Random(params.seed)
    with session_scope(app) as session:
        zones = city_module.seed_places(session, slot_days=2)
        admin_id = city_module.admin_user_id(session)
    bar = Progress("residents", params.residents)
    with session_scope(app) as session:
        people = city_module.enrol_residents(
            session, zones=zones, count=params.residents, rng=rng, on_each=bar.advance
        )
    bar.close()
    with session_scope(app) as session:
        collectors = enrolment.enrol_collectors(
            app, session, zones=zones, admin_id=admin_id, count=params.collectors, rng=rng
        )
        stations = enrolment.staff_stations(session)
        plants = enrolment.register_plants(session, admin_id=admin_id, count=params.plants, rng=rng)
    echo(
        f"  {len(people)} residents, {len(collectors)} collectors, {len(stations)} stations, "
        f"{len(plants)} plants, {len(zones)} zones"
    )
    city = city_module.DemoCity(admin_id, people, collectors, stations, plants, zones)
    return World(
        app=app,
        params=params,
        city=city,
        market=Market(rng),
        rng=rng,
        agenda=Agenda(app),
        busy_days=set(busy),
        end=real_now() - END_MARGIN,
        last_day=busy[-1],
    )


def schedule_days(world: World, days: list[date]) -> None:
    """Diary every day: bookings the day before, shifts, dispatch, rounds, lots, routine."""
    for day in days:
        residents.schedule_day(world, day)
        dispatch.schedule_shifts(world, day)
        if world.is_busy(day):  # tomorrow too, when the demo runs after 20:00
            dispatch.schedule_dispatch(world, day)
        rounds.schedule_day(world, day)
        market.schedule_lots(world, day)
        routine.schedule_routine(world, day)


def simulate(world: World, days: list[date]) -> None:
    """Run the diary up to the real now, one progress step per simulated day."""
    bar = Progress("days", len(days))

    def next_day(day: date) -> None:
        bar.advance(suffix=f"{day.isoformat()} ({world.agenda.outcomes['complete:ok']} pickups)")

    world.agenda.run_until(world.end, on_new_day=next_day)
    bar.done = bar.total
    bar.close()


def run_simulation(
    app: Flask,
    params: SimulationParams,
    *,
    echo: Callable[[str], None] = print,
    timer: StepTimer | None = None,
) -> SimulationResult:
    """Fresh database, city, history and busy days up to now, live state for the demo."""
    timer = timer or StepTimer(echo)
    with timer.step("fresh database"):
        fresh_database(app, echo=echo)
    _faster_sqlite(app)
    saved = {k: app.config.get(k) for k in ("DISPATCH_TIME_LIMIT_S", "DISPATCH_REPLAN_ON_CHANGE")}
    app.config["DISPATCH_TIME_LIMIT_S"] = params.dispatch_time_limit_s
    app.config["DISPATCH_REPLAN_ON_CHANGE"] = False
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    today = local_date_of(real_now())
    history, busy = plan_calendar(params, today)
    days = [*history, *busy, today + timedelta(days=1)]
    start = local_at(history[0] if history else busy[0], 7) - timedelta(days=3)
    try:
        with app.app_context(), simulated_time(start):
            with timer.step("seed the city"):
                world = build_world(app, params, busy=busy, echo=echo)
            with timer.step(
                f"simulate {len(history)} history days and {len(busy)} busy days "
                f"({history[0] if history else busy[0]} .. {today})"
            ):
                schedule_days(world, days)
                simulate(world, days)
    finally:
        root.setLevel(level)
        app.config.update(saved)
    with app.app_context(), timer.step("the live day: slots ahead, the demo collector's shifts"):
        prepare_live_day(app, world)
    return SimulationResult(
        database_url=app.config["DATABASE_URL"],
        warehouse_path=str(Path(app.config["WAREHOUSE_PATH"])),
        timings=timer.timings,
        outcomes=dict(world.agenda.outcomes),
        action_seconds=dict(world.agenda.seconds),
        notes=world.notes,
    )
