"""Signed checkpoints: daily, idempotent, exportable, verifiable offline with the public key."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.custody.checkpoints import signature_problem
from api.custody.tasks import sign_checkpoint
from tests.api.collector_helpers import admin_headers
from tests.custody.helpers import completed_pickup, regulator

RAW_KEY = bytes(range(1, 33))


@pytest.fixture
def app_config(app_config):
    """A fixed Ed25519 key from configuration."""
    return {**app_config, "CUSTODY_SIGNING_KEY": base64.b64encode(RAW_KEY).decode()}


def _public_key() -> str:
    key = Ed25519PrivateKey.from_private_bytes(RAW_KEY).public_key()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def test_the_daily_task_signs_the_head_once(city, client, login):
    """The task signs the current head; running it again without new events adds nothing."""
    completed_pickup(client, login)
    app = client.application
    with app.app_context():
        first = sign_checkpoint.run()
        assert sign_checkpoint.run() == first
    documents = client.get("/api/custody/checkpoints", headers=regulator(client)).get_json()
    assert [d["seq"] for d in documents] == [first]
    [document] = documents
    assert document["public_key"] == _public_key() and document["algorithm"] == "Ed25519"
    assert signature_problem(document, trusted_public_key=_public_key()) is None
    chain = client.get("/api/custody/verification", headers=admin_headers(client)).get_json()
    assert document["head_hash"] == chain["head_hash"] and document["event_count"] == first


def test_an_altered_or_foreign_checkpoint_fails_its_signature(city, client, login):
    """Changing any signed field, or a key other than the trusted one, is detected."""
    completed_pickup(client, login)
    with client.application.app_context():
        sign_checkpoint.run()
    [document] = client.get("/api/custody/checkpoints", headers=regulator(client)).get_json()
    for field, value in (("seq", document["seq"] - 1), ("date", "2000-01-01")):
        assert signature_problem({**document, field: value}) == "the signature does not match"
    other = base64.b64encode(b"\x01" * 32).decode()
    assert signature_problem(document, trusted_public_key=other) is not None
    assert signature_problem({"seq": 1}) == "not a checkpoint document"


def test_checkpoints_are_for_regulators_and_admins(city, client, login):
    """Residents and collectors may not read the checkpoint export."""
    pickup = completed_pickup(client, login)
    for headers in (pickup.job.resident, pickup.job.collector):
        assert client.get("/api/custody/checkpoints", headers=headers).status_code == 403


def test_a_dev_app_without_a_key_signs_with_an_ephemeral_one(city, client, login, caplog):
    """No key configured outside production: a warning and an ephemeral key, still verifiable."""
    client.application.config["CUSTODY_SIGNING_KEY"] = ""
    completed_pickup(client, login)
    with client.application.app_context():
        sign_checkpoint.run()
    assert "ephemeral" in caplog.text
    [document] = client.get("/api/custody/checkpoints", headers=regulator(client)).get_json()
    assert document["public_key"] != _public_key() and signature_problem(document) is None
