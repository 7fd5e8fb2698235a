"""Bag tags: batches issued by staff, printable QR labels for whoever may hold the bag."""

from __future__ import annotations

from sqlalchemy import select

from api.custody.models import CustodyEvent
from api.custody.tags import tag_format_problem
from api.db import session_scope
from tests.api.collector_helpers import admin_headers, enrol_approved_collector, staff_headers
from tests.custody.helpers import STATION_PHONE, regulator, second_collector


def _batch(client, collector_id, count=3, headers=None):
    return client.post(
        "/api/tags/batches",
        json={"collector_id": collector_id, "count": count},
        headers=headers or admin_headers(client),
    )


def test_a_batch_issues_valid_codes_and_is_chained(city, client, login):
    """Staff issue N well-formed tags to an approved collector; the issue is in the chain."""
    _headers, collector_id = enrol_approved_collector(client, login)
    station = staff_headers(client, STATION_PHONE, "station")
    response = _batch(client, collector_id, 3, headers=station)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["count"] == 3 and len(set(body["tag_codes"])) == 3
    assert all(tag_format_problem(code) is None for code in body["tag_codes"])
    with session_scope(client.application) as session:
        event = session.scalar(select(CustodyEvent).where(CustodyEvent.kind == "tags_issued"))
        assert sorted(event.payload["tag_codes"]) == sorted(body["tag_codes"])


def test_bad_batches_are_422_and_others_403(city, client, login):
    """Unknown collectors, counts out of range and system fields are 422; collectors 403."""
    collector, collector_id = enrol_approved_collector(client, login)
    for body, field in (
        ({"collector_id": 999999, "count": 2}, "collector_id"),
        ({"collector_id": collector_id, "count": 0}, "count"),
        ({"collector_id": collector_id, "count": "2"}, "count"),
        ({"collector_id": collector_id, "count": 2, "tag_codes": ["RC000000000018"]}, "tag_codes"),
    ):
        response = client.post("/api/tags/batches", json=body, headers=admin_headers(client))
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    assert _batch(client, collector_id, headers=collector).status_code == 403
    assert _batch(client, collector_id, headers=regulator(client)).status_code == 403


def test_labels_print_for_the_holder_and_staff_only(city, client, login):
    """SVG and PNG labels for the holding collector and staff; another collector gets 404."""
    holder, collector_id = enrol_approved_collector(client, login)
    code = _batch(client, collector_id, 1).get_json()["tag_codes"][0]
    svg = client.get(f"/api/tags/{code}/label.svg", headers=holder)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert code in svg.get_data(as_text=True) and "<svg" in svg.get_data(as_text=True)
    png = client.get(f"/api/tags/{code.lower()}/label.png", headers=admin_headers(client))
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    other, _ = second_collector(client, login)
    assert client.get(f"/api/tags/{code}/label.svg", headers=other).status_code == 404
    assert client.get("/api/tags/RC000000000018/label.svg", headers=holder).status_code == 404
    malformed = client.get("/api/tags/RC000000000019/label.png", headers=holder)
    assert malformed.status_code == 422 and "code" in malformed.get_json()["errors"]
