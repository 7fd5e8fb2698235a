"""Steps a phone makes, shared by the API tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from api.timeutil import local_today

HOME = {"latitude": 31.205, "longitude": 121.445, "text": "Lane 12, Room 301", "building": "7"}


def add_address(client, headers, **overrides) -> dict:
    """Add an address in zone xuhui-s and return it."""
    response = client.post(
        "/api/residents/me/addresses", json={**HOME, **overrides}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def get_quote(client, headers, address_id: int, items=None) -> dict:
    """Quote 3 kg of clear PET and 5 kg of grade-A cardboard unless items are given."""
    items = items or [
        {"material": "pet", "grade": "clear", "quantity": 3000},
        {"material": "cardboard", "grade": "A", "quantity": 5000},
    ]
    response = client.post(
        "/api/quotes", json={"address_id": address_id, "items": items}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def tomorrow_slot(client, headers, zone: str = "xuhui-s", index: int = 1) -> dict:
    """A slot tomorrow in ``zone``."""
    day = (local_today() + timedelta(days=1)).isoformat()
    response = client.get(f"/api/slots?zone={zone}&date={day}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()[index]


def book(client, headers, *, key: str | None = None, slot_id: int | None = None) -> dict:
    """Address, quote and booking in one go; returns the booking response body."""
    address = add_address(client, headers)
    quote = get_quote(client, headers, address["address_id"])
    slot_id = slot_id or tomorrow_slot(client, headers)["slot_id"]
    extra = {"Idempotency-Key": key} if key else {}
    response = client.post(
        "/api/bookings",
        json={
            "address_id": address["address_id"],
            "slot_id": slot_id,
            "quote_id": quote["quote_id"],
        },
        headers={**headers, **extra},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs, in order."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
