"""Route-plan tasks: nightly fan-out, debounced re-plans, races, the beat entry, a worker."""

from __future__ import annotations

import os
import pickle
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from api.collectors.models import Collector
from api.db import session_scope, utcnow
from api.events.models import Event
from api.route_plans.models import RoutePlan
from api.route_plans.problem import build_zone_day
from api.route_plans.service import request_replan
from api.route_plans.solving import solve_zone, store_plan
from api.route_plans.tasks import plan_day
from api.timeutil import local_today
from api.zones.models import Zone
from tests.api.test_route_plans import (
    ADMIN,
    COLLECTOR_A,
    STREET,
    add_collector,
    add_station,
    book_at,
    solve,
    tomorrow,
    zone_id,
)


@pytest.fixture
def app_config(app_config):
    """One-second solves; re-plans on booking changes switched on (eager, no delay)."""
    return {**app_config, "DISPATCH_TIME_LIMIT_S": 1, "DISPATCH_REPLAN_ON_CHANGE": True}


@pytest.fixture
def planned(city, client, login) -> dict:
    """Tomorrow in xuhui-s: a station, collector A, two bookings, and plan version 1."""
    add_station(city)
    add_collector(city, login, COLLECTOR_A)
    bookings = [book_at(client, login, i, point=STREET[i]) for i in range(2)]
    admin = login(ADMIN, role="admin")
    return {"admin": admin, "bookings": bookings, "plan": solve(client, admin)}


def versions(app) -> list[tuple[int, str, str]]:
    """(version, status, trigger) of xuhui-s tomorrow, oldest first."""
    with session_scope(app) as session:
        rows = session.execute(
            select(RoutePlan.version, RoutePlan.status, RoutePlan.trigger)
            .where(RoutePlan.zone_id == zone_id(app), RoutePlan.service_date == tomorrow())
            .order_by(RoutePlan.version)
        )
        return [tuple(r) for r in rows]


def test_a_new_booking_tomorrow_replans_the_zone(planned, city, client, login):
    """After a booking commits, the zone is re-planned: version 2 by "replan", the mark cleared."""
    new = book_at(client, login, 4, point=STREET[2])
    assert versions(city) == [(1, "superseded", "manual"), (2, "current", "replan")]
    with session_scope(city) as session:
        current = session.scalar(select(RoutePlan).where(RoutePlan.status == "current"))
        assert current.replan_requested_at is None
        assert f"b{new}" in {p["id"] for p in current.inputs["pickups"]}


def test_claiming_and_releasing_a_job_replans_the_zone(planned, city, client, login):
    """A claim pins the job to its collector, a release frees it: each is followed by a
    re-plan of the zone-day (as booking changes are), whose inputs show the change."""
    booking = planned["bookings"][0]
    collector = login(COLLECTOR_A)
    assert client.post(f"/api/jobs/{booking}/claim", headers=collector).status_code == 200
    assert versions(city)[-1] == (2, "current", "replan")
    assert pinned_to(city, booking) is not None
    assert client.post(f"/api/jobs/{booking}/release", headers=collector).status_code == 200
    assert versions(city)[-1] == (3, "current", "replan")
    assert pinned_to(city, booking) is None


def pinned_to(app, booking_id: int) -> str | None:
    """The collector the current plan's inputs pin a booking to."""
    with session_scope(app) as session:
        current = session.scalar(select(RoutePlan).where(RoutePlan.status == "current"))
        pickup = next(p for p in current.inputs["pickups"] if p["id"] == f"b{booking_id}")
        return pickup["pinned_collector_id"]


def test_a_pending_replan_absorbs_further_changes(planned, city, client, login):
    """While a re-plan is pending, changes send nothing more; two asks in one commit send one."""
    with session_scope(city) as session:
        session.execute(update(RoutePlan).values(replan_requested_at=utcnow()))
    book_at(client, login, 4, point=STREET[2])
    assert versions(city) == [(1, "current", "manual")]
    with city.app_context(), session_scope(city) as session:
        session.execute(update(RoutePlan).values(replan_requested_at=None))
        asks = [request_replan(session, zone_id=zone_id(city), service_date=tomorrow())]
        asks.append(request_replan(session, zone_id=zone_id(city), service_date=tomorrow()))
        assert asks == [True, False]
        assert len(session.info["after_commit_tasks"]) == 1
    assert versions(city)[-1] == (2, "current", "replan")


def test_a_mark_left_by_a_lost_task_expires(planned, city, client, login):
    """A pending mark older than the delay plus 15 minutes no longer blocks re-plans."""
    with session_scope(city) as session:
        old = utcnow() - timedelta(seconds=city.config["DISPATCH_REPLAN_DELAY_S"] + 16 * 60)
        session.execute(update(RoutePlan).values(replan_requested_at=old))
    book_at(client, login, 4, point=STREET[2])
    assert versions(city)[-1] == (2, "current", "replan")


def test_no_replan_for_later_days_or_without_a_plan(planned, city, login):
    """Days after tomorrow, and zone-days with no plan yet, are left to the nightly plan."""
    with city.app_context(), session_scope(city) as session:
        later = local_today() + timedelta(days=3)
        assert not request_replan(session, zone_id=zone_id(city), service_date=later)
        other = zone_id(city, "jingan-e")
        assert not request_replan(session, zone_id=other, service_date=tomorrow())
        assert "after_commit_tasks" not in session.info


def test_replans_are_off_by_default_without_a_broker(city, client, login):
    """The embedded default runs tasks in the request: booking changes do not trigger solves."""
    city.config["DISPATCH_REPLAN_ON_CHANGE"] = None
    add_station(city)
    add_collector(city, login, COLLECTOR_A)
    book_at(client, login, 0)
    solve(client, login(ADMIN, role="admin"))
    book_at(client, login, 1, point=STREET[1])
    assert versions(city) == [(1, "current", "manual")]


def test_a_booking_the_new_plan_drops_is_marked_unplanned(planned, city, client, login):
    """Collector A suspended: the re-plan leaves both bookings out and tells their residents."""
    with session_scope(city) as session:
        session.execute(update(Collector).values(status="suspended"))
    book_at(client, login, 4, point=STREET[2])
    with session_scope(city) as session:
        kinds = session.execute(
            select(Event.entity_id, Event.kind, Event.data).where(
                Event.kind.in_(("planned", "unplanned"))
            )
        ).all()
    unplanned = {(e, d["reason"]) for e, k, d in kinds if k == "unplanned"}
    assert unplanned == {(b, "no_collector_with_skill") for b in planned["bookings"]}


def test_plan_day_fans_out_one_plan_per_zone_and_reruns_add_nothing(planned, city):
    """The nightly task plans every active zone for tomorrow; running it again stores nothing."""
    sent = plan_day.delay().get()
    with session_scope(city) as session:
        zones = session.scalars(select(Zone.zone_id).where(Zone.is_active.is_(True))).all()
        count = session.scalar(select(func.count()).select_from(RoutePlan))
    assert sorted(sent) == sorted(zones) and count == len(zones)
    plan_day.delay(tomorrow().isoformat())
    with session_scope(city) as session:
        assert session.scalar(select(func.count()).select_from(RoutePlan)) == len(zones)


def test_an_older_solve_finishing_late_does_not_replace_a_newer_plan(planned, city, client, login):
    """Inputs read before the current version's are stale: storing them keeps the current plan."""
    with city.app_context(), session_scope(city) as session:
        zone = session.get(Zone, zone_id(city))
        stale = build_zone_day(
            session, zone=zone, service_date=tomorrow(), now=utcnow() - timedelta(hours=1)
        )
    city.config["DISPATCH_REPLAN_ON_CHANGE"] = False
    book_at(client, login, 4, point=STREET[2])
    solve(client, planned["admin"])
    result = {"routes": [], "unassigned": [], "summary": planned_summary()}
    with city.app_context(), session_scope(city) as session:
        kept = store_plan(
            session, zone_day=stale, result=result, trigger="replan", requested_by_user_id=None
        )
        assert kept.version == 2
    assert versions(city) == [(1, "superseded", "manual"), (2, "current", "manual")]


def planned_summary() -> dict:
    """An empty plan's summary."""
    return {"solve_seconds": 0.0, "pickups_planned": 0, "pickups_unassigned": 0}


def test_nightly_beat_entry_fires_at_20_local_and_survives_pickling(app):
    """Beat runs plan_day at 20:00 Asia/Shanghai (12:00 UTC), also after a beat restart."""
    entry = app.extensions["celery"].conf.beat_schedule["route_plans.plan_day"]
    assert entry["task"] == "route_plans.plan_day"
    schedule = pickle.loads(pickle.dumps(entry["schedule"]))
    last_run = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)  # 18:00 local
    start, delta, _ = schedule.remaining_delta(last_run)
    assert (start + delta).astimezone(UTC) == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.postgres
def test_two_workers_solving_the_same_day_store_one_version(planned, city, client, login):
    """Two concurrent solves over the same new inputs race on the version key; one plan results."""
    city.config["DISPATCH_REPLAN_ON_CHANGE"] = False
    book_at(client, login, 4, point=STREET[2])
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        with city.app_context():
            results.append(
                solve_zone(city, zone_id=zone_id(city), service_date=tomorrow(), trigger="nightly")
            )

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert versions(city) == [(1, "superseded", "manual"), (2, "current", "nightly")]


@pytest.mark.worker
def test_a_real_worker_solves_a_queued_request(app_config, request):
    """With a broker, POST answers 202 "queued" and a worker stores the plan in the database."""
    app_config["CELERY_BROKER_URL"] = os.environ["TEST_CELERY_BROKER_URL"]
    city, client, login = (request.getfixturevalue(f) for f in ("city", "client", "login"))
    add_station(city)
    add_collector(city, login, COLLECTOR_A)
    booking = book_at(client, login, 0)
    body = {"service_date": tomorrow().isoformat(), "zone": "xuhui-s", "time_limit_s": 1}
    response = client.post("/api/route-plans", json=body, headers=login(ADMIN, role="admin"))
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["state"] == "queued" and response.get_json()["task_id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with session_scope(city) as session:
            plan = session.scalar(select(RoutePlan))
        if plan is not None:
            break
        time.sleep(0.5)
    else:
        pytest.fail("no plan stored by the worker within 60 s")
    assert (plan.version, plan.trigger, plan.pickups_planned) == (1, "manual", 1)
    assert f"b{booking}" in {p["id"] for p in plan.inputs["pickups"]}
