"""Tasks are sent after commit, dropped on rollback, and survive a rolled-back savepoint;
query strings are checked against the endpoint's query schema."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from api.extensions import enqueue_after_commit
from api.timeutil import local_today


class RecordingTask:
    """Stands in for a Celery task: remembers what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []

    def apply_async(self, args=(), kwargs=None):
        self.sent.append(tuple(args))


def _session() -> Session:
    session = Session(create_engine("sqlite://"))
    session.execute(text("select 1"))
    return session


def test_sent_only_after_commit():
    """Nothing is sent before the commit; the task goes once it commits."""
    task, session = RecordingTask(), _session()
    enqueue_after_commit(session, task, 7)
    assert task.sent == []
    session.commit()
    assert task.sent == [(7,)]


def test_dropped_when_the_transaction_rolls_back():
    """A rolled-back request sends nothing."""
    task, session = RecordingTask(), _session()
    enqueue_after_commit(session, task, 7)
    session.rollback()
    session.commit()
    assert task.sent == []


def test_a_failed_savepoint_keeps_the_outer_transactions_tasks():
    """A nested step that fails and rolls back its savepoint does not lose earlier tasks."""
    task, session = RecordingTask(), _session()
    enqueue_after_commit(session, task, 7)
    try:
        with session.begin_nested():
            raise ValueError("a nested step failed")
    except ValueError:
        pass
    session.commit()
    assert task.sent == [(7,)]


def test_unknown_query_parameters_are_422_naming_them(city, client, login):
    """A misspelt filter is refused by name instead of silently returning everything."""
    headers = login("+8613811113001")
    response = client.get("/api/bookings?stauts=cancelled", headers=headers)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error" and list(body["errors"]) == ["stauts"]


def test_known_and_pagination_parameters_still_pass(city, client, login):
    """A paginated list takes its filters and page/page_size; only strangers are refused."""
    headers = login("+8613811113002")
    ok = client.get("/api/bookings?status=scheduled&page=1&page_size=5", headers=headers)
    assert ok.status_code == 200
    mixed = client.get("/api/bookings?page=1&colour=red", headers=headers)
    assert mixed.status_code == 422 and list(mixed.get_json()["errors"]) == ["colour"]


def test_pagination_names_are_unknown_where_there_is_no_pagination(city, client, login):
    """``page`` means nothing to an unpaginated endpoint's query schema: 422 there too."""
    headers = login("+8613811113003")
    day = local_today().isoformat()
    assert client.get(f"/api/slots?zone=xuhui-s&date={day}", headers=headers).status_code == 200
    paged = client.get(f"/api/slots?zone=xuhui-s&date={day}&page=2", headers=headers)
    assert paged.status_code == 422 and list(paged.get_json()["errors"]) == ["page"]


def test_an_endpoint_without_query_parameters_refuses_a_query_string(city, client, login):
    """Endpoints that take no query parameters name each one sent (they were ignored); pages
    outside the API (docs, health) still take whatever a browser appends."""
    headers = login("+8613811113005")
    assert client.get("/api/payouts/1", headers=headers).status_code == 404
    response = client.get("/api/payouts/1?expand=all&page=2", headers=headers)
    assert response.status_code == 422
    assert sorted(response.get_json()["errors"]) == ["expand", "page"]
    sent = client.post("/api/payouts?dry_run=1", json={"amount_cents": 100}, headers=headers)
    assert sent.status_code == 422 and list(sent.get_json()["errors"]) == ["dry_run"]
    assert client.get("/api/health?probe=1").status_code == 200
    assert client.get("/api/openapi.json?v=2").status_code == 200


def test_a_nul_in_a_query_parameter_is_422_naming_it(city, client, login):
    """Query text PostgreSQL cannot store is refused before any query runs (was a 500 there)."""
    headers = login("+8613811113004")
    day = local_today().isoformat()
    response = client.get(f"/api/slots?zone=xuhui%00s&date={day}", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"zone": ["must not contain NUL characters"]}
