"""The collectors' day: claiming jobs, driving the route, weighing at the door, unloading.

With a plan, each collector claims the pickups the plan gave them and follows its stops and
times (unloading where it unloads); pickups the plan left out, and every job of a history
day, are claimed from the feed by the nearest collector on shift with room for it. At the
door the collector weighs each item into a tagged bag; the resident accepts or refuses a
weighing that fell below the acceptance threshold; the collector completes the job (the
resident is paid) and later drops the bags off at a station, where staff weigh and scan them.
A collector now and then does not turn up: the evening no-show sweep closes those jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from api.bookings.models import Booking
from api.bookings.service import cancel_booking
from api.jobs.claims import claim_job
from api.jobs.execution import arrive, depart
from api.jobs.policy import policy_from_config
from api.jobs.tasks import mark_no_shows
from api.residents.models import Address
from api.route_plans.problem import parse_id
from api.simulation.agenda import Agenda
from api.simulation.city import CollectorAgent
from api.simulation.clock import local_date_of
from api.simulation.dispatch import current_plans
from api.simulation.door import weigh
from api.simulation.dropoffs import schedule_unload
from api.simulation.world import World
from api.slots.models import Slot
from api.timeutil import to_local
from dispatch.matrix import haversine_m
from dispatch.model import Location

SPEED_KMH = {"tricycle": 11, "e-bike": 16, "van": 20, "truck": 18}
DETOUR = 1.35  # streets are longer than the straight line
DOOR_MINUTES = 9


@dataclass
class Visit:
    """A job on a collector's day: when they start at the door."""

    booking_id: int
    at: datetime
    latitude: float
    longitude: float


def schedule_day(world: World, day: date) -> None:
    """At 06:30 collectors claim the day's jobs and set off (after the plan, if any)."""
    world.agenda.add(world.at(day, 6, 30), lambda a: work_day(world, day), label="claims")
    world.agenda.add(
        world.at(day, 21, 30), lambda a: mark_no_shows.delay(), label="no_shows", task=True
    )
    world.agenda.add(world.at(day, 21, 0), lambda a: _give_up(world, day), label="give_up")


def work_day(world: World, day: date) -> None:
    """Claim jobs (plan first, then the feed) and diary every collector's day."""
    by_id = {c.collector_id: c for c in world.city.collectors}
    visits: dict[int, list[Visit]] = {}
    unloads: dict[int, list[tuple[datetime, int]]] = {}
    for plan in current_plans(world, day):
        for route in plan.routes:
            agent = by_id.get(route.collector_id)
            if agent is not None:
                _claim_planned(world, agent, plan.service_date, route.stops, visits, unloads)
    _claim_from_feed(world, day, by_id, visits)
    for collector_id, todo in visits.items():
        _diary(
            world,
            by_id[collector_id],
            sorted(todo, key=lambda v: v.at),
            unloads.get(collector_id, []),
        )


def _claim(world: World, agent: CollectorAgent, booking_id: int, label: str) -> bool:
    policy = policy_from_config(world.app.config)
    session = world.agenda.session
    held = world.agenda.try_now(
        label,
        lambda: claim_job(session, user_id=agent.user_id, booking_id=booking_id, policy=policy),
    )
    return held is not None


def _claim_planned(world, agent, service_date, stops, visits, unloads) -> None:
    midnight = world.at(service_date, 0)
    for stop in stops:
        at = midnight + timedelta(seconds=stop["service_start_s"])
        if stop["kind"] == "unload":
            unloads.setdefault(agent.collector_id, []).append((at, parse_id(stop["ref_id"])))
        elif stop["kind"] == "pickup":
            booking_id = parse_id(stop["ref_id"])
            if _claim(world, agent, booking_id, "claim_planned"):
                where = stop["location"]
                visit = Visit(booking_id, at, where["lat"], where["lon"])
                visits.setdefault(agent.collector_id, []).append(visit)


def _claim_from_feed(world: World, day: date, by_id: dict, visits: dict) -> None:
    """Open jobs of ``day``: the nearest collectors on shift try to claim each one."""
    session = world.agenda.session
    start, end = world.at(day, 0), world.at(day + timedelta(days=1), 0)
    rows = session.execute(
        select(Booking, Slot, Address)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .join(Address, Address.address_id == Booking.address_id)
        .where(Booking.status == "scheduled", Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at, Booking.booking_id)
    ).all()
    working = [c for c in world.city.collectors if day in world.shifts[c.collector_id]]
    for booking, slot, address in rows:
        zone = world.city.zone_code(booking.zone_id)
        door = Location(lat=address.latitude, lon=address.longitude)
        window = (f"{to_local(slot.starts_at):%H:%M}", f"{to_local(slot.ends_at):%H:%M}")
        candidates = sorted(
            (
                c
                for c in working
                if zone in c.zone_codes and _overlaps(world.shifts[c.collector_id][day], window)
            ),
            key=lambda c: (
                len(visits.get(c.collector_id, [])) // 4,
                haversine_m(Location(lat=c.home[0], lon=c.home[1]), door),
            ),
        )
        for agent in candidates[:4]:
            if _claim(world, agent, booking.booking_id, "claim_feed"):
                offset = world.rng.randrange(
                    0, int((slot.ends_at - slot.starts_at).total_seconds() * 0.7)
                )
                at = slot.starts_at + timedelta(seconds=offset)
                visit = Visit(booking.booking_id, at, address.latitude, address.longitude)
                visits.setdefault(agent.collector_id, []).append(visit)
                break


def _overlaps(shift: tuple[str, str], window: tuple[str, str]) -> bool:
    return shift[0] < window[1] and window[0] < shift[1]


def travel_minutes(agent: CollectorAgent, a: tuple[float, float], b: tuple[float, float]) -> int:
    """Minutes to ride from ``a`` to ``b`` (lat, lon) on the collector's vehicle."""
    metres = haversine_m(Location(lat=a[0], lon=a[1]), Location(lat=b[0], lon=b[1])) * DETOUR
    return max(3, round(metres / 1000 / SPEED_KMH.get(agent.vehicle, 12) * 60))


def _diary(world: World, agent: CollectorAgent, todo: list[Visit], unloads: list) -> None:
    """Diary the collector's visits and unloads; a final unload after the last visit."""
    where = agent.home
    last = None
    for visit in todo:
        minutes = travel_minutes(agent, where, (visit.latitude, visit.longitude))
        where = (visit.latitude, visit.longitude)
        if world.rng.random() > agent.reliability:
            continue  # does not turn up: the evening sweep marks the job a no-show
        _diary_visit(world, agent, visit, minutes)
        last = visit.at + timedelta(minutes=DOOR_MINUTES)
    for at, station_id in unloads:
        schedule_unload(world, agent, at, station_id)
    if last is not None and (not unloads or max(at for at, _ in unloads) < last):
        schedule_unload(world, agent, last + timedelta(minutes=25), None, near=where)


def _diary_visit(world: World, agent: CollectorAgent, visit: Visit, minutes: int) -> None:
    booking_id = visit.booking_id
    add = world.agenda.add

    def go(agenda: Agenda) -> None:
        depart(agenda.session, user_id=agent.user_id, booking_id=booking_id, eta_minutes=minutes)

    def at_door(agenda: Agenda) -> None:
        # the phone's GPS: within a few tens of metres of the door
        jitter = world.rng.gauss(0, 0.00015)
        arrive(
            agenda.session,
            user_id=agent.user_id,
            booking_id=booking_id,
            latitude=visit.latitude + jitter,
            longitude=visit.longitude - jitter,
            policy=policy_from_config(world.app.config),
        )

    # on history days collectors skip the "on my way" tap (arrival accepts assigned jobs too)
    if local_date_of(visit.at) in world.busy_days:
        add(visit.at - timedelta(minutes=minutes), go, label="depart")
    add(visit.at, at_door, label="arrive")
    add(visit.at + timedelta(minutes=3), lambda a: weigh(world, agent, booking_id), label="weigh")


def _give_up(world: World, day: date) -> None:
    """Residents whose pickup nobody claimed cancel it in the evening (it was unassigned)."""
    session = world.agenda.session
    start, end = world.at(day, 0), world.at(day + timedelta(days=1), 0)
    stmt = (
        select(Booking)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .where(Booking.status == "scheduled", Slot.starts_at >= start, Slot.starts_at < end)
    )
    for booking in session.scalars(stmt):
        world.agenda.try_now(
            "unclaimed_cancel",
            lambda booking=booking: cancel_booking(
                session,
                resident_id=booking.resident_id,
                booking_id=booking.booking_id,
                reason="nobody came",
            ),
        )
