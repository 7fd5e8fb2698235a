"""Page objects for the mobile client: what a resident, a collector or a plant does on a phone.

Tests say what happens ("sign in", "get a quote"); these classes know the screens' test ids
(``data-testid``) and the form field names (the API's own, so the per-field errors line up).
Collector and plant screens build their forms from the OpenAPI spec, so their page objects
fill fields by the API's field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.mobile_stub.conftest import LiveApp


@dataclass
class Phone:
    """One phone with the app open; the entry point to the page objects."""

    page: Page
    live_app: LiveApp
    screenshots: Path
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def open(self, route: str = "") -> Phone:
        """Load the app (at ``#/route`` when given) and wait for the first screen."""
        self.page.goto(f"/app/{route}")
        expect(self.page.locator("body[data-app=ready]")).to_be_attached()
        return self

    def screen(self, name: str) -> Locator:
        """The current screen, once ``name`` has finished drawing."""
        screen = self.page.get_by_test_id(f"screen-{name}")
        expect(screen).to_have_attribute("data-state", "ready")
        return screen

    def go(self, route: str) -> None:
        """Navigate inside the app (``#/jobs``); the current screen is drawn afresh."""
        self.page.evaluate(
            """route => {
                if (location.hash !== route) location.hash = route;
                else window.dispatchEvent(new HashChangeEvent("hashchange"));
            }""",
            route,
        )

    def tab(self, name: str) -> None:
        """Tap a bottom tab (``bookings``, ``jobs``...)."""
        self.page.get_by_test_id(f"tab-{name}").tap()

    def shot(self, name: str) -> Path:
        """Save a screenshot of the viewport under artifacts/screenshots/."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), animations="disabled")
        return path

    def field_error(self, name: str) -> Locator:
        """The reasons shown next to the input named ``name``."""
        return self.page.locator(f'[data-error-for="{name}"]')

    def sign_in(self, phone_number: str, typed: str | None = None) -> None:
        """Sign in by code: ask for it, read it from the captured SMS, type it."""
        self.screen("login")
        self.page.get_by_test_id("phone").fill(typed or phone_number)
        self.page.get_by_test_id("send-code").tap()
        expect(self.page.get_by_test_id("code-sent")).to_contain_text(phone_number)
        self.page.get_by_test_id("code").fill(self.live_app.last_code(phone_number))
        self.page.get_by_test_id("sign-in").tap()
        expect(self.page.get_by_test_id("screen-login")).to_have_count(0)

    @property
    def resident(self) -> Resident:
        return Resident(self)

    @property
    def collector(self) -> Collector:
        return Collector(self)

    @property
    def plant(self) -> Plant:
        return Plant(self)


def fill_form(form: Locator, values: dict[str, str | bool]) -> None:
    """Fill a spec-built form by API field names (``items.0.weight_grams`` takes kg)."""
    for name, value in values.items():
        control = form.locator(f'[name="{name}"]')
        if isinstance(value, bool):
            control.set_checked(value)
        elif control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


@dataclass
class Resident:
    """The booking wizard and the pickups screens."""

    phone: Phone

    @property
    def page(self) -> Page:
        return self.phone.page

    def add_address(
        self, text: str, *, building: str = "", at: tuple[float, float] | None = None
    ) -> None:
        """Fill the new-address form and save it; coordinates ``at`` (lat, lon), else from
        "use my location"."""
        form = self.page.get_by_test_id("address-form")
        form.locator('[name="text"]').fill(text)
        if building:
            form.locator('[name="building"]').fill(building)
        if at:
            form.locator('[name="latitude"]').fill(str(at[0]))
            form.locator('[name="longitude"]').fill(str(at[1]))
        else:
            self.page.get_by_test_id("use-location").tap()
            expect(form.locator('[name="latitude"]')).not_to_have_value("")
        self.page.get_by_test_id("save-address").tap()

    def set_item(self, index: int, material: str, grade: str, amount: str) -> None:
        """Set row ``index`` of the items step (amount in kg, or pieces)."""
        rows = self.page.get_by_test_id("item-row")
        expect(rows.first).to_be_visible()  # the items step has drawn
        if rows.count() <= index:
            self.page.get_by_test_id("add-item").tap()
        row = rows.nth(index)
        row.get_by_test_id("item-material").select_option(material)
        row.get_by_test_id("item-grade").select_option(grade)
        row.get_by_test_id("item-quantity").fill(amount)

    def get_quote(self) -> Locator:
        """Ask for the quote and return its card."""
        self.page.get_by_test_id("get-quote").tap()
        quote = self.page.get_by_test_id("quote")
        expect(quote).to_be_visible()
        return quote

    def choose_first_open_slot(self) -> str:
        """Go to the time step, pick the first slot with places; returns its id."""
        self.page.get_by_test_id("to-slot").tap()
        slot = self.page.locator("[data-testid=slot]:not([disabled])").first
        expect(slot).to_be_visible()
        slot_id = slot.get_attribute("data-slot-id")
        slot.tap()
        expect(self.page.get_by_test_id("step-confirm")).to_be_visible()
        return slot_id

    def confirm(self, notes: str = "") -> int:
        """Book; returns the new booking's id from the detail screen's URL."""
        if notes:
            self.page.get_by_test_id("notes").fill(notes)
        self.page.get_by_test_id("confirm-booking").tap()
        expect(self.page).to_have_url(re.compile(r"#/bookings/\d+$"))
        self.phone.screen("booking")
        return int(self.page.url.rsplit("/", 1)[1])

    def status(self) -> Locator:
        """The status pill of the open booking (``data-status`` holds the code)."""
        return self.page.get_by_test_id("booking-status")

    def timeline_kinds(self) -> list[str]:
        """Event kinds of the open booking's timeline, oldest first."""
        events = self.page.get_by_test_id("timeline-event")
        return [events.nth(i).get_attribute("data-kind") for i in range(events.count())]

    def cancel(self, reason: str = "") -> None:
        """Cancel the open booking through the confirmation sheet."""
        self.page.get_by_test_id("cancel-booking").tap()
        if reason:
            self.page.get_by_test_id("cancel-reason").fill(reason)
        self.page.get_by_test_id("sheet-confirm").tap()

    def payout(self) -> Locator:
        """The "paid to you" amount of the open booking (present once paid)."""
        return self.page.get_by_test_id("payout")

    def wallet_balance(self) -> Locator:
        """The wallet balance on the Me screen."""
        self.phone.go("#/me")
        self.phone.screen("me")
        return self.page.get_by_test_id("wallet-balance")

    def open_booking(self, booking_id: int) -> None:
        self.phone.go(f"#/bookings/{booking_id}")
        self.phone.screen("booking")


@dataclass
class Collector:
    """Enrol, the feed, one job from claim to completion, the route, drop-offs."""

    phone: Phone

    @property
    def page(self) -> Page:
        return self.phone.page

    def enrol(self, fields: dict[str, str | bool]) -> Locator:
        """Fill the application by API field names (``payload_grams`` takes kg) and send
        it; returns the application's status pill."""
        self.phone.go("#/jobs")
        self.phone.screen("jobs")
        form = self.page.locator('form[data-operation="enrolCollector"]')
        fill_form(form, fields)
        self.page.get_by_test_id("enrol").tap()
        status = self.page.get_by_test_id("collector-status")
        expect(status).to_be_visible()
        return status

    def job_card(self, booking_id: int) -> Locator:
        """The feed's card of one booking."""
        self.phone.go("#/jobs")
        self.phone.screen("jobs")
        return self.page.locator(f'[data-testid=job-card][data-booking-id="{booking_id}"]')

    def claim(self, booking_id: int) -> None:
        """Claim a job from the feed; lands on the job screen."""
        self.job_card(booking_id).get_by_test_id("claim-job").tap()
        expect(self.page).to_have_url(re.compile(rf"#/jobs/{booking_id}$"))
        self.expect_status("assigned")

    def expect_status(self, status: str) -> None:
        """Wait until the open job shows ``status``."""
        self.phone.screen("job")
        expect(self.page.get_by_test_id("job-status")).to_have_attribute("data-status", status)

    def depart(self, booking_id: int, eta_minutes: str = "10") -> None:
        """Tell the resident I am on my way."""
        self._open_job(booking_id)
        fill_form(
            self.page.locator('form[data-operation="departForJob"]'), {"eta_minutes": eta_minutes}
        )
        self.page.get_by_test_id("depart").tap()
        self.expect_status("en_route")

    def arrive(self, booking_id: int) -> None:
        """At the door, with the phone's position (it must be near the address)."""
        self._open_job(booking_id)
        form = self.page.locator('form[data-operation="arriveAtJob"]')
        form.get_by_test_id("use-location").tap()
        expect(form.locator('[name="latitude"]')).not_to_have_value("")
        self.page.get_by_test_id("arrive").tap()
        self.expect_status("arrived")

    def weigh(self, booking_id: int, lines: list[dict[str, str]]) -> Locator:
        """Weigh bag by bag: per line ``gross_grams`` (typed in kg) or ``pieces``, and
        ``tag_code``; material and grade come pre-filled from the booking. Returns the
        weighing card."""
        self._open_job(booking_id)
        form = self.page.locator('form[data-operation="recordWeighing"]')
        for index, line in enumerate(lines):
            if form.get_by_test_id("row-lines").count() <= index:
                form.get_by_test_id("add-lines").tap()
            fill_form(form, {f"lines.{index}.{name}": value for name, value in line.items()})
        self.page.get_by_test_id("submit-weighing").tap()
        self.expect_status("weighed")
        return self.page.get_by_test_id("weighing")

    def complete(self, booking_id: int) -> None:
        """Complete the job: the resident is credited."""
        self._open_job(booking_id)
        self.page.get_by_test_id("complete-job").tap()
        self.expect_status("completed")

    def route_stops(self) -> Locator:
        """Today's route: the list entries (the SVG sketch is ``route-sketch``)."""
        self.phone.go("#/route")
        self.phone.screen("route")
        return self.page.get_by_test_id("route-stop")

    def deliveries(self) -> Locator:
        """Drop-offs recorded for me at stations."""
        self.phone.go("#/dropoff")
        self.phone.screen("dropoff")
        return self.page.get_by_test_id("delivery")

    def access_token(self) -> str:
        """The signed-in phone's access token (to set up what the app has no screen for)."""
        return self.page.evaluate("JSON.parse(localStorage['recycle.tokens']).access_token")

    def _open_job(self, booking_id: int) -> None:
        if not self.page.url.endswith(f"#/jobs/{booking_id}"):
            self.phone.go(f"#/jobs/{booking_id}")
        self.phone.screen("job")


@dataclass
class Plant:
    """Lots, the live auction of one lot, bidding in ¥."""

    phone: Phone

    @property
    def page(self) -> Page:
        return self.phone.page

    def lots(self) -> Locator:
        self.phone.go("#/lots")
        self.phone.screen("lots")
        return self.page.get_by_test_id("lot-card")

    def bid(self, lot_id: int, max_yuan: str) -> Locator:
        """Bid up to ``max_yuan`` for the whole lot; returns my standing (lead / outbid)."""
        self.phone.go(f"#/lots/{lot_id}")
        self.phone.screen("lot")
        form = self.page.locator('form[data-operation="placeBid"]')
        fill_form(form, {"max_amount_cents": max_yuan})
        self.page.get_by_test_id("place-bid").tap()
        standing = self.page.get_by_test_id("standing")
        expect(standing).to_be_visible()
        return standing
