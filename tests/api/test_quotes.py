"""Quotes: prices from the tariff in force, deduction rules stated up front, locked prices."""

from __future__ import annotations

from datetime import timedelta

from api.db import session_scope
from api.tariffs.service import create_tariff
from api.timeutil import local_today
from tests.api.helpers import add_address, get_quote

ALICE = "+8613811113001"


def test_quote_prices_each_line_in_integer_cents(city, client, login):
    """3 kg clear PET at 2.20/kg and 5 kg cardboard A at 1.40/kg: 660 + 700 cents."""
    headers = login(ALICE)
    quote = get_quote(client, headers, add_address(client, headers)["address_id"])
    amounts = [
        (line["material"], line["unit_price_cents"], line["estimated_amount_cents"])
        for line in quote["lines"]
    ]
    assert amounts == [("pet", 220, 660), ("cardboard", 140, 700)]
    assert quote["estimated_total_cents"] == 1360
    assert quote["currency"] == "CNY"
    kinds = {rule["kind"] for rule in quote["lines"][0]["deduction_rules"]}
    assert kinds == {"moisture", "contamination", "tare"}


def test_zone_tariff_beats_city_tariff(city, client, login):
    """A zone-specific rate published today is used in that zone."""
    with session_scope(city) as session:
        create_tariff(
            session,
            material="pet",
            grade="clear",
            zone="xuhui-s",
            price_cents_per_unit=250,
            valid_from=local_today(),
            actor_user_id=None,
        )
    headers = login(ALICE)
    quote = get_quote(client, headers, add_address(client, headers)["address_id"])
    assert quote["lines"][0]["unit_price_cents"] == 250


def test_a_later_tariff_does_not_change_an_existing_quote(city, client, login):
    """Prices stay locked: a new tariff version leaves the quote as it was."""
    headers = login(ALICE)
    quote = get_quote(client, headers, add_address(client, headers)["address_id"])
    with session_scope(city) as session:
        create_tariff(
            session,
            material="pet",
            grade="clear",
            zone=None,
            price_cents_per_unit=100,
            valid_from=local_today(),
            actor_user_id=None,
        )
    again = client.get(f"/api/quotes/{quote['quote_id']}", headers=headers).get_json()
    assert again["lines"][0]["unit_price_cents"] == 220


def test_future_tariff_is_not_in_force_yet(city, client, login):
    """A tariff valid from tomorrow does not price today's quotes."""
    with session_scope(city) as session:
        create_tariff(
            session,
            material="pet",
            grade="clear",
            zone=None,
            price_cents_per_unit=999,
            valid_from=local_today() + timedelta(days=1),
            actor_user_id=None,
        )
    headers = login(ALICE)
    quote = get_quote(client, headers, add_address(client, headers)["address_id"])
    assert quote["lines"][0]["unit_price_cents"] == 220


def test_bad_items_name_the_field(city, client, login):
    """Unknown materials, wrong grades, tiny or float quantities are 422s naming the item."""
    headers = login(ALICE)
    address_id = add_address(client, headers)["address_id"]
    cases = [
        ({"material": "plutonium", "grade": "A", "quantity": 1000}, "items.0.material"),
        ({"material": "pet", "grade": "gold", "quantity": 1000}, "items.0.grade"),
        ({"material": "pet", "grade": "clear", "quantity": 10}, "items.0.quantity"),
        ({"material": "pet", "grade": "clear", "quantity": 1.5}, "items.0.quantity"),
        ({"material": "pet", "grade": "clear", "quantity": -3}, "items.0.quantity"),
    ]
    for item, field in cases:
        response = client.post(
            "/api/quotes", json={"address_id": address_id, "items": [item]}, headers=headers
        )
        assert response.status_code == 422, item
        assert field in response.get_json()["errors"], (field, response.get_json())


def test_someone_elses_address_or_quote_is_404(city, client, login):
    """A quote cannot be made for, or read by, another resident."""
    alice = login(ALICE)
    address_id = add_address(client, alice)["address_id"]
    quote = get_quote(client, alice, address_id)
    bob = login("+8613811113002")
    items = [{"material": "pet", "grade": "clear", "quantity": 3000}]
    assert (
        client.post(
            "/api/quotes", json={"address_id": address_id, "items": items}, headers=bob
        ).status_code
        == 404
    )
    assert client.get(f"/api/quotes/{quote['quote_id']}", headers=bob).status_code == 404
