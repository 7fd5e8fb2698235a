"""The resident booking flow through the HTTP API, as the phone calls it."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from api.bookings.models import Booking
from api.db import session_scope, utcnow
from api.slots.models import Slot
from api.timeutil import local_today
from tests.api.helpers import add_address, book, get_quote, statements, tomorrow_slot

ALICE = "+8613811110001"
BOB = "+8613811110002"


def test_booking_is_created_with_a_timeline(city, client, login):
    """A booking takes a slot place, locks the quote and records created + scheduled."""
    headers = login(ALICE)
    booking = book(client, headers)
    assert booking["status"] == "scheduled"
    events = client.get(f"/api/bookings/{booking['booking_id']}/events", headers=headers)
    assert [e["kind"] for e in events.get_json()] == ["created", "scheduled"]
    quote = client.get(f"/api/quotes/{booking['quote_id']}", headers=headers).get_json()
    assert quote["locked_until"] is not None
    slot = tomorrow_slot(client, headers)
    assert slot["remaining"] == slot["capacity"] - 1


def test_slots_of_a_day_and_of_an_unknown_zone(city, client, login):
    """A zone's slots come in time order; a day without slots is an empty list and an unknown
    zone a 422 naming the parameter."""
    headers = login(ALICE)
    day = (local_today() + timedelta(days=1)).isoformat()
    slots = client.get(f"/api/slots?zone=xuhui-s&date={day}", headers=headers).get_json()
    assert len(slots) > 1
    assert [s["starts_at"] for s in slots] == sorted(s["starts_at"] for s in slots)
    far = (local_today() + timedelta(days=400)).isoformat()
    assert client.get(f"/api/slots?zone=xuhui-s&date={far}", headers=headers).get_json() == []
    unknown = client.get(f"/api/slots?zone=atlantis&date={day}", headers=headers)
    assert unknown.status_code == 422
    assert "zone" in unknown.get_json()["errors"]


def test_another_residents_booking_is_404(city, client, login):
    """Bob cannot read, cancel or see the timeline of Alice's booking."""
    booking = book(client, login(ALICE))
    bob = login(BOB)
    path = f"/api/bookings/{booking['booking_id']}"
    assert client.get(path, headers=bob).status_code == 404
    assert client.get(path + "/events", headers=bob).status_code == 404
    assert client.post(path + "/cancellation", json={}, headers=bob).status_code == 404
    assert client.get("/api/bookings", headers=bob).get_json() == []


def test_idempotent_create_replays_and_rejects_a_changed_body(city, client, login):
    """The same key returns the first response; the same key with another body is a 422."""
    headers = login(ALICE)
    first = book(client, headers, key="booking-key-0001")
    address = add_address(client, headers, text="Another lane 9")
    quote = get_quote(client, headers, address["address_id"])
    body = {
        "address_id": first["address_id"],
        "slot_id": first["slot_id"],
        "quote_id": first["quote_id"],
    }
    retry = client.post(
        "/api/bookings", json=body, headers={**headers, "Idempotency-Key": "booking-key-0001"}
    )
    assert retry.status_code == 201
    assert retry.get_json() == first
    assert retry.headers["Idempotent-Replayed"] == "true"
    other = dict(body, quote_id=quote["quote_id"])
    mismatch = client.post(
        "/api/bookings", json=other, headers={**headers, "Idempotency-Key": "booking-key-0001"}
    )
    assert mismatch.status_code == 422
    assert "Idempotency-Key" in mismatch.get_json()["errors"]
    with session_scope(client.application) as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1


def _full_slot_and_a_second_booking(city, client, headers) -> tuple[dict, dict]:
    """Tomorrow's slot with one place, taken; and the body of a second booking for it."""
    slot = tomorrow_slot(client, headers)
    with session_scope(city) as session:
        session.execute(update(Slot).where(Slot.slot_id == slot["slot_id"]).values(capacity=1))
    book(client, headers, slot_id=slot["slot_id"])
    address = add_address(client, headers, text="Second home")
    quote = get_quote(client, headers, address["address_id"])
    body = {
        "address_id": address["address_id"],
        "slot_id": slot["slot_id"],
        "quote_id": quote["quote_id"],
    }
    return slot, body


def test_full_slot_is_409_and_writes_nothing(city, client, login):
    """Booking the last place twice: the second gets 409 and its quote stays unused."""
    headers = login(ALICE)
    _, body = _full_slot_and_a_second_booking(city, client, headers)
    response = client.post("/api/bookings", json=body, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["code"] == "slot_full"
    again = client.get(f"/api/quotes/{body['quote_id']}", headers=headers).get_json()
    assert again["locked_until"] is None


def test_the_slot_place_is_the_last_statement_before_the_commit(city, client, login):
    """A popular slot's row is locked from its update to the commit only: the booking, its
    events and the stored idempotent answer are all written before the place is taken."""
    headers = login(ALICE)
    with statements(city) as sent:
        book(client, headers, key="slot-last-1")  # address, quote, then the booking (201)
    seen = [" ".join(statement.split())[:40].upper() for statement in sent]

    def last(prefix: str) -> int:
        return max(i for i, statement in enumerate(seen) if statement.startswith(prefix))

    assert seen[-1].startswith("UPDATE SLOTS SET BOOKED_COUNT")
    assert last("INSERT INTO BOOKINGS") < last("INSERT INTO IDEMPOTENCY_RECORDS") < len(seen) - 1


def test_a_full_slot_found_at_the_end_stores_no_answer_for_the_key(city, client, login):
    """The place is taken after the answer is stored; when the slot is full by then, the
    booking and the stored answer roll back together: the same key books once there is room."""
    headers = login(ALICE)
    slot, body = _full_slot_and_a_second_booking(city, client, headers)
    keyed = {**headers, "Idempotency-Key": "full-then-free"}
    full = client.post("/api/bookings", json=body, headers=keyed)
    assert full.status_code == 409 and full.get_json()["code"] == "slot_full"
    with session_scope(city) as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1
        session.execute(update(Slot).where(Slot.slot_id == slot["slot_id"]).values(capacity=2))
    retried = client.post("/api/bookings", json=body, headers=keyed)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    replayed = client.post("/api/bookings", json=body, headers=keyed)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.get_json()["booking_id"] == retried.get_json()["booking_id"]


def test_a_quote_books_once_unexpired_and_only_for_its_resident(city, client, login):
    """A used quote is a 409, an expired one and another resident's a 422 naming quote_id;
    none of them takes a place in the slot."""
    from api.quotes.models import Quote

    headers = login(ALICE)
    address = add_address(client, headers)
    quote = get_quote(client, headers, address["address_id"])
    slot = tomorrow_slot(client, headers)
    body = {
        "address_id": address["address_id"],
        "slot_id": slot["slot_id"],
        "quote_id": quote["quote_id"],
    }
    assert client.post("/api/bookings", json=body, headers=headers).status_code == 201
    used = client.post("/api/bookings", json=body, headers=headers)
    assert used.status_code == 409
    stale = get_quote(client, headers, address["address_id"])
    with session_scope(city) as session:
        session.get(Quote, stale["quote_id"]).expires_at = utcnow() - timedelta(minutes=1)
    expired = client.post(
        "/api/bookings", json=dict(body, quote_id=stale["quote_id"]), headers=headers
    )
    assert expired.status_code == 422 and expired.get_json()["code"] == "quote_expired"
    bob = login(BOB)
    bob_address = add_address(client, bob)
    foreign = client.post(
        "/api/bookings",
        json={
            "address_id": bob_address["address_id"],
            "slot_id": slot["slot_id"],
            "quote_id": get_quote(client, headers, address["address_id"])["quote_id"],
        },
        headers=bob,
    )
    assert foreign.status_code == 422 and "quote_id" in foreign.get_json()["errors"]
    after = tomorrow_slot(client, headers)
    assert after["remaining"] == slot["remaining"] - 1


def test_bad_booking_input_names_the_field(city, client, login):
    """Unknown slots, foreign quotes and wrong types are 422s naming the field."""
    headers = login(ALICE)
    address = add_address(client, headers)
    quote = get_quote(client, headers, address["address_id"])
    slot = tomorrow_slot(client, headers)
    good = {
        "address_id": address["address_id"],
        "slot_id": slot["slot_id"],
        "quote_id": quote["quote_id"],
    }
    cases = [
        (dict(good, slot_id=999999), "slot_id"),
        (dict(good, slot_id="1"), "slot_id"),
        (dict(good, quote_id="0" * 36), "quote_id"),
        (dict(good, status="completed"), "status"),
        (dict(good, items=[{"material": "copper", "grade": "bright", "quantity": 500}]), "items.0"),
        ({k: v for k, v in good.items() if k != "quote_id"}, "quote_id"),
    ]
    for body, field in cases:
        response = client.post("/api/bookings", json=body, headers=headers)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    other_zone = tomorrow_slot(client, headers, zone="jingan-e")
    response = client.post(
        "/api/bookings", json=dict(good, slot_id=other_zone["slot_id"]), headers=headers
    )
    assert response.status_code == 422 and "slot_id" in response.get_json()["errors"]


def test_cancel_before_cutoff_is_free_and_frees_the_place(city, client, login):
    """Cancelling early is not late, gives the place back and leaves an event."""
    headers = login(ALICE)
    booking = book(client, headers)
    response = client.post(
        f"/api/bookings/{booking['booking_id']}/cancellation",
        json={"reason": "moved"},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["is_late_cancellation"] is False
    assert tomorrow_slot(client, headers)["remaining"] == tomorrow_slot(client, headers)["capacity"]
    again = client.post(
        f"/api/bookings/{booking['booking_id']}/cancellation", json={}, headers=headers
    )
    assert again.status_code == 409


def test_cancel_after_cutoff_is_recorded_as_late(city, client, login):
    """After the slot's cut-off a cancellation is allowed but marked late."""
    headers = login(ALICE)
    booking = book(client, headers)
    with session_scope(city) as session:
        session.execute(
            update(Slot)
            .where(Slot.slot_id == booking["slot_id"])
            .values(cutoff_at=utcnow() - timedelta(minutes=1))
        )
    response = client.post(
        f"/api/bookings/{booking['booking_id']}/cancellation", json={}, headers=headers
    )
    assert response.get_json()["is_late_cancellation"] is True
    events = client.get(f"/api/bookings/{booking['booking_id']}/events", headers=headers).get_json()
    assert events[-1]["kind"] == "cancelled" and events[-1]["data"]["late"] is True


def test_reschedule_moves_the_place(city, client, login):
    """Rescheduling takes a place in the new slot and gives back the old one."""
    headers = login(ALICE)
    booking = book(client, headers)
    target = tomorrow_slot(client, headers, index=3)
    response = client.post(
        f"/api/bookings/{booking['booking_id']}/rescheduling",
        json={"slot_id": target["slot_id"]},
        headers=headers,
    )
    assert response.status_code == 200 and response.get_json()["slot_id"] == target["slot_id"]
    assert tomorrow_slot(client, headers, index=3)["remaining"] == target["remaining"] - 1
    assert tomorrow_slot(client, headers, index=1)["remaining"] == target["capacity"]
    kinds = [
        e["kind"]
        for e in client.get(
            f"/api/bookings/{booking['booking_id']}/events", headers=headers
        ).get_json()
    ]
    assert kinds[-1] == "rescheduled"


def test_list_filters_and_paginates(city, client, login):
    """Residents page through their bookings and filter by status."""
    headers = login(ALICE)
    first = book(client, headers)
    book(client, headers)
    client.post(f"/api/bookings/{first['booking_id']}/cancellation", json={}, headers=headers)
    page = client.get("/api/bookings?page=1&page_size=1", headers=headers)
    assert len(page.get_json()) == 1
    assert '"total": 2' in page.headers["X-Pagination"]
    second = client.get("/api/bookings?page=2&page_size=1", headers=headers)
    assert [b["booking_id"] for b in second.get_json()] == [first["booking_id"]]
    past_the_end = client.get("/api/bookings?page=5&page_size=1", headers=headers)
    assert past_the_end.get_json() == []
    assert '"total": 2' in past_the_end.headers["X-Pagination"]
    cancelled = client.get("/api/bookings?status=cancelled", headers=headers).get_json()
    assert [b["booking_id"] for b in cancelled] == [first["booking_id"]]
    assert client.get("/api/bookings?status=lost", headers=headers).status_code == 422


def _race(app, attempts) -> list[int]:
    """Run ``(headers, body)`` booking attempts in threads released together."""
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = []

    def attempt(headers, body):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/api/bookings", json=body, headers=headers).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres
def test_two_concurrent_bookings_of_the_last_place(city, client, login):
    """Two residents booking the last place at once: exactly one wins, the other gets 409."""
    residents = [login(ALICE), login(BOB)]
    addresses = [add_address(client, h)["address_id"] for h in residents]
    for index in range(5):
        slot = tomorrow_slot(client, residents[0], index=index)
        with session_scope(city) as session:
            session.execute(update(Slot).where(Slot.slot_id == slot["slot_id"]).values(capacity=1))
        attempts = []
        for headers, address_id in zip(residents, addresses, strict=True):
            quote = get_quote(client, headers, address_id)
            body = {
                "address_id": address_id,
                "slot_id": slot["slot_id"],
                "quote_id": quote["quote_id"],
            }
            attempts.append((headers, body))
        assert sorted(_race(city, attempts)) == [201, 409]
        with session_scope(city) as session:
            assert session.get(Slot, slot["slot_id"]).booked_count == 1
            booked = session.scalar(
                select(func.count()).select_from(Booking).where(Booking.slot_id == slot["slot_id"])
            )
            assert booked == 1
