"""Route plans through the HTTP API: solves, versions, the collector's route, admin views."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from api.auth.models import User
from api.bookings.models import Booking
from api.collectors.models import Collector, CollectorSkill, Shift
from api.db import session_scope
from api.events.models import Event
from api.route_plans.models import RoutePlan
from api.stations.models import Station
from api.timeutil import local_at, local_today
from api.zones.models import Zone
from tests.api.helpers import add_address, get_quote, tomorrow_slot

ADMIN = "+8613900009911"
RESIDENTS = tuple(f"+86138222200{i:02d}" for i in range(1, 20))
COLLECTOR_A = "+8613722220001"
COLLECTOR_B = "+8613722220002"
# Pickups along a street east of collector A's home, inside zone xuhui-s.
STREET = ((31.205, 121.445), (31.205, 121.452), (31.205, 121.459))


@pytest.fixture
def app_config(app_config):
    """Short solves: the instances here converge well within a second."""
    return {**app_config, "DISPATCH_TIME_LIMIT_S": 1}


def tomorrow() -> date:
    """The local day the nightly plan is for."""
    return local_today() + timedelta(days=1)


def zone_id(app, code: str = "xuhui-s") -> int:
    """The id of a seeded zone."""
    with session_scope(app) as session:
        return session.scalar(select(Zone.zone_id).where(Zone.code == code))


def add_station(app, *, code="ST-XHS-1", zone="xuhui-s", lat=31.205, lon=121.44) -> int:
    """An active station open 07:00-21:00."""
    with session_scope(app) as session:
        station = Station(
            code=code,
            name=f"Station {code}",
            zone_id=zone_id(app, zone),
            latitude=lat,
            longitude=lon,
        )
        session.add(station)
        session.flush()
        return station.station_id


def add_collector(
    app,
    login,
    phone: str,
    *,
    home=(31.205, 121.44),
    zones=("xuhui-s",),
    day: date | None = None,
    shift=(8, 20),
    vehicle="tricycle",
    payload_grams=300_000,
    skills: dict | None = None,
    status="approved",
) -> tuple[dict, int]:
    """A signed-in collector (inserted directly, as enrolment would leave it) with a shift."""
    headers = login(phone, role="collector")
    day = day or tomorrow()
    with session_scope(app) as session:
        user_id = session.scalar(select(User.user_id).where(User.phone == phone))
        collector = Collector(
            user_id=user_id,
            full_name="Test Collector",
            national_id_encrypted="encrypted",
            national_id_last4="1234",
            vehicle_type=vehicle,
            payload_grams=payload_grams,
            volume_litres=1500,
            home_latitude=home[0],
            home_longitude=home[1],
            zone_codes=list(zones),
            status=status,
        )
        session.add(collector)
        session.flush()
        for skill, expires_on in (skills or {}).items():
            session.add(
                CollectorSkill(
                    collector_id=collector.collector_id, skill=skill, expires_on=expires_on
                )
            )
        if shift is not None:
            session.add(
                Shift(
                    collector_id=collector.collector_id,
                    shift_date=day,
                    starts_at=local_at(day, shift[0]),
                    ends_at=local_at(day, shift[1]),
                )
            )
        return headers, collector.collector_id


def book_at(client, login, n: int, *, point=STREET[0], slot_index=1, items=None) -> int:
    """Resident ``n`` books tomorrow's slot ``slot_index`` at ``point``; the booking id."""
    headers = login(RESIDENTS[n])
    address = add_address(
        client, headers, latitude=point[0], longitude=point[1], text=f"Secret lane {n}"
    )
    quote = get_quote(client, headers, address["address_id"], items=items)
    slot = tomorrow_slot(client, headers, index=slot_index)
    body = {
        "address_id": address["address_id"],
        "slot_id": slot["slot_id"],
        "quote_id": quote["quote_id"],
    }
    response = client.post("/api/bookings", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["booking_id"]


def claim(app, booking_id: int, collector_id: int, status: str = "assigned") -> None:
    """What a claim leaves behind: the booking held by the collector."""
    with session_scope(app) as session:
        session.execute(
            update(Booking)
            .where(Booking.booking_id == booking_id)
            .values(collector_id=collector_id, status=status)
        )


def solve(client, admin: dict, *, day: date | None = None, zone: str = "xuhui-s") -> dict:
    """POST a solve as the admin; returns the stored plan (eager mode)."""
    body = {"service_date": (day or tomorrow()).isoformat(), "zone": zone}
    response = client.post("/api/route-plans", json=body, headers=admin)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["state"] == "done"
    return response.get_json()["route_plan"]


def route_of(client, admin: dict, plan_id: int, collector_id: int) -> list[int]:
    """Booking ids in a collector's route, in visit order."""
    detail = client.get(f"/api/route-plans/{plan_id}", headers=admin).get_json()
    route = next(r for r in detail["routes"] if r["collector_id"] == collector_id)
    return [s["booking_id"] for s in route["stops"] if s["kind"] == "pickup"]


def plan_count(app) -> int:
    """Stored plan versions."""
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(RoutePlan))


@pytest.fixture
def admin(city, login) -> dict:
    """Admin headers in the seeded city."""
    return login(ADMIN, role="admin")


@pytest.fixture
def street(city, client, login) -> dict:
    """A station, collector A at the west end of the street and three bookings along it."""
    add_station(city)
    headers, collector_id = add_collector(city, login, COLLECTOR_A)
    bookings = [book_at(client, login, i, point=p) for i, p in enumerate(STREET)]
    return {"collector": headers, "collector_id": collector_id, "bookings": bookings}


def test_solve_stores_a_plan_with_every_pickup_routed(street, client, admin):
    """An admin solve stores version 1 with all three bookings in A's route, station unload last."""
    plan = solve(client, admin)
    assert (plan["version"], plan["status"], plan["trigger"]) == (1, "current", "manual")
    assert (plan["pickups_planned"], plan["pickups_unassigned"]) == (3, 0)
    detail = client.get(f"/api/route-plans/{plan['route_plan_id']}", headers=admin).get_json()
    (route,) = [r for r in detail["routes"] if r["pickup_count"]]
    assert route["collector_id"] == street["collector_id"]
    kinds = [s["kind"] for s in route["stops"]]
    assert kinds[0] == "start" and kinds[-2:] == ["unload", "end"]
    assert sorted(s["booking_id"] for s in route["stops"] if s["kind"] == "pickup") == sorted(
        street["bookings"]
    )
    assert route["stops"][-2]["load_g"] == 0 and max(s["load_g"] for s in route["stops"]) == 24_000
    assert route["stops"][1]["arrival_at"].endswith("+08:00")
    assert "Secret lane" not in str(detail) and "latitude" not in str(route["stops"][1])


def test_resolving_the_same_inputs_stores_nothing_new(street, client, admin):
    """A second solve (and the nightly fan-out) over unchanged bookings keeps version 1 only."""
    first = solve(client, admin)
    again = solve(client, admin)
    assert again["route_plan_id"] == first["route_plan_id"]
    from api.route_plans.tasks import plan_day

    plan_day.delay(tomorrow().isoformat())
    plans = client.get(
        f"/api/route-plans?date={tomorrow().isoformat()}&zone=xuhui-s", headers=admin
    ).get_json()
    assert [(p["version"], p["status"]) for p in plans] == [(1, "current")]
    assert [len(planned_visits(client.application, b)) for b in street["bookings"]] == [1, 1, 1]


def test_changed_bookings_make_version_2_and_supersede_1(street, client, admin, login):
    """A new booking changes the inputs: version 2 is current, version 1 superseded."""
    first = solve(client, admin)
    new_booking = book_at(client, login, 5, point=(31.21, 121.45))
    second = solve(client, admin)
    assert (second["version"], second["status"]) == (2, "current")
    assert second["pickups_planned"] == 4
    plans = client.get("/api/route-plans?zone=xuhui-s", headers=admin).get_json()
    assert [(p["version"], p["status"]) for p in plans] == [(2, "current"), (1, "superseded")]
    assert first["inputs_hash"] != second["inputs_hash"]
    assert new_booking in route_of(client, admin, second["route_plan_id"], street["collector_id"])


def test_residents_timeline_shows_the_planned_arrival_window(street, city, client, admin, login):
    """Each planned booking gets one "planned" event with a window inside its slot; no re-record."""
    solve(client, admin)
    resident = login(RESIDENTS[0])
    events = client.get(f"/api/bookings/{street['bookings'][0]}/events", headers=resident)
    planned = [e for e in events.get_json() if e["kind"] == "planned"]
    assert len(planned) == 1
    data = planned[0]["data"]
    assert data["collector_id"] == street["collector_id"]
    slot = tomorrow_slot(client, resident, index=1)
    assert slot["starts_at"] <= data["arrival_window_start"] < data["arrival_window_end"]
    assert data["arrival_window_end"] <= slot["ends_at"]
    booking = client.get(f"/api/bookings/{street['bookings'][0]}", headers=resident).get_json()
    assert booking["status"] == "scheduled"  # the plan suggests; collectors claim
    book_at(client, login, 6, point=STREET[1])
    solve(client, admin)
    for booking_id in street["bookings"]:
        planned = planned_visits(city, booking_id)
        assert planned and all(a != b for a, b in zip(planned, planned[1:], strict=False))


def planned_visits(app, booking_id: int) -> list[tuple]:
    """(collector, window start, window end) of each "planned" event of a booking."""
    with session_scope(app) as session:
        rows = session.scalars(
            select(Event.data)
            .where(Event.entity_type == "booking", Event.entity_id == booking_id)
            .where(Event.kind == "planned")
            .order_by(Event.event_id)
        )
        return [
            (d["collector_id"], d["arrival_window_start"], d["arrival_window_end"]) for d in rows
        ]


def test_claimed_booking_stays_with_its_collector(street, city, client, admin, login):
    """A far-away collector B keeps the job B claimed; unclaimed, A (next door) would take it."""
    _, far = add_collector(city, login, COLLECTOR_B, home=(31.225, 121.465))
    target = street["bookings"][0]
    unpinned = solve(client, admin)
    assert target in route_of(client, admin, unpinned["route_plan_id"], street["collector_id"])
    claim(city, target, far)
    pinned = solve(client, admin)
    assert pinned["version"] == 2
    assert target in route_of(client, admin, pinned["route_plan_id"], far)
    assert target not in route_of(client, admin, pinned["route_plan_id"], street["collector_id"])


def test_work_under_way_is_a_fixed_prefix(street, city, client, admin):
    """A job A is driving to (en_route) comes first in A's route, though it is the farthest."""
    natural = solve(client, admin)
    order = route_of(client, admin, natural["route_plan_id"], street["collector_id"])
    farthest = street["bookings"][-1]
    assert order[0] != farthest
    claim(city, farthest, street["collector_id"], status="en_route")
    replanned = solve(client, admin)
    assert (
        route_of(client, admin, replanned["route_plan_id"], street["collector_id"])[0] == farthest
    )


def test_day_without_collectors_leaves_every_pickup_unassigned_with_a_reason(
    city, client, admin, login
):
    """No collector on shift: the plan is stored, every booking unassigned with its reason."""
    add_station(city)
    bookings = [book_at(client, login, i, point=p) for i, p in enumerate(STREET)]
    plan = solve(client, admin)
    assert (plan["pickups_planned"], plan["pickups_unassigned"]) == (0, 3)
    unassigned = client.get(
        f"/api/route-plans/{plan['route_plan_id']}/unassigned", headers=admin
    ).get_json()
    assert sorted(u["booking_id"] for u in unassigned) == sorted(bookings)
    assert {u["reason"] for u in unassigned} == {"no_collector_with_skill"}
    kpis = client.get(f"/api/route-plans/{plan['route_plan_id']}/kpis", headers=admin).get_json()
    assert kpis["unassigned_by_reason"] == {"no_collector_with_skill": 3}


def test_day_without_any_station_is_stored_as_unplannable(city, client, admin, login):
    """Loads but nowhere to unload: stored with reason invalid_problem, not an error."""
    with session_scope(city) as session:
        session.execute(update(Station).values(is_active=False))
    add_collector(city, login, COLLECTOR_A)
    booking = book_at(client, login, 0)
    plan = solve(client, admin)
    unassigned = client.get(
        f"/api/route-plans/{plan['route_plan_id']}/unassigned", headers=admin
    ).get_json()
    assert [(u["booking_id"], u["reason"]) for u in unassigned] == [(booking, "invalid_problem")]
    assert "station" in unassigned[0]["detail"]


def test_skills_and_capacity_reasons_reach_the_admin(street, client, admin, login):
    """A fridge needs the appliance skill A lacks; the reason says so."""
    fridge = book_at(
        client, login, 7, items=[{"material": "fridge", "grade": "working", "quantity": 1}]
    )
    plan = solve(client, admin)
    unassigned = client.get(
        f"/api/route-plans/{plan['route_plan_id']}/unassigned", headers=admin
    ).get_json()
    assert [(u["booking_id"], u["reason"]) for u in unassigned] == [
        (fridge, "no_collector_with_skill")
    ]
    kpis = client.get(f"/api/route-plans/{plan['route_plan_id']}/kpis", headers=admin).get_json()
    assert kpis["summary"]["pickups_planned"] == 3 and kpis["violations"] == []
    assert kpis["collectors"][0]["pickup_count"] == 3
    # The plan names the engine of the portfolio whose plan won.
    assert kpis["summary"]["engine"] in ("ortools", "pyvrp")


def test_collector_sees_their_route_today_and_only_held_addresses(
    street, city, client, admin, login, monkeypatch
):
    """A sees the route with the address of the job A holds, neighbourhoods for the rest."""
    held, other = street["bookings"][0], street["bookings"][1]
    claim(city, held, street["collector_id"])
    solve(client, admin)
    # The plan is for tomorrow; the phone asks on the day itself.
    monkeypatch.setattr("api.route_plans.service.local_today", tomorrow)
    body = client.get("/api/route-plans/today", headers=street["collector"]).get_json()
    (route,) = body["routes"]
    assert route["pickup_count"] == 3 and route["distance_km"] > 0
    stops = {s.get("booking_id"): s for s in route["stops"]}
    assert stops[held]["is_held"] and stops[held]["address"]["text"] == "Secret lane 0"
    assert not stops[other]["is_held"] and "address" not in stops[other]
    assert stops[other]["neighbourhood"] == "Xuhui S"
    assert "Secret lane 1" not in str(body) and str(STREET[1][1]) not in str(body)
    loads = [s["load_g"] for s in route["stops"]]
    assert loads[0] == 0 and max(loads) == 24_000 and loads[-1] == 0


def test_another_collector_does_not_see_the_route(street, city, client, admin, login, monkeypatch):
    """B, on shift in the zone but given no stops, gets no routes; A's stops never show."""
    b_headers, _ = add_collector(city, login, COLLECTOR_B, home=(31.225, 121.465))
    plan = solve(client, admin)
    monkeypatch.setattr("api.route_plans.service.local_today", tomorrow)
    mine = client.get("/api/route-plans/today", headers=street["collector"]).get_json()
    theirs = client.get("/api/route-plans/today", headers=b_headers).get_json()
    assert mine["routes"] and mine["routes"][0]["route_plan_id"] == plan["route_plan_id"]
    assert theirs["routes"] == []
    assert client.get("/api/route-plans/today", headers=admin).status_code == 403


def test_admin_endpoints_are_forbidden_to_everyone_else(street, client, admin, login):
    """Collectors, residents and plants get 403 on every admin view; no token is a 401."""
    plan = solve(client, admin)
    base = f"/api/route-plans/{plan['route_plan_id']}"
    others = [street["collector"], login(RESIDENTS[0]), login("+8613900009912", role="plant")]
    body = {"service_date": tomorrow().isoformat(), "zone": "xuhui-s"}
    for headers in others:
        for path in ("/api/route-plans", base, base + "/kpis", base + "/unassigned"):
            assert client.get(path, headers=headers).status_code == 403, path
        assert client.post("/api/route-plans", json=body, headers=headers).status_code == 403
    assert client.get(base).status_code == 401
    assert client.get("/api/route-plans/999999", headers=admin).status_code == 404
    assert plan_count(client.application) == 1


def test_bad_solve_requests_name_the_field(city, client, admin):
    """Unknown zones, past days, system fields and bad limits are 422s naming the field."""
    good = {"service_date": tomorrow().isoformat(), "zone": "xuhui-s"}
    cases = [
        (dict(good, zone="atlantis"), "zone"),
        (dict(good, service_date=(local_today() - timedelta(days=1)).isoformat()), "service_date"),
        (dict(good, service_date=(local_today() + timedelta(days=40)).isoformat()), "service_date"),
        (dict(good, service_date="tomorrow"), "service_date"),
        (dict(good, status="current"), "status"),
        (dict(good, version=3), "version"),
        (dict(good, time_limit_s=0), "time_limit_s"),
        (dict(good, time_limit_s="1"), "time_limit_s"),
        ({"zone": "xuhui-s"}, "service_date"),
    ]
    for body, field in cases:
        response = client.post("/api/route-plans", json=body, headers=admin)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    bad_query = client.get("/api/route-plans?zone=atlantis", headers=admin)
    assert bad_query.status_code == 422 and "zone" in bad_query.get_json()["errors"]
    assert client.get("/api/route-plans?status=draft", headers=admin).status_code == 422
    assert plan_count(city) == 0
