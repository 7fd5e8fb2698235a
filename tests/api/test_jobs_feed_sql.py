"""The job feed ranked, paged and counted in SQL: the same order as ranking in Python, and
the same few statements however many jobs are open."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from api.bookings.models import Booking, BookingItem
from api.db import session_scope
from api.quotes.models import Quote, QuoteLine
from api.residents.models import Address
from api.slots.models import Slot
from api.timeutil import local_today
from dispatch.matrix import haversine_m
from dispatch.model import Location
from tests.api.collector_helpers import application_body, book_job, enrol_approved_collector
from tests.api.helpers import HOME, add_address, get_quote, statements, tomorrow_slot

ALICE = "+8613811170001"
WANG = "+8613711170001"
FRIDGE = [{"material": "fridge", "grade": "working", "quantity": 1}]
# Offsets (degrees) from HOME and tomorrow's slot index: a few share an address, a few fall
# in one 100 m step but in other slots, so distance alone would order them differently.
PLACES = [
    (0.0, 0.0, 2),
    (0.0, 0.0, 0),
    (0.0, 0.0, 2),
    (0.0002, 0.0001, 1),
    (0.0001, 0.0002, 0),
    (0.004, 0.0, 3),
    (0.004, 0.0003, 0),
    (-0.003, 0.002, 1),
    (0.01, -0.01, 2),
]


def _book_at(client, resident, d_lat: float, d_lon: float, slot_index: int) -> int:
    address = add_address(
        client, resident, latitude=HOME["latitude"] + d_lat, longitude=HOME["longitude"] + d_lon
    )
    quote = get_quote(client, resident, address["address_id"])
    slot = tomorrow_slot(client, resident, index=slot_index)
    body = {
        "address_id": address["address_id"],
        "slot_id": slot["slot_id"],
        "quote_id": quote["quote_id"],
    }
    response = client.post("/api/bookings", json=body, headers=resident)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["booking_id"]


def _python_rankings(app, home: Location) -> tuple[list[tuple[int, int]], list[int]]:
    """(booking_id, distance_m) in the order the feed ranked them in Python before SQL did,
    and the booking ids by exact distance alone."""
    with session_scope(app) as session:
        rows = session.execute(
            select(Booking.booking_id, Slot.starts_at, Address.latitude, Address.longitude)
            .join(Slot, Slot.slot_id == Booking.slot_id)
            .join(Address, Address.address_id == Booking.address_id)
            .where(Booking.status == "scheduled")
        ).all()
    metres = {
        row.booking_id: haversine_m(home, Location(row.latitude, row.longitude)) for row in rows
    }
    ranked = sorted(
        (round(metres[row.booking_id] / 100) * 100, row.starts_at, row.booking_id) for row in rows
    )
    by_distance = sorted(metres, key=lambda booking_id: (metres[booking_id], booking_id))
    return [(booking_id, distance) for distance, _, booking_id in ranked], by_distance


def test_feed_order_is_nearest_step_then_earliest_then_oldest(city, client, login):
    """The feed ranks by 100 m distance step, then slot start, then booking id, exactly as the
    Python ranking did, with the same distances, page by page, and counts every job."""
    resident = login(ALICE)
    ids = [_book_at(client, resident, *place) for place in PLACES]
    headers, _ = enrol_approved_collector(client, login, WANG)
    body = application_body(WANG)
    home = Location(body["home_latitude"], body["home_longitude"])
    expected, by_distance = _python_rankings(city, home)
    assert sorted(booking_id for booking_id, _ in expected) == sorted(ids)
    # the slot, not the exact distance, orders some jobs within a step
    assert [booking_id for booking_id, _ in expected] != by_distance
    whole = client.get("/api/jobs/feed?page_size=50", headers=headers).get_json()
    assert [(e["booking_id"], e["distance_m"]) for e in whole] == expected
    paged = []
    for page in (1, 2, 3, 4):
        response = client.get(f"/api/jobs/feed?page={page}&page_size=3", headers=headers)
        assert json.loads(response.headers["X-Pagination"])["total"] == len(PLACES)
        paged += [(e["booking_id"], e["distance_m"]) for e in response.get_json()]
    assert paged == expected


def _copy_bookings(app, booking_id: int, count: int) -> None:
    """Add ``count`` open bookings like ``booking_id`` (each with its own quote), in SQL."""
    with session_scope(app) as session:
        booking = session.get(Booking, booking_id)
        quote = session.get(Quote, booking.quote_id)
        for _ in range(count):
            copy = Quote(
                **_columns(quote, "quote_id"),
                quote_id=str(uuid.uuid4()),
                lines=[
                    QuoteLine(**_columns(line, "quote_line_id", "quote_id")) for line in quote.lines
                ],
            )
            session.add(copy)
            session.flush()  # the booking's foreign key needs the quote first
            session.add(
                Booking(
                    resident_id=booking.resident_id,
                    address_id=booking.address_id,
                    zone_id=booking.zone_id,
                    slot_id=booking.slot_id,
                    quote_id=copy.quote_id,
                    status="scheduled",
                    photo_refs=[],
                    items=[
                        BookingItem(**_columns(item, "booking_item_id", "booking_id"))
                        for item in booking.items
                    ],
                )
            )


def _columns(row, *leave_out: str) -> dict:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in leave_out}


def test_feed_statements_do_not_grow_with_open_jobs(city, client, login):
    """With 5 or 50 open jobs (one or more pages) a feed request runs the same statements."""
    resident = login(ALICE)
    first = book_job(client, resident)["booking_id"]
    headers, _ = enrol_approved_collector(client, login, WANG)
    counts, booked = [], 1
    for open_jobs in (5, 50):
        _copy_bookings(city, first, open_jobs - booked)
        booked = open_jobs
        with statements(city) as seen:
            response = client.get("/api/jobs/feed?page_size=20", headers=headers)
        assert json.loads(response.headers["X-Pagination"])["total"] == open_jobs
        assert len(response.get_json()) == min(open_jobs, 20)
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    # sign-in check, collector with skills, latest ping, the ranked page, its items
    assert counts[0] <= 5, counts


def test_a_certificate_is_valid_through_its_expiry_day(city, client, login):
    """A certificate expiring on the slot's local day shows the fridge job and lets the
    collector claim it; one expiring the day before hides it (404)."""
    resident = login(ALICE)
    fridge = book_job(client, resident, items=FRIDGE)["booking_id"]
    tomorrow = local_today() + timedelta(days=1)
    skill = {"skill": "appliance", "certificate_ref": "uploads/cert.jpg"}
    until_today, _ = enrol_approved_collector(
        client, login, "+8613711170002", skills=[{**skill, "expires_on": str(local_today())}]
    )
    through, _ = enrol_approved_collector(
        client, login, WANG, skills=[{**skill, "expires_on": str(tomorrow)}]
    )
    assert client.get("/api/jobs/feed", headers=until_today).get_json() == []
    assert client.post(f"/api/jobs/{fridge}/claim", headers=until_today).status_code == 404
    feed = client.get("/api/jobs/feed", headers=through).get_json()
    assert [e["booking_id"] for e in feed] == [fridge]
    assert client.post(f"/api/jobs/{fridge}/claim", headers=through).status_code == 200


def test_the_date_filter_keeps_jobs_of_shifts_on_that_day(city, client, login):
    """?date= shows the jobs whose slot overlaps one of the collector's shifts that day."""
    resident = login(ALICE)
    booking = book_job(client, resident)["booking_id"]
    headers, _ = enrol_approved_collector(client, login, WANG)
    today, tomorrow = local_today(), local_today() + timedelta(days=1)
    on_day = client.get(f"/api/jobs/feed?date={tomorrow}", headers=headers).get_json()
    assert [e["booking_id"] for e in on_day] == [booking]
    assert client.get(f"/api/jobs/feed?date={today}", headers=headers).get_json() == []


def test_a_claim_answers_like_the_job_view(city, client, login):
    """The claim's answer (built from one read and the UPDATE's RETURNING) is what GET
    /api/jobs/{id} shows right after: door, phone, items, value, version, no weighing."""
    resident = login(ALICE)
    booking = book_job(client, resident)
    headers, _ = enrol_approved_collector(client, login, WANG)
    claimed = client.post(f"/api/jobs/{booking['booking_id']}/claim", headers=headers)
    assert claimed.status_code == 200
    job = client.get(f"/api/jobs/{booking['booking_id']}", headers=headers).get_json()
    assert claimed.get_json() == job
    assert job["version"] == booking["version"] + 1 and job["weighing"] is None
    assert job["address"]["text"] == HOME["text"] and job["resident_phone"] == ALICE
