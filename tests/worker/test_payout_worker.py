"""Payouts through a real broker and real Celery workers, including one killed mid-payout.

Runs in the service-backed suite (``TEST_CELERY_BROKER_URL`` set, PostgreSQL test database):
a worker started by CI consumes the default queue; the SIGKILL test starts its own workers
on a private queue so it can kill one while the provider is answering.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.db import session_scope
from api.ledger.models import LedgerTransaction, Payout
from api.payouts.models import FakePayoutTransfer
from tests.api.money_helpers import ledger_total, paid_pickup, unbalanced_transactions

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT_S = 5
PROVIDER_DELAY_S = 15


@pytest.fixture
def broker_app_config(app_config):
    """The app sends tasks to the real broker instead of running them in-process."""
    app_config["CELERY_BROKER_URL"] = os.environ["TEST_CELERY_BROKER_URL"]
    return app_config


def _wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def _payout_facts(app, payout_id: int) -> dict:
    with session_scope(app) as session:
        payout = session.get(Payout, payout_id)
        transfers = session.scalars(
            select(FakePayoutTransfer).where(FakePayoutTransfer.idempotency_key == str(payout_id))
        ).all()
        return {
            "status": payout.status,
            "attempts": payout.attempts,
            "transfers": len(transfers),
            "requests": sum(t.request_count for t in transfers),
            "paid_postings": session.scalar(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(
                    LedgerTransaction.kind == "payout_paid",
                    LedgerTransaction.reference == f"payout:{payout_id}",
                )
            ),
            "balanced": ledger_total(session) == 0 and unbalanced_transactions(session) == [],
        }


@pytest.mark.worker
def test_payout_is_paid_by_a_real_worker(broker_app_config, city, client, login):
    """POST /api/payouts enqueues to the broker after commit; the worker pays it within 30 s."""
    pickup = paid_pickup(client, login)
    created = client.post("/api/payouts", json={"amount_cents": 900}, headers=pickup.resident)
    assert created.status_code == 201, created.get_json()
    payout_id = created.get_json()["payout_id"]
    _wait_for(lambda: _payout_facts(city, payout_id)["status"] == "paid", 30, "the worker to pay")
    facts = _payout_facts(city, payout_id)
    assert (facts["transfers"], facts["paid_postings"], facts["balanced"]) == (1, 1, True)


class Worker:
    """A Celery worker subprocess on a private queue, in its own process group."""

    def __init__(self, app, queue: str, log_path: Path, **env) -> None:
        self.log_path = log_path
        environment = {
            **os.environ,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "CELERY_BROKER_URL": os.environ["TEST_CELERY_BROKER_URL"],
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
            **env,
        }
        command = [
            str(ROOT / ".venv/bin/celery"), "-A", "api.worker", "worker", "--concurrency=1",
            "-Q", queue, "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ]  # fmt: skip
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        _wait_for(lambda: "ready" in log_path.read_text(), 60, f"worker on {queue}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal this worker's own process group (its main process and its child)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def workers(request, tmp_path):
    """Start workers with ``workers(app, queue, **env)``; each is stopped after the test."""
    started: list[Worker] = []

    def start(app, queue: str, **env) -> Worker:
        worker = Worker(app, queue, tmp_path / f"worker-{len(started)}.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill(signal.SIGTERM)


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.slow
def test_worker_killed_mid_payout_pays_exactly_once(
    broker_app_config, city, client, login, workers
):
    """SIGKILL while the provider answers (it has already paid); after the visibility timeout a
    fresh worker gets the message again, the provider returns its first answer, and the payout
    ends paid with one transfer and one posting."""
    queue = f"payouts-kill-{uuid.uuid4().hex[:8]}"
    city.extensions["celery"].conf.task_routes = {"payouts.send_payout": {"queue": queue}}
    slow = workers(city, queue, FAKE_PAYOUT_DELAY_S=str(PROVIDER_DELAY_S))
    pickup = paid_pickup(client, login)
    created = client.post("/api/payouts", json={"amount_cents": 1100}, headers=pickup.resident)
    assert created.status_code == 201, created.get_json()
    payout_id = created.get_json()["payout_id"]
    _wait_for(lambda: _payout_facts(city, payout_id)["transfers"], 30, "the provider's record")
    slow.kill(signal.SIGKILL)
    killed_at = time.monotonic()
    crashed = _payout_facts(city, payout_id)
    assert (crashed["status"], crashed["transfers"], crashed["paid_postings"]) == ("sending", 1, 0)
    # the broker hands the unacknowledged message out again once the visibility timeout passed
    time.sleep(max(0.0, VISIBILITY_TIMEOUT_S + 1 - (time.monotonic() - killed_at)))
    workers(city, queue)
    _wait_for(
        lambda: _payout_facts(city, payout_id)["status"] == "paid", 60, "the fresh worker to pay"
    )
    assert _payout_facts(city, payout_id) == {
        "status": "paid",
        "attempts": 2,
        "transfers": 1,
        "requests": 2,
        "paid_postings": 1,
        "balanced": True,
    }
    wallet = client.get("/api/wallets/me", headers=pickup.resident).get_json()
    assert wallet["balance_cents"] == wallet["available_cents"] == 1360 - 1100
