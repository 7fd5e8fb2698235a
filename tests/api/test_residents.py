"""Residents' addresses: service area, defaults, privacy of others, optimistic concurrency."""

from __future__ import annotations

from tests.api.helpers import HOME, add_address

ALICE = "+8613811112001"
BOB = "+8613811112002"


def test_address_outside_the_service_area_is_422(city, client, login):
    """An address outside every zone is refused, naming the coordinates."""
    headers = login(ALICE)
    response = client.post(
        "/api/residents/me/addresses",
        json={**HOME, "latitude": 39.9, "longitude": 116.4},
        headers=headers,
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "outside_service_area"
    assert set(body["errors"]) == {"latitude", "longitude"}


def test_first_address_is_default_and_zone_is_resolved(city, client, login):
    """The first address becomes the default and is placed in its zone."""
    address = add_address(client, login(ALICE))
    assert address["is_default"] is True
    assert address["zone"] == "xuhui-s"


def test_other_residents_address_is_404(city, client, login):
    """Bob can neither read nor change Alice's address."""
    address = add_address(client, login(ALICE))
    bob = login(BOB)
    path = f"/api/residents/me/addresses/{address['address_id']}"
    assert client.get(path, headers=bob).status_code == 404
    assert client.patch(path, json={"floor": "3"}, headers=bob).status_code == 404


def test_stale_if_match_is_412_and_changes_nothing(city, client, login):
    """Two phones edit one address: the one holding an old ETag gets 412."""
    headers = login(ALICE)
    address = add_address(client, headers)
    path = f"/api/residents/me/addresses/{address['address_id']}"
    etag = client.get(path, headers=headers).headers["ETag"]
    first = client.patch(path, json={"floor": "5"}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = client.patch(path, json={"floor": "9"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(path, headers=headers).get_json()["floor"] == "5"


def test_delete_hides_the_address(city, client, login):
    """A deleted address disappears from the list but stays for past bookings."""
    headers = login(ALICE)
    address = add_address(client, headers)
    path = f"/api/residents/me/addresses/{address['address_id']}"
    assert client.delete(path, headers=headers).status_code == 204
    assert client.get("/api/residents/me/addresses", headers=headers).get_json() == []


def test_profile_edits_from_two_phones_do_not_overwrite_each_other(city, client, login):
    """The profile carries an ETag: an edit holding an old one is a 412 and changes nothing;
    an edit without If-Match still goes through (last write wins, as before)."""
    headers = login(ALICE)
    read = client.get("/api/residents/me", headers=headers)
    etag = read.headers["ETag"]
    assert read.get_json()["version"] == 1 and etag == '"1"'
    first = client.patch(
        "/api/residents/me", json={"display_name": "Ali"}, headers={**headers, "If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["ETag"] == '"2"' and first.get_json()["display_name"] == "Ali"
    stale = client.patch(
        "/api/residents/me", json={"display_name": "Alice W"}, headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"
    assert client.get("/api/residents/me", headers=headers).get_json()["display_name"] == "Ali"
    bad = client.patch(
        "/api/residents/me", json={"locale": "en"}, headers={**headers, "If-Match": "latest"}
    )
    assert bad.status_code == 412
    blind = client.patch("/api/residents/me", json={"locale": "en"}, headers=headers)
    assert blind.status_code == 200 and blind.headers["ETag"] == '"3"'
    assert blind.get_json()["locale"] == "en"
