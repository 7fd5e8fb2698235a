"""The mobile client in headless Chromium at 360×740, against the real app over HTTP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RESIDENT = "+8613800000001"


def test_resident_books_follows_and_cancels_a_pickup(open_phone):
    """A resident signs in by code, adds an address, gets a quote, books a slot, sees the
    booking scheduled with its timeline, and cancels it; the API's field errors show next
    to the inputs, kg typed become grams sent and cents come back as ¥."""
    phone = open_phone().open()
    resident = phone.resident
    phone.shot("01-login")
    phone.sign_in(RESIDENT, typed="138 0000 0001")
    phone.screen("book")

    resident.add_address("Lane 12, Room 301", building="7", at=(39.9, 116.4))  # Beijing
    expect(phone.page.get_by_test_id("form-error")).to_contain_text("outside our service area")
    expect(phone.field_error("latitude")).to_have_text("outside the service area")
    phone.shot("02-address-errors")
    resident.add_address("Lane 12, Room 301", building="7")
    phone.screen("book")
    expect(phone.page.get_by_test_id("step-items")).to_be_visible()

    resident.set_item(0, "pet", "clear", "3")
    resident.set_item(1, "cardboard", "A", "5.5")
    quote = resident.get_quote()
    # 3 kg x ¥2.20 + 5.5 kg x ¥1.40 = ¥6.60 + ¥7.70
    expect(quote.get_by_test_id("quote-total")).to_have_text("¥14.30")
    phone.shot("03-quote")

    resident.choose_first_open_slot()
    phone.shot("05-confirm")
    booking_id = resident.confirm(notes="Ring twice")

    expect(resident.status()).to_have_attribute("data-status", "scheduled")
    assert resident.timeline_kinds() == ["created", "scheduled"]
    phone.shot("06-booking-scheduled")

    phone.page.get_by_test_id("cancel-booking").tap()
    expect(phone.page.get_by_test_id("sheet")).to_be_visible()
    phone.shot("07-cancel-sheet")
    phone.page.get_by_test_id("sheet-cancel").tap()
    resident.cancel(reason="Not at home")
    expect(resident.status()).to_have_attribute("data-status", "cancelled")
    assert resident.timeline_kinds()[-1] == "cancelled"
    expect(phone.page.get_by_test_id("cancel-booking")).to_have_count(0)
    phone.shot("08-booking-cancelled")

    phone.tab("bookings")
    phone.screen("bookings")
    card = phone.page.locator(f'[data-testid=booking-card][data-booking-id="{booking_id}"]')
    expect(card.get_by_test_id("status")).to_have_attribute("data-status", "cancelled")
    phone.shot("09-bookings")


def test_slots_step_lists_the_zones_slots(open_phone):
    """The time step shows the address's zone's slots for the chosen day, with places left."""
    phone = open_phone().open()
    phone.sign_in("+8613800000002")
    phone.screen("book")
    phone.resident.add_address("Lane 3, Room 2")
    phone.resident.set_item(0, "newspaper", "A", "2")
    phone.resident.get_quote()
    phone.page.get_by_test_id("to-slot").tap()
    slots = phone.page.get_by_test_id("slot")
    expect(slots.first).to_be_visible()
    assert slots.count() >= 2
    expect(slots.first).to_contain_text("places left")
    expect(phone.page.locator("[data-testid=date-chip][aria-selected=true]")).to_have_count(1)
    phone.shot("04-slots")


def test_labels_and_messages_follow_the_phone_language(open_phone):
    """A phone set to Chinese gets Chinese labels, and sends Accept-Language so the API's
    messages come back in Chinese too."""
    phone = open_phone(locale="zh-CN").open()
    expect(phone.page.locator("#title")).to_have_text("登录")
    expect(phone.page.get_by_test_id("send-code")).to_have_text("获取验证码")
    phone.shot("10-login-zh-CN")
    phone.sign_in("+8613800000003")
    phone.screen("book")
    expect(phone.page.get_by_test_id("tab-book")).to_contain_text("预约")
    phone.resident.add_address("Lane 5, Room 1", at=(39.9, 116.4))
    expect(phone.page.get_by_test_id("form-error")).to_contain_text("该地址不在服务范围内")
    phone.shot("11-address-error-zh-CN")


def test_collector_and_plant_screens_never_break(open_phone):
    """Each collector and plant screen either works or says "not available yet" and names
    the missing operations: endpoints still being built must not break the app."""
    phone = open_phone().open()
    phone.sign_in("+8613800000001")
    phone.screen("book")
    spec_ops = phone.page.evaluate(
        """async () => {
            const spec = await (await fetch('/api/openapi.json')).json();
            const shape = (p) => p.replace(/\\{[^}]+\\}/g, '{}');
            return Object.entries(spec.paths).flatMap(([p, item]) =>
                Object.keys(item).map(m => m.toUpperCase() + ' ' + shape(p)));
        }"""
    )
    for route, screen, operation in [
        ("#/jobs", "jobs", "POST /api/collectors"),
        ("#/route", "route", "GET /api/route-plans/today"),
        ("#/dropoff", "dropoff", "POST /api/station-deliveries"),
        ("#/lots", "lots", "GET /api/lots"),
        ("#/lots/1", "lot", "GET /api/lots/{}"),
    ]:
        phone.go(route)
        view = phone.page.locator(f"[data-testid=screen-{screen}]")
        if operation in spec_ops:
            # Landed: the screen draws, or shows the API's error (lot 1 may not exist).
            expect(view).to_have_attribute("data-state", re.compile("ready|error"))
        else:
            expect(view).to_have_attribute("data-state", "ready")
            expect(view.get_by_test_id("not-available").first).to_be_visible()
        phone.shot(f"20-{screen}")


@pytest.mark.parametrize(
    ("phone_number", "role", "home", "testid"),
    [
        ("+8613900000003", "plant", "lots", "no-lots"),
        ("+8613900000002", "station", "dropoff", "receive-card"),
    ],
)
def test_staff_land_on_their_home_screen(open_phone, phone_number, role, home, testid):
    """Plant and station staff sign in to their own tabs and screens, which draw from the
    API without errors (a plant with nothing on offer sees "no lots")."""
    phone = open_phone().open()
    phone.sign_in(phone_number)
    view = phone.screen(home)
    expect(view.get_by_test_id(testid)).to_be_visible()
    phone.shot(f"40-{role}-home")
    phone.tab("me")
    expect(phone.screen("me").get_by_test_id("role")).to_have_attribute("data-status", role)
