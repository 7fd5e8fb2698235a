"""The authorization matrix: every endpoint of the URL map × every role.

Each (method, rule) must be declared below with the roles allowed to call it. A new route
without a declaration fails ``test_every_route_declares_who_may_call_it``. For every declared
route and every role: anonymous callers of a protected route get 401, a role that may not call
it gets 403, and a role that may never sees 401/403 (it gets the route's own answer, usually a
404 for an object that is not theirs or a 422 for an empty body).
"""

from __future__ import annotations

import re

import pytest

from api.auth.models import ROLES

PUBLIC = frozenset({"anonymous", *ROLES})
SIGNED_IN = frozenset(ROLES)
STAFF = frozenset({"admin"})


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


# Routes served outside the JSON API (docs, the mobile stub's files).
NOT_API = ("/api/docs", "/api/openapi.json", "/static/", "/app")

EXPECTATIONS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/api/health"): PUBLIC,
    ("GET", "/api/ready"): PUBLIC,
    ("POST", "/api/auth/codes"): PUBLIC,
    ("POST", "/api/auth/tokens"): PUBLIC,
    ("POST", "/api/auth/revocations"): SIGNED_IN,
    ("GET", "/api/auth/me"): SIGNED_IN,
    ("GET", "/api/materials"): SIGNED_IN,
    ("POST", "/api/materials"): STAFF,
    ("GET", "/api/materials/<string:code>"): SIGNED_IN,
    ("PATCH", "/api/materials/<string:code>"): STAFF,
    ("GET", "/api/zones"): SIGNED_IN,
    ("POST", "/api/zones"): STAFF,
    ("GET", "/api/tariffs"): SIGNED_IN,
    ("POST", "/api/tariffs"): STAFF,
    ("GET", "/api/slots"): SIGNED_IN,
    ("GET", "/api/residents/me"): only("resident"),
    ("PATCH", "/api/residents/me"): only("resident"),
    ("GET", "/api/residents/me/addresses"): only("resident"),
    ("POST", "/api/residents/me/addresses"): only("resident"),
    ("GET", "/api/residents/me/addresses/<int:address_id>"): only("resident"),
    ("PATCH", "/api/residents/me/addresses/<int:address_id>"): only("resident"),
    ("DELETE", "/api/residents/me/addresses/<int:address_id>"): only("resident"),
    ("POST", "/api/quotes"): only("resident"),
    ("GET", "/api/quotes/<string:quote_id>"): only("resident"),
    ("GET", "/api/bookings"): only("resident"),
    ("POST", "/api/bookings"): only("resident"),
    ("GET", "/api/bookings/<int:booking_id>"): only("resident"),
    ("POST", "/api/bookings/<int:booking_id>/cancellation"): only("resident"),
    ("POST", "/api/bookings/<int:booking_id>/rescheduling"): only("resident"),
    ("GET", "/api/bookings/<int:booking_id>/events"): only("resident"),
    ("GET", "/api/alerts"): only("admin"),
    ("POST", "/api/alerts/<int:alert_id>/acknowledgement"): only("admin"),
    ("POST", "/api/alerts/<int:alert_id>/resolution"): only("admin"),
    ("GET", "/api/auctions/<int:auction_id>"): only(
        "plant", "station", "admin", "regulator", "analyst"
    ),
    ("GET", "/api/auctions/<int:auction_id>/bids"): only(
        "plant", "station", "admin", "regulator", "analyst"
    ),
    ("POST", "/api/auctions/<int:auction_id>/payment"): only("plant"),
    ("GET", "/api/bookings/<int:booking_id>/ratings"): only("resident", "collector"),
    ("POST", "/api/bookings/<int:booking_id>/ratings"): only("resident", "collector"),
    ("GET", "/api/bookings/<int:booking_id>/weighing"): only("resident"),
    ("POST", "/api/bookings/<int:booking_id>/weighing-decision"): only("resident"),
    ("GET", "/api/collectors"): only("admin"),
    ("POST", "/api/collectors"): only("collector"),
    ("GET", "/api/collectors/<int:collector_id>"): only("admin"),
    ("POST", "/api/collectors/<int:collector_id>/decisions"): only("admin"),
    ("GET", "/api/collectors/me"): only("collector"),
    ("PATCH", "/api/collectors/me"): only("collector"),
    ("GET", "/api/collectors/me/events"): only("collector"),
    ("POST", "/api/collectors/me/pings"): only("collector"),
    ("GET", "/api/collectors/me/shifts"): only("collector"),
    ("PUT", "/api/collectors/me/shifts/<string:shift_date>"): only("collector"),
    ("GET", "/api/custody/checkpoints"): only("admin", "regulator"),
    ("GET", "/api/custody/verification"): only("admin", "regulator"),
    ("GET", "/api/disputes"): only("resident", "admin"),
    ("POST", "/api/disputes"): only("resident"),
    ("GET", "/api/disputes/<int:dispute_id>"): only("resident", "admin"),
    ("POST", "/api/disputes/<int:dispute_id>/resolution"): only("admin"),
    ("GET", "/api/jobs"): only("collector"),
    ("GET", "/api/jobs/<int:booking_id>"): only("collector"),
    ("POST", "/api/jobs/<int:booking_id>/arrival"): only("collector"),
    ("POST", "/api/jobs/<int:booking_id>/claim"): only("collector"),
    ("POST", "/api/jobs/<int:booking_id>/completion"): only("collector"),
    ("POST", "/api/jobs/<int:booking_id>/departure"): only("collector"),
    ("POST", "/api/jobs/<int:booking_id>/no-show"): only("admin", "station"),
    ("POST", "/api/jobs/<int:booking_id>/release"): only("collector"),
    ("POST", "/api/jobs/<int:booking_id>/weighing"): only("collector"),
    ("GET", "/api/jobs/feed"): only("collector"),
    ("GET", "/api/lots"): only("plant", "station", "admin", "regulator", "analyst"),
    ("POST", "/api/lots"): only("station"),
    ("GET", "/api/lots/<int:lot_id>"): only("plant", "station", "admin", "regulator", "analyst"),
    ("POST", "/api/lots/<int:lot_id>/auctions"): only("station", "admin"),
    ("POST", "/api/lots/<int:lot_id>/bids"): only("plant"),
    ("POST", "/api/lots/<int:lot_id>/collection"): only("station"),
    ("GET", "/api/lots/<int:lot_id>/events"): only("station", "admin", "regulator"),
    ("POST", "/api/lots/<int:lot_id>/receipt"): only("plant"),
    ("GET", "/api/manifests"): only(
        "resident", "collector", "station", "plant", "admin", "regulator"
    ),
    ("GET", "/api/manifests/<int:manifest_id>"): only(
        "resident", "collector", "station", "plant", "admin", "regulator"
    ),
    ("POST", "/api/manifests/<int:manifest_id>/confirmations"): only(
        "resident", "collector", "station", "plant"
    ),
    ("POST", "/api/manifests/<int:manifest_id>/corrections"): only(
        "resident", "collector", "station", "plant", "admin"
    ),
    ("GET", "/api/manifests/<int:manifest_id>/history"): only(
        "resident", "collector", "station", "plant", "admin", "regulator"
    ),
    ("GET", "/api/manifests/<int:manifest_id>/verification"): only(
        "resident", "collector", "station", "plant", "admin", "regulator"
    ),
    ("GET", "/api/payouts"): only("resident", "collector"),
    ("POST", "/api/payouts"): only("resident", "collector"),
    ("GET", "/api/payouts/<int:payout_id>"): only("resident", "collector"),
    ("GET", "/api/plants"): only("admin"),
    ("POST", "/api/plants"): only("plant"),
    ("GET", "/api/plants/<int:plant_id>"): only("admin"),
    ("POST", "/api/plants/<int:plant_id>/decisions"): only("admin"),
    ("GET", "/api/plants/me"): only("plant"),
    ("POST", "/api/plants/me/deposits"): only("plant"),
    ("GET", "/api/regulator/alerts"): only("regulator"),
    ("GET", "/api/regulator/compliance"): only("regulator", "admin"),
    ("POST", "/api/regulator/compliance/<string:kind>/<int:subject_id>/actions"): only(
        "regulator", "admin"
    ),
    ("GET", "/api/regulator/flows"): only("regulator"),
    ("GET", "/api/regulator/manifests"): only("regulator"),
    ("GET", "/api/regulator/registry"): only("regulator"),
    ("GET", "/api/route-plans"): only("admin"),
    ("POST", "/api/route-plans"): only("admin"),
    ("GET", "/api/route-plans/<int:route_plan_id>"): only("admin"),
    ("GET", "/api/route-plans/<int:route_plan_id>/kpis"): only("admin"),
    ("GET", "/api/route-plans/<int:route_plan_id>/unassigned"): only("admin"),
    ("GET", "/api/route-plans/today"): only("collector"),
    ("GET", "/api/station-deliveries"): only("station", "collector", "admin"),
    ("POST", "/api/station-deliveries"): only("station"),
    ("GET", "/api/stations"): SIGNED_IN,
    ("GET", "/api/tags/<string:code>/label.png"): only("collector", "station", "admin"),
    ("GET", "/api/tags/<string:code>/label.svg"): only("collector", "station", "admin"),
    ("POST", "/api/tags/batches"): only("admin", "station"),
    ("POST", "/api/tariffs/<int:tariff_id>/decision"): only("admin"),
    ("POST", "/api/tariffs/suggestions"): only("admin"),
    ("GET", "/api/wallets/me"): only("resident", "collector"),
    ("GET", "/api/collectors/<int:collector_id>/credit"): only("collector", "lender"),
    ("GET", "/api/collectors/me/credit-consents"): only("collector"),
    ("POST", "/api/collectors/me/credit-consents"): only("collector"),
    ("POST", "/api/collectors/me/credit-consents/<int:credit_consent_id>/revocation"): only(
        "collector"
    ),
    # lenders see one collector's score, with that collector's consent (/api/collectors/.../credit)
    ("GET", "/api/warehouse/credit-scores"): only("admin", "analyst"),
    ("GET", "/api/warehouse/credit-scores/<string:collector_key>"): only("admin", "analyst"),
    ("GET", "/api/warehouse/lot-results"): only("plant", "admin", "analyst"),
    ("GET", "/api/warehouse/material-recovery-rates"): only("regulator", "admin", "analyst"),
    ("GET", "/api/warehouse/price-indices"): SIGNED_IN,
}


def api_routes(app) -> list[tuple[str, str]]:
    """(method, rule) of every JSON API route."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(NOT_API):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule))
    return sorted(routes)


def concrete(rule: str) -> str:
    """The rule with every path parameter set to an id nobody owns."""
    return re.sub(r"<(?:int:|string:|path:)?[a-z_]+>", "987654321", rule)


def test_every_route_declares_who_may_call_it(app):
    """A route without a declared expectation fails here until someone decides who may call it."""
    undeclared = [route for route in api_routes(app) if route not in EXPECTATIONS]
    stale = [route for route in EXPECTATIONS if route not in set(api_routes(app))]
    assert undeclared == [], f"declare these in EXPECTATIONS: {undeclared}"
    assert stale == [], f"these declared routes no longer exist: {stale}"


@pytest.fixture
def role_headers(city, login):
    """Signed-in headers for one user of every role, plus anonymous."""
    headers = {"anonymous": {}}
    for index, role in enumerate(ROLES):
        headers[role] = login(f"+86136{index:08d}", role=role)
    return headers


def test_each_role_gets_401_403_or_through(app, client, role_headers):
    """Anonymous → 401 on protected routes; roles outside the declaration → 403; others pass."""
    problems = []
    # signing out revokes the caller's tokens, so it goes last
    routes = sorted(api_routes(app), key=lambda route: route[1] == "/api/auth/revocations")
    for method, rule in routes:
        allowed = EXPECTATIONS.get((method, rule))
        if allowed is None:
            continue
        path = concrete(rule)
        for role, headers in role_headers.items():
            response = client.open(path, method=method, json={}, headers=headers)
            status = response.status_code
            if role in allowed:
                ok = status not in (401, 403)
            elif role == "anonymous":
                ok = status == 401
            else:
                ok = status == 403
            if not ok:
                problems.append(f"{method} {rule} as {role}: {status}")
            # 503: the warehouse has not been built in this test database
            assert status < 500 or status == 503, f"{method} {rule} as {role}: {status}"
    assert problems == [], "\n".join(problems)
