"""Building the dispatch Problem of a zone-day from bookings, collectors, shifts and stations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from api.auth.models import User
from api.bookings.models import Booking
from api.collectors.models import Collector
from api.db import session_scope, utcnow
from api.jobs.models import Weighing
from api.quotes.models import Quote
from api.route_plans.problem import build_zone_day
from api.slots.models import Slot
from api.stations.models import Station, StationDelivery
from api.timeutil import local_at, local_day_bounds, local_today
from api.zones.models import Zone
from dispatch import VehicleType
from tests.api.test_route_plans import (
    COLLECTOR_A,
    COLLECTOR_B,
    STREET,
    add_collector,
    book_at,
    claim,
    tomorrow,
)

HOUR = 3600
FRIDGE = {"material": "fridge", "grade": "working", "quantity": 1}
PHONE = {"material": "ewaste_small", "grade": "broken", "quantity": 2}


def build(app, *, zone="xuhui-s", day=None, now=None):
    """The zone-day as the planner would see it at ``now`` (default: now)."""
    with app.app_context(), session_scope(app) as session:
        found = session.scalar(select(Zone).where(Zone.code == zone))
        return build_zone_day(
            session, zone=found, service_date=day or tomorrow(), now=now or utcnow()
        )


def pickup(zone_day, booking_id: int):
    """The pickup of a booking in the problem."""
    return next(p for p in zone_day.problem.pickups if p.id == f"b{booking_id}")


def test_pickup_carries_slot_window_load_service_and_value(city, client, login):
    """3 kg PET + 5 kg cardboard in the 10-12 slot: 8 kg, 100 l, 6 min at the door, quote value."""
    booking = book_at(client, login, 0)
    zone_day = build(city)
    item = pickup(zone_day, booking)
    assert (item.window.start_s, item.window.end_s) == (10 * HOUR, 12 * HOUR)
    assert (item.weight_g, item.volume_l, item.service_s) == (8_000, 100, 360)
    assert (item.location.lat, item.location.lon) == STREET[0]
    with session_scope(city) as session:
        quote_id = session.scalar(select(Booking.quote_id).where(Booking.booking_id == booking))
        expected = session.get(Quote, quote_id).estimated_total_cents
    assert item.value_cents == expected > 0
    assert item.required_skill is None and item.pinned_collector_id is None and item.priority == 0


def test_appliances_weigh_more_take_longer_and_need_every_skill(city, client, login):
    """A fridge and two phones: 66 kg, 15+2 extra minutes, both skills in one requirement."""
    booking = book_at(client, login, 0, items=[FRIDGE, PHONE])
    item = pickup(build(city), booking)
    assert item.weight_g == 60_000 + 2 * 3_000
    assert item.service_s == 300 + 900 + 2 * 60
    assert item.required_skill == "appliance+e-waste"


def test_collector_skills_count_only_until_their_certificate_expires(city, login):
    """An expired e-waste certificate drops e-waste and its combinations on the day."""
    add_collector(
        city,
        login,
        COLLECTOR_A,
        skills={"appliance": None, "e-waste": tomorrow() - timedelta(days=1)},
    )
    add_collector(city, login, COLLECTOR_B, skills={"appliance": tomorrow(), "e-waste": tomorrow()})
    a, b = build(city).problem.collectors
    assert a.skills == frozenset({"appliance"})
    assert b.skills == frozenset({"appliance", "e-waste", "appliance+e-waste"})


def test_only_approved_collectors_on_shift_in_the_zone_are_planned(city, login):
    """Zone, shift day and approval each decide; vehicle, payload and shift carry over."""
    _, planned = add_collector(city, login, COLLECTOR_A, vehicle="e-bike", payload_grams=90_000)
    add_collector(city, login, "+8613722220003", zones=("jingan-e",))
    add_collector(city, login, "+8613722220004", day=local_today())
    add_collector(city, login, "+8613722220005", shift=None)
    add_collector(city, login, "+8613722220006", status="suspended")
    (collector,) = build(city).problem.collectors
    assert collector.id == f"c{planned}"
    assert collector.vehicle_type is VehicleType.E_BIKE and collector.capacity_g == 90_000
    assert (collector.shift.start_s, collector.shift.end_s) == (8 * HOUR, 20 * HOUR)
    assert collector.breaks and collector.fixed_prefix == ()


def test_a_claimed_job_brings_its_collector_and_is_pinned(city, client, login):
    """A collector of another zone with no shift that day who claimed a job here is planned."""
    _, outsider = add_collector(city, login, COLLECTOR_B, zones=("jingan-e",), shift=None)
    booking = book_at(client, login, 0)
    claim(city, booking, outsider)
    zone_day = build(city)
    assert [c.id for c in zone_day.problem.collectors] == [f"c{outsider}"]
    assert pickup(zone_day, booking).pinned_collector_id == f"c{outsider}"


def test_stations_are_the_zones_or_the_nearest_ones(city):
    """Xuhui S has its own two stations; without them the three nearest elsewhere are used."""
    own = build(city).problem.stations
    with session_scope(city) as session:
        zone_id = session.scalar(select(Zone.zone_id).where(Zone.code == "xuhui-s"))
        codes = dict(session.execute(select(Station.station_id, Station.zone_id)).all())
    assert len(own) == 2 and {codes[int(s.id[1:])] for s in own} == {zone_id}
    assert own[0].opening.start_s == 7 * HOUR and own[0].opening.end_s == 21 * HOUR
    with session_scope(city) as session:
        session.execute(update(Station).where(Station.zone_id == zone_id).values(is_active=False))
    near = build(city).problem.stations
    assert len(near) == 3 and all(codes[int(s.id[1:])] != zone_id for s in near)


def test_work_under_way_is_a_prefix_and_unloaded_work_is_history(city, client, login):
    """Done-and-unloaded jobs leave the problem; on-board ones come first, then the en-route one."""
    _, collector = add_collector(city, login, COLLECTOR_A)
    unloaded, on_board, driving, waiting = (
        book_at(client, login, i, point=STREET[i % 3]) for i in range(4)
    )
    for booking, status in ((unloaded, "completed"), (on_board, "weighed"), (driving, "en_route")):
        claim(city, booking, collector, status=status)
    claim(city, waiting, collector)
    start = local_day_bounds(tomorrow())[0]
    with session_scope(city) as session:
        staff = session.scalar(select(User.user_id).where(User.role == "station"))
        station = session.scalar(select(Station.station_id))
        for booking, hour in ((unloaded, 9), (on_board, 11)):
            session.add(_weighing(booking, collector, start + timedelta(hours=hour)))
        session.add(
            StationDelivery(
                station_id=station,
                collector_id=collector,
                received_by_user_id=staff,
                received_at=start + timedelta(hours=10),
            )
        )
    zone_day = build(city)
    ids = {p.id for p in zone_day.problem.pickups}
    assert f"b{unloaded}" not in ids and f"b{waiting}" in ids
    (fleet,) = zone_day.problem.collectors
    assert fleet.fixed_prefix == (f"b{on_board}", f"b{driving}")


def _weighing(booking_id: int, collector_id: int, at) -> Weighing:
    return Weighing(
        booking_id=booking_id,
        collector_id=collector_id,
        weighed_at=at,
        quoted_total_cents=1000,
        goods_cents=1000,
        subsidy_cents=0,
        total_cents=1000,
        status="accepted",
    )


def test_a_replan_during_the_day_starts_routes_now(city, client, login):
    """At 15:03 today, shifts start at 15:10; one with work on board keeps two hours to finish."""
    today = local_today()
    _, idle = add_collector(city, login, COLLECTOR_A, day=today, shift=(8, 16))
    _, busy = add_collector(city, login, COLLECTOR_B, day=today, shift=(8, 16))
    booking = book_at(client, login, 0)
    with session_scope(city) as session:
        today_slot = session.scalar(
            select(Slot.slot_id).where(
                Slot.starts_at == local_at(today, 14),
                Slot.zone_id
                == select(Booking.zone_id).where(Booking.booking_id == booking).scalar_subquery(),
            )
        )
        session.execute(
            update(Booking).where(Booking.booking_id == booking).values(slot_id=today_slot)
        )
    claim(city, booking, busy, status="arrived")
    zone_day = build(city, day=today, now=local_at(today, 15, 3))
    shifts = {c.id: c.shift for c in zone_day.problem.collectors}
    assert (shifts[f"c{idle}"].start_s, shifts[f"c{idle}"].end_s) == (15 * HOUR + 600, 16 * HOUR)
    assert shifts[f"c{busy}"].start_s == 15 * HOUR + 600
    assert shifts[f"c{busy}"].end_s == 17 * HOUR + 600


def test_same_state_same_digest_and_any_change_alters_it(city, client, login):
    """The inputs digest is stable across builds and moves with any input's change."""
    add_collector(city, login, COLLECTOR_A)
    book_at(client, login, 0)
    first, second = build(city), build(city)
    assert first.inputs_hash == second.inputs_hash
    assert first.inputs == first.problem.to_dict()
    with session_scope(city) as session:
        session.execute(update(Collector).values(payload_grams=Collector.payload_grams + 1))
    assert build(city).inputs_hash != first.inputs_hash


@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_closed_bookings_are_not_planned(city, client, login, status):
    """Cancelled and no-show bookings never reach the solver."""
    booking = book_at(client, login, 0)
    with session_scope(city) as session:
        session.execute(update(Booking).where(Booking.booking_id == booking).values(status=status))
    assert build(city).problem.pickups == ()
