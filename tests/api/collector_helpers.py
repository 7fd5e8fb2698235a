"""Steps a collector's phone (and the staff around them) make, shared by the API tests.

Stable signatures for other domains' tests:

- ``staff_headers(client, phone, role)`` -> auth headers of an admin/station/... user
- ``enrol_approved_collector(client, login, phone, ...)`` -> ``(headers, collector_id)``
- ``issue_tags(client, collector_id, count=2, headers=None)`` -> tag codes
- ``claimed_job(client, login, ...)`` -> ``Job`` (booked by a resident, claimed by a collector)
- ``weighed_and_completed_job(client, login, ...)`` -> ``Job`` with its weighing and tags
- ``station_user(client, phone, station_code)`` -> headers of station staff at that station
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from api.auth.models import User
from api.auth.service import create_staff_user
from api.db import session_scope
from api.timeutil import local_today
from tests.api.helpers import HOME, add_address, get_quote, tomorrow_slot

ADMIN_PHONE = "+8613900009901"
RESIDENT_PHONE = "+8613811119001"
COLLECTOR_PHONE = "+8613711119001"
# Matches get_quote's default items: 3 kg clear PET and 5 kg grade-A cardboard.
DEFAULT_LINES = (
    {"material": "pet", "grade": "clear", "gross_grams": 3000},
    {"material": "cardboard", "grade": "A", "gross_grams": 5000},
)


@dataclass
class Job:
    """A booking seen from both phones."""

    resident: dict
    collector: dict
    collector_id: int
    booking_id: int
    booking: dict
    tag_codes: list[str] = field(default_factory=list)
    weighing: dict | None = None


def national_id_for(number: int) -> str:
    """A valid 18-character PRC ID number, distinct for each ``number`` below 40,000."""
    body = f"110105{1970 + number // 1000 % 40}0101{number % 1000:03d}"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def staff_headers(client, phone: str, role: str) -> dict:
    """Sign in as a staff user with ``role`` (created when missing; cached per app)."""
    app = client.application
    cache = app.extensions.setdefault("test_staff_headers", {})
    if phone in cache:
        return cache[phone]
    with session_scope(app) as session:
        if session.scalar(select(User).where(User.phone == phone)) is None:
            create_staff_user(session, phone=phone, role=role)
    # Each phone signs in from its own address, as the login fixture does: the per-address
    # limit on login codes (5 a minute) is not what these tests are about.
    environ = {"REMOTE_ADDR": f"10.{int(phone[-6:-4])}.{int(phone[-4:-2])}.{int(phone[-2:])}"}
    sent = client.post("/api/auth/codes", json={"phone": phone}, environ_base=environ)
    assert sent.status_code == 201, sent.get_json()
    code = app.extensions["sms_sender"].last_code(phone)
    response = client.post(
        "/api/auth/tokens",
        json={"grant_type": "phone_code", "phone": phone, "code": code},
        environ_base=environ,
    )
    assert response.status_code == 201, response.get_json()
    cache[phone] = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    return cache[phone]


def admin_headers(client) -> dict:
    """The test admin's headers."""
    return staff_headers(client, ADMIN_PHONE, "admin")


def application_body(phone: str, **overrides) -> dict:
    """A complete, valid enrolment body for the collector with ``phone``."""
    body = {
        "full_name": "Wang Li",
        "national_id": national_id_for(int(phone[-6:])),
        "id_photo_refs": ["uploads/id-front.jpg", "uploads/id-back.jpg"],
        "vehicle_type": "tricycle",
        "payload_grams": 300_000,
        "volume_litres": 1500,
        "home_latitude": 31.20,
        "home_longitude": 121.44,
        "zones": ["xuhui-s"],
        "skills": [],
    }
    body.update(overrides)
    return body


def set_shift(client, headers, *, days_ahead: int = 1, start="08:00", end="20:00") -> dict:
    """Declare availability on today + ``days_ahead``."""
    day = (local_today() + timedelta(days=days_ahead)).isoformat()
    response = client.put(
        f"/api/collectors/me/shifts/{day}", json={"start": start, "end": end}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def enrol_approved_collector(
    client,
    login,
    phone: str = COLLECTOR_PHONE,
    *,
    shift_days: tuple[int, ...] = (0, 1),
    **application,
) -> tuple[dict, int]:
    """Sign up a collector account, apply, get approved and set shifts (08:00-20:00)."""
    headers = login(phone, role="collector")
    response = client.post(
        "/api/collectors", json=application_body(phone, **application), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    collector_id = response.get_json()["collector_id"]
    decision = client.post(
        f"/api/collectors/{collector_id}/decisions",
        json={"decision": "approve"},
        headers=admin_headers(client),
    )
    assert decision.status_code == 201, decision.get_json()
    for days_ahead in shift_days:
        set_shift(client, headers, days_ahead=days_ahead)
    return headers, collector_id


def issue_tags(client, collector_id: int, count: int = 2, *, headers: dict | None = None) -> list:
    """Issue ``count`` bag tags to the collector (as the test admin unless ``headers``)."""
    response = client.post(
        "/api/tags/batches",
        json={"collector_id": collector_id, "count": count},
        headers=headers or admin_headers(client),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["tag_codes"]


def book_job(client, resident: dict, *, items=None, slot_index: int = 1) -> dict:
    """The resident books tomorrow's slot ``slot_index`` at HOME; returns the booking."""
    address = add_address(client, resident)
    quote = get_quote(client, resident, address["address_id"], items=items)
    slot = tomorrow_slot(client, resident, index=slot_index)
    response = client.post(
        "/api/bookings",
        json={
            "address_id": address["address_id"],
            "slot_id": slot["slot_id"],
            "quote_id": quote["quote_id"],
        },
        headers=resident,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def claimed_job(
    client,
    login,
    *,
    resident_phone: str = RESIDENT_PHONE,
    collector_phone: str = COLLECTOR_PHONE,
    collector: tuple[dict, int] | None = None,
    resident: dict | None = None,
    items=None,
    slot_index: int = 1,
) -> Job:
    """A resident's booking claimed by a (new, or the given) approved collector.

    Pass ``collector=(headers, collector_id)`` and ``resident=headers`` to reuse them (a phone
    may only ask for a few login codes an hour).
    """
    resident = resident or login(resident_phone)
    headers, collector_id = collector or enrol_approved_collector(client, login, collector_phone)
    booking = book_job(client, resident, items=items, slot_index=slot_index)
    response = client.post(f"/api/jobs/{booking['booking_id']}/claim", headers=headers)
    assert response.status_code == 200, response.get_json()
    return Job(resident, headers, collector_id, booking["booking_id"], response.get_json())


def arrive(client, job: Job) -> None:
    """Depart and arrive at the resident's door."""
    path = f"/api/jobs/{job.booking_id}"
    departed = client.post(f"{path}/departure", json={"eta_minutes": 20}, headers=job.collector)
    assert departed.status_code == 200, departed.get_json()
    position = {"latitude": HOME["latitude"], "longitude": HOME["longitude"]}
    arrived = client.post(f"{path}/arrival", json=position, headers=job.collector)
    assert arrived.status_code == 200, arrived.get_json()


def weigh(client, job: Job, lines=DEFAULT_LINES) -> dict:
    """Weigh ``lines`` at the door, one new tag per line; returns the weighing."""
    job.tag_codes = issue_tags(client, job.collector_id, len(lines))
    body = {
        "lines": [dict(line, tag_code=tag) for line, tag in zip(lines, job.tag_codes, strict=True)]
    }
    response = client.post(f"/api/jobs/{job.booking_id}/weighing", json=body, headers=job.collector)
    assert response.status_code == 201, response.get_json()
    job.weighing = response.get_json()
    return job.weighing


def weighed_and_completed_job(client, login, *, lines=DEFAULT_LINES, **claim_options) -> Job:
    """A job claimed, weighed (within the acceptance threshold by default) and completed."""
    job = claimed_job(client, login, **claim_options)
    arrive(client, job)
    weighing = weigh(client, job, lines)
    if weighing["status"] == "pending_acceptance":
        accepted = client.post(
            f"/api/bookings/{job.booking_id}/weighing-decision",
            json={"decision": "accept"},
            headers=job.resident,
        )
        assert accepted.status_code == 200, accepted.get_json()
    done = client.post(f"/api/jobs/{job.booking_id}/completion", headers=job.collector)
    assert done.status_code == 200, done.get_json()
    job.booking = done.get_json()
    return job


def station_user(client, phone: str, station_code: str) -> dict:
    """Headers of a station staff member attached to the station ``station_code``."""
    from api.stations.service import attach_station_user, get_station_by_code

    headers = staff_headers(client, phone, "station")
    with session_scope(client.application) as session:
        station = get_station_by_code(session, code=station_code)
        user = session.scalar(select(User).where(User.phone == phone))
        attach_station_user(session, user_id=user.user_id, station_id=station.station_id)
    return headers
