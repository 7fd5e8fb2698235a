"""The materials catalogue through the HTTP API: admins change it under If-Match."""

from __future__ import annotations

from tests.api.collector_helpers import admin_headers

PATH = "/api/materials/pet"


def test_get_and_patch_carry_an_etag_that_counts_up(city, client, login):
    """A material's ETag changes with each edit, and the PATCH returns the new one."""
    admin = admin_headers(client)
    read = client.get(PATH, headers=admin)
    assert read.status_code == 200 and read.headers["ETag"] == f'"{read.get_json()["version"]}"'
    changed = client.patch(
        PATH, json={"name_en": "PET bottles"}, headers={**admin, "If-Match": read.headers["ETag"]}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != read.headers["ETag"]
    assert client.get(PATH, headers=admin).headers["ETag"] == changed.headers["ETag"]


def test_stale_if_match_is_412_and_changes_nothing(city, client, login):
    """Two admins edit one material: the one holding the old ETag gets 412 in the error shape."""
    admin = admin_headers(client)
    etag = client.get(PATH, headers=admin).headers["ETag"]
    first = client.patch(PATH, json={"name_en": "Clear PET"}, headers={**admin, "If-Match": etag})
    assert first.status_code == 200
    stale = client.patch(PATH, json={"name_en": "Old PET"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"
    assert set(stale.get_json()) == {"code", "message", "errors"}
    assert client.get(PATH, headers=admin).get_json()["name_en"] == "Clear PET"


def test_without_if_match_the_edit_applies(city, client, login):
    """If-Match is optional, as for addresses: without it the last write wins."""
    admin = admin_headers(client)
    before = client.get(PATH, headers=admin).get_json()["version"]
    response = client.patch(PATH, json={"min_quantity": 500}, headers=admin)
    assert response.status_code == 200
    assert response.get_json()["version"] == before + 1


def test_an_if_match_that_is_no_etag_of_ours_is_412(city, client, login):
    """A malformed If-Match never matches (412), and nothing changes."""
    admin = admin_headers(client)
    response = client.patch(
        PATH, json={"name_en": "X"}, headers={**admin, "If-Match": '"not-a-version"'}
    )
    assert response.status_code == 412
    assert client.get(PATH, headers=admin).get_json()["name_en"] != "X"
