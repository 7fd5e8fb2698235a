"""Stations and deliveries: station staff weigh a collector's load and scan every bag's tag."""

from __future__ import annotations

from sqlalchemy import select

from api.custody.models import Manifest, Tag
from api.custody.tags import make_tag_code
from api.db import session_scope
from api.events.models import Event
from api.ledger.models import LedgerTransaction
from tests.api.collector_helpers import (
    arrive,
    claimed_job,
    staff_headers,
    station_user,
    weigh,
    weighed_and_completed_job,
)

ALICE = "+8613811150001"
WANG = "+8613711150001"
ZHAO = "+8613711150002"
STAFF = "+8613900009921"


def _lines(job, pet_grams=2950, cardboard_grams=4990):
    pet, cardboard = job.tag_codes
    return [
        {"material": "pet", "grade": "clear", "net_grams": pet_grams, "tag_codes": [pet]},
        {
            "material": "cardboard",
            "grade": "A",
            "net_grams": cardboard_grams,
            "tag_codes": [cardboard],
        },
    ]


def _deliver(client, headers, collector_id, lines):
    return client.post(
        "/api/station-deliveries",
        json={"collector_id": collector_id, "lines": lines},
        headers=headers,
    )


def _tag_statuses(app, codes) -> list[str]:
    with session_scope(app) as session:
        return [session.get(Tag, code).status for code in codes]


def test_stations_are_listed_with_local_hours(city, client, login):
    """Any signed-in user sees the five demo stations with code, zone and HH:MM hours."""
    assert client.get("/api/stations").status_code == 401
    stations = client.get("/api/stations", headers=login(ALICE)).get_json()
    assert len(stations) == 5
    first = stations[0]
    assert (first["code"], first["zone"], first["opens"], first["closes"]) == (
        "st-jingan-e-1",
        "jingan-e",
        "07:00",
        "21:00",
    )


def test_a_delivery_marks_tags_delivered_and_pays_the_collector(city, client, login):
    """Scanned tags move to delivered; door grams are kept; the collector is credited; an event
    and the custody manifests (pickup at completion, drop-off here) are written."""
    job = weighed_and_completed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    staff = station_user(client, STAFF, "st-xuhui-s-1")
    response = _deliver(client, staff, job.collector_id, _lines(job))
    assert response.status_code == 201, response.get_json()
    delivery = response.get_json()
    assert [line["door_net_grams"] for line in delivery["lines"]] == [3000, 5000]
    assert delivery["price_cents"] == 714 + 768  # 220 c × 2.95 kg × 1.1, 140 c × 4.99 kg × 1.1
    assert _tag_statuses(city, job.tag_codes) == ["delivered", "delivered"]
    with session_scope(city) as session:
        event = session.scalar(select(Event).where(Event.entity_type == "station_delivery"))
        assert event.kind == "received" and event.data["tag_count"] == 2
        credit = session.scalar(
            select(LedgerTransaction).where(LedgerTransaction.kind == "delivery_credit")
        )
        assert credit.reference == f"delivery:{delivery['station_delivery_id']}"
        kinds = sorted(session.scalars(select(Manifest.kind)))
        assert kinds == ["dropoff", "pickup"]  # door -> collector at completion, then -> station
    mine = client.get("/api/station-deliveries", headers=job.collector).get_json()
    assert [d["station_delivery_id"] for d in mine] == [delivery["station_delivery_id"]]
    assert len(client.get("/api/station-deliveries", headers=staff).get_json()) == 1
    other_station = station_user(client, "+8613900009922", "st-xuhui-e-1")
    assert client.get("/api/station-deliveries", headers=other_station).get_json() == []


def test_wrong_tags_are_refused_and_nothing_is_delivered(city, client, login):
    """Malformed, unknown, duplicate, wrong-material and other-collector tags are 422s naming
    the tag; an already delivered tag is a 409; a failed delivery delivers no tag at all."""
    job = weighed_and_completed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    zhao = weighed_and_completed_job(client, login, resident=job.resident, collector_phone=ZHAO)
    staff = station_user(client, STAFF, "st-xuhui-s-1")
    pet, cardboard = job.tag_codes
    good = _lines(job)
    cases = [
        ("RC42", "lines.1.tag_codes.0"),
        (make_tag_code(7), "lines.1.tag_codes.0"),
        (pet, "lines.1.tag_codes.0"),
        (zhao.tag_codes[1], "lines.1.tag_codes.0"),
    ]
    for code, field in cases:
        lines = [good[0], dict(good[1], tag_codes=[code])]
        response = _deliver(client, staff, job.collector_id, lines)
        assert response.status_code == 422, (code, response.get_json())
        assert field in response.get_json()["errors"], (code, response.get_json())
    assert _tag_statuses(city, job.tag_codes) == ["attached", "attached"]
    wrong_material = [dict(good[0], tag_codes=[cardboard])]
    response = _deliver(client, staff, job.collector_id, wrong_material)
    assert response.status_code == 422 and "lines.0.tag_codes.0" in response.get_json()["errors"]
    assert _deliver(client, staff, job.collector_id, good).status_code == 201
    again = _deliver(client, staff, job.collector_id, good[:1])
    assert again.status_code == 409 and "lines.0.tag_codes.0" in again.get_json()["errors"]


def test_bags_of_unfinished_jobs_cannot_be_delivered(city, client, login):
    """A tag on a weighed but not completed job is a 422 (the resident has not been paid)."""
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    arrive(client, job)
    weigh(client, job)
    staff = station_user(client, STAFF, "st-xuhui-s-1")
    response = _deliver(client, staff, job.collector_id, _lines(job))
    assert response.status_code == 422 and "lines.0.tag_codes.0" in response.get_json()["errors"]


def test_delivery_input_is_checked(city, client, login):
    """Unknown collector, duplicate lines, system fields and piece goods without amount are 422."""
    job = weighed_and_completed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    staff = station_user(client, STAFF, "st-xuhui-s-1")
    good = _lines(job)
    fridge = {"material": "fridge", "grade": "working", "net_grams": 50_000, "tag_codes": ["x"]}
    cases = [
        (999_999, good, "collector_id"),
        (job.collector_id, [good[0], good[0]], "lines.1"),
        (job.collector_id, [dict(good[0], net_grams=0)], "lines.0.net_grams"),
        (job.collector_id, [dict(good[0], amount_cents=500)], "lines.0.amount_cents"),
        (job.collector_id, [fridge], "lines.0.amount_cents"),
        (job.collector_id, [dict(good[0], lot_id=3)], "lines.0.lot_id"),
    ]
    for collector_id, lines, field in cases:
        response = _deliver(client, staff, collector_id, lines)
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())


def test_only_station_staff_at_a_station_receive(city, client, login):
    """Collectors and residents get 403; staff not attached to a station get 403 no_station."""
    job = weighed_and_completed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    assert _deliver(client, job.collector, job.collector_id, _lines(job)).status_code == 403
    assert _deliver(client, job.resident, job.collector_id, _lines(job)).status_code == 403
    loose = staff_headers(client, STAFF, "station")
    response = _deliver(client, loose, job.collector_id, _lines(job))
    assert response.status_code == 403 and response.get_json()["code"] == "no_station"
