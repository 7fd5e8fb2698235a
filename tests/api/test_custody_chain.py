"""The tamper-evident custody chain: append-only in the database, every rewrite detected."""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from api.custody.chain import GENESIS_HASH, append_custody_event, compute_event_hash
from api.custody.ddl import create_append_only_triggers, drop_append_only_triggers
from api.custody.models import CustodyChainHead, CustodyEvent
from api.db import session_scope
from tests.api.collector_helpers import admin_headers, arrive, claimed_job, weigh
from tests.api.helpers import statements
from tests.custody.helpers import completed_pickup, deliver, regulator

SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def app_config(app_config):
    """A fixed checkpoint signing key."""
    return {**app_config, "CUSTODY_SIGNING_KEY": SIGNING_KEY}


@contextmanager
def superuser(app):
    """What a database superuser can do: switch the append-only triggers off for a while."""
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for table in ("custody_events", "manifest_lines"):
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            drop_append_only_triggers(conn)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                for table in ("custody_events", "manifest_lines"):
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            else:
                create_append_only_triggers(conn)


def _chain(client) -> dict:
    response = client.get("/api/custody/verification", headers=regulator(client))
    assert response.status_code == 200
    return response.get_json()


def _verification(client, manifest_id) -> dict:
    response = client.get(
        f"/api/manifests/{manifest_id}/verification", headers=admin_headers(client)
    )
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def moved(city, client, login):
    """A pickup and its delivery: two manifests and their links in the chain."""
    pickup = completed_pickup(client, login)
    station, dropoff_id = deliver(client, pickup)
    client.application.extensions["test_station_headers"] = station
    return pickup.manifest_id, dropoff_id


def _seqs(client, manifest_id) -> list[int]:
    return _verification(client, manifest_id)["checked_seqs"]


def test_an_untouched_chain_verifies(moved, client):
    """Every link recomputes; each manifest's own links and content check out."""
    chain = _chain(client)
    assert chain["ok"] is True and chain["head_seq"] >= 4 and chain["first_bad_seq"] is None
    for manifest_id in moved:
        result = _verification(client, manifest_id)
        assert result["status"] == "ok" and result["checked_seqs"], result


def test_the_database_refuses_update_and_delete(moved, client):
    """Plain UPDATE and DELETE of custody rows fail in the database itself, on both engines."""
    engine = client.application.extensions["db_engine"]
    for statement in (
        "UPDATE custody_events SET kind = 'edited' WHERE seq = 1",
        "DELETE FROM custody_events WHERE seq = 1",
        "UPDATE manifest_lines SET receiver_grams = 1",
        "DELETE FROM manifest_lines",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert _chain(client)["ok"] is True


def test_an_edited_row_is_caught_at_its_seq(moved, client):
    """A superuser edits one event's payload: verification names exactly that seq."""
    seq = _seqs(client, moved[0])[0]
    with superuser(client.application) as conn:
        conn.execute(
            text("UPDATE custody_events SET kind = 'manifest_forged' WHERE seq = :seq"),
            {"seq": seq},
        )
    assert _chain(client)["first_bad_seq"] == seq
    result = _verification(client, moved[0])
    assert result["status"] == "broken" and result["first_bad_seq"] == seq


def test_a_deleted_row_is_caught(moved, client):
    """Deleting a link leaves a gap that the chain and the neighbouring manifest report."""
    seq = _seqs(client, moved[1])[0]
    with superuser(client.application) as conn:
        conn.execute(text("DELETE FROM custody_events WHERE seq = :seq"), {"seq": seq - 1})
    chain = _chain(client)
    assert chain["ok"] is False and chain["first_bad_seq"] == seq - 1
    result = _verification(client, moved[1])
    assert result["status"] == "broken" and result["first_bad_seq"] == seq - 1


def test_swapped_rows_are_caught(moved, client):
    """Swapping two links' order breaks the hash of the first one moved."""
    first, second = _seqs(client, moved[0])[:2]
    with superuser(client.application) as conn:
        conn.execute(text("UPDATE custody_events SET seq = -1 WHERE seq = :a"), {"a": first})
        conn.execute(
            text("UPDATE custody_events SET seq = :a WHERE seq = :b"), {"a": first, "b": second}
        )
        conn.execute(text("UPDATE custody_events SET seq = :b WHERE seq = -1"), {"b": second})
    assert _chain(client)["first_bad_seq"] == first
    assert _verification(client, moved[0])["status"] == "broken"


def test_edited_manifest_content_is_caught_and_cannot_be_signed(moved, client):
    """A superuser edits a weight: verification reports it and confirmations are refused."""
    with superuser(client.application) as conn:
        conn.execute(
            text("UPDATE manifest_lines SET receiver_grams = 1 WHERE manifest_id = :m"),
            {"m": moved[1]},
        )
    result = _verification(client, moved[1])
    assert result["status"] == "broken" and "content" in result["problem"]
    station = client.application.extensions["test_station_headers"]
    manifest = client.get(f"/api/manifests/{moved[1]}", headers=station).get_json()
    response = client.post(
        f"/api/manifests/{moved[1]}/confirmations",
        json={"content_hash": manifest["content_hash"]},
        headers=station,
    )
    assert response.status_code == 409 and response.get_json()["code"] == "manifest_tampered"


def _rewrite_without(app, dropped: set[int]) -> None:
    """The superuser's cover-up: drop links, renumber and recompute every hash and the head."""
    with superuser(app) as conn:
        rows = conn.execute(select(CustodyEvent.__table__).order_by(CustodyEvent.seq)).all()
        conn.execute(text("DELETE FROM custody_events"))
        prev = GENESIS_HASH
        kept = [row._asdict() for row in rows if row.seq not in dropped]
        for seq, row in enumerate(kept, start=1):
            event = CustodyEvent(**{**row, "seq": seq, "prev_hash": prev})
            event.event_hash = compute_event_hash(prev, event)
            conn.execute(
                CustodyEvent.__table__.insert(),
                {**row, "seq": seq, "prev_hash": prev, "event_hash": event.event_hash},
            )
            prev = event.event_hash
        conn.execute(CustodyChainHead.__table__.update().values(seq=len(kept), head_hash=prev))


def _kept_checkpoints(client, tmp_path) -> str:
    runner = client.application.test_cli_runner()
    signed = runner.invoke(args=["custody", "checkpoint"])
    assert signed.exit_code == 0, signed.output
    exported = client.get("/api/custody/checkpoints", headers=regulator(client)).get_json()
    assert exported and exported[-1]["seq"] == json.loads(signed.output)["seq"]
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(exported))
    return str(path)


def test_a_rewrite_with_recomputed_hashes_is_caught_by_a_kept_checkpoint(moved, client, tmp_path):
    """Drop a middle link and recompute everything: the chain looks whole, the checkpoint not."""
    kept = _kept_checkpoints(client, tmp_path)
    _rewrite_without(client.application, {2})
    assert _chain(client)["ok"] is True  # internally consistent after the cover-up
    runner = client.application.test_cli_runner()
    result = runner.invoke(args=["custody", "verify", "--checkpoints", kept])
    assert result.exit_code == 1
    assert "BROKEN" in result.output and "gone" in result.output


def test_a_truncation_is_caught_by_a_kept_checkpoint(moved, client, tmp_path):
    """Cut the tail and fix the head row: only the kept checkpoint shows the loss."""
    kept = _kept_checkpoints(client, tmp_path)
    head = _chain(client)["head_seq"]
    _rewrite_without(client.application, {head, head - 1})
    assert _chain(client)["ok"] is True
    result = client.application.test_cli_runner().invoke(
        args=["custody", "verify", "--checkpoints", kept]
    )
    assert result.exit_code == 1 and f"seq {head} is gone" in result.output


def test_verify_cli_passes_on_an_intact_chain_and_fails_on_a_forged_checkpoint(
    moved, client, tmp_path
):
    """The CLI says ok with genuine checkpoints and rejects one whose head was altered."""
    kept = _kept_checkpoints(client, tmp_path)
    runner = client.application.test_cli_runner()
    ok = runner.invoke(args=["custody", "verify", "--checkpoints", kept])
    assert ok.exit_code == 0 and ok.output.strip().endswith("ok"), ok.output
    documents = json.loads(Path(kept).read_text())
    documents[-1]["head_hash"] = "f" * 64
    Path(kept).write_text(json.dumps(documents))
    forged = runner.invoke(args=["custody", "verify", "--checkpoints", kept])
    assert forged.exit_code == 1 and "signature does not match" in forged.output


@pytest.mark.postgres
def test_concurrent_appends_make_one_gapless_chain(city, client):
    """Eight writers appending at once: seqs 1..N with no gap and every link verified."""
    app = client.application
    errors = []

    def writer(index: int) -> None:
        try:
            for _ in range(5):
                with session_scope(app) as session:
                    append_custody_event(
                        session,
                        kind="test_event",
                        entity_type="test",
                        entity_id=index,
                        actor_user_id=None,
                        payload={"writer": index},
                    )
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = _chain(client)
    assert chain["ok"] is True and chain["head_seq"] == 40 and chain["checked"] == 40


def test_the_migration_helper_is_idempotent_and_effective(moved, client):
    """``create_append_only_triggers`` (what the Alembic migration runs) can run twice."""
    engine = client.application.extensions["db_engine"]
    for _ in range(2):
        with engine.begin() as conn:
            create_append_only_triggers(conn)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM custody_events"))


def test_the_chain_head_is_locked_only_at_the_end_of_a_request(city, client, login):
    """Every custody write in the city shares the chain-head row: inside a request the links
    are appended after the work and the stored idempotent answer, right before the commit."""
    job = claimed_job(client, login)
    arrive(client, job)
    if weigh(client, job)["status"] == "pending_acceptance":
        decision = {"decision": "accept"}
        path = f"/api/bookings/{job.booking_id}/weighing-decision"
        assert client.post(path, json=decision, headers=job.resident).status_code == 200
    keyed = {**job.collector, "Idempotency-Key": "complete-once"}
    with statements(city) as sent:
        done = client.post(f"/api/jobs/{job.booking_id}/completion", headers=keyed)
    assert done.status_code == 200, done.get_json()
    seen = [" ".join(statement.split()).upper() for statement in sent]
    head = min(i for i, statement in enumerate(seen) if "CUSTODY_CHAIN_HEADS" in statement)
    stored = max(i for i, s in enumerate(seen) if s.startswith("INSERT INTO IDEMPOTENCY_RECORDS"))
    assert stored < head
    tail = seen[head:]
    assert all("CUSTODY_CHAIN_HEADS" in s or "INTO CUSTODY_EVENTS" in s for s in tail), tail
    assert sum("INTO CUSTODY_EVENTS" in s for s in tail) >= 2  # manifest created + hand-over
    assert _chain(client)["ok"] is True
