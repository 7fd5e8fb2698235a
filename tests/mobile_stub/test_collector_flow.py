"""A collector claims, weighs and completes a pickup on the phone; the resident sees the payout.

What the client has no screen for (approving the application, shifts, issuing bag tags) is
set up through the API, as admins and station staff would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from api.auth.service import create_staff_user
from api.collectors.pii import id_check_char
from api.db import session_scope
from api.timeutil import local_today
from tests.api.helpers import book

pytestmark = pytest.mark.browser

ADMIN = "+8613900000001"
COLLECTOR = "+8613700000001"
RESIDENT = "+8613800000001"


def _national_id() -> str:
    body = "11010519900307123"  # Beijing, born 1990-03-07
    return body + id_check_char(body)


@pytest.fixture
def booking(live_app) -> dict:
    """The resident's pickup tomorrow at home: 3 kg clear PET and 5 kg cardboard."""
    return book(live_app.client(), live_app.login(RESIDENT))


@pytest.fixture
def collector_account(live_app) -> str:
    """A collector-role account (staff open these at a station); returns its phone."""
    with session_scope(live_app.app) as session:
        create_staff_user(session, phone=COLLECTOR, role="collector")
    return COLLECTOR


def approve_with_shift_and_tags(live_app, collector_token: str, *, tags: int) -> list[str]:
    """Admin approves the application; the collector works tomorrow; returns issued tags."""
    client = live_app.client()
    admin = live_app.login(ADMIN)
    applied = client.get("/api/collectors?status=applied", headers=admin).get_json()
    collector_id = applied[0]["collector_id"]
    decision = client.post(
        f"/api/collectors/{collector_id}/decisions", json={"decision": "approve"}, headers=admin
    )
    assert decision.status_code in (200, 201), decision.get_json()
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    shift = client.put(
        f"/api/collectors/me/shifts/{tomorrow}",
        json={"start": "07:00", "end": "21:00"},
        headers={"Authorization": f"Bearer {collector_token}"},
    )
    assert shift.status_code in (200, 201), shift.get_json()
    issued = client.post(
        "/api/tags/batches", json={"collector_id": collector_id, "count": tags}, headers=admin
    )
    assert issued.status_code in (200, 201), issued.get_json()
    return issued.get_json()["tag_codes"]


def test_collector_claims_weighs_and_completes_resident_sees_payout(
    open_phone, live_app, booking, collector_account
):
    """The collector applies on the phone, and once approved claims the pickup from the
    feed, sets off, arrives, weighs each bag with its tag and completes; the resident's
    pickup then shows as completed with the amount paid, and the wallet holds it."""
    booking_id = booking["booking_id"]
    phone = open_phone().open()
    collector = phone.collector
    phone.sign_in(collector_account)
    status = collector.enrol(
        {
            "full_name": "Wang Fang",
            "national_id": _national_id(),
            "id_photo_refs": "id-front.jpg, id-back.jpg",
            "vehicle_type": "tricycle",
            "payload_grams": "200",
            "volume_litres": "800",
            "home_latitude": "31.21",
            "home_longitude": "121.44",
            "zones": "xuhui-s",
        }
    )
    expect(status).to_have_attribute("data-status", "applied")
    phone.shot("30-collector-applied")

    tags = approve_with_shift_and_tags(live_app, collector.access_token(), tags=2)
    expect(collector.job_card(booking_id)).to_be_visible()
    phone.shot("31-collector-feed")
    collector.claim(booking_id)
    expect(phone.page.get_by_test_id("job-address")).to_contain_text("Lane 12")
    phone.shot("32-job-assigned")
    collector.depart(booking_id)
    collector.arrive(booking_id)
    phone.shot("33-job-arrived")
    weighing = collector.weigh(
        booking_id,
        [{"gross_grams": "3.2", "tag_code": tags[0]}, {"gross_grams": "5.5", "tag_code": tags[1]}],
    )
    expect(weighing.get_by_test_id("weighing-line")).to_have_count(2)
    phone.shot("34-job-weighed")
    collector.complete(booking_id)
    phone.shot("35-job-completed")

    paid = live_app.client().get(
        f"/api/bookings/{booking_id}/weighing", headers=live_app.login(RESIDENT)
    )
    total_cents = paid.get_json()["total_cents"]
    assert total_cents > 0
    amount = f"¥{total_cents // 100:,}.{total_cents % 100:02d}"

    home = open_phone().open()
    home.sign_in(RESIDENT)
    home.resident.open_booking(booking_id)
    expect(home.resident.status()).to_have_attribute("data-status", "completed")
    expect(home.resident.payout()).to_contain_text(amount)
    assert "completed" in home.resident.timeline_kinds()
    home.shot("36-resident-payout")
    expect(home.resident.wallet_balance()).to_have_text(amount)
    home.shot("37-resident-wallet")
