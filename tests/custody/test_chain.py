"""The chain's hash rule: canonical JSON, the previous hash, every field covered."""

from __future__ import annotations

from datetime import UTC, datetime

from api.custody.chain import GENESIS_HASH, canonical_json, compute_event_hash, sha256_hex
from api.custody.models import CustodyEvent


def _event(**overrides) -> CustodyEvent:
    fields = {
        "seq": 1,
        "kind": "manifest_created",
        "entity_type": "manifest",
        "entity_id": "7",
        "actor_user_id": 3,
        "occurred_at": datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        "payload": {"b": 1, "a": [2, 3]},
    }
    return CustodyEvent(**{**fields, **overrides})


def test_canonical_json_is_key_order_independent():
    """The same content in another key order hashes the same."""
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_the_hash_is_sha256_of_prev_plus_the_canonical_event():
    """Documented rule, checked against an independent recomputation."""
    body = (
        '{"actor_user_id":3,"entity_id":"7","entity_type":"manifest","kind":"manifest_created",'
        '"occurred_at":"2025-01-02T03:04:05.000006Z","payload":{"a":[2,3],"b":1},"seq":1}'
    )
    assert compute_event_hash(GENESIS_HASH, _event()) == sha256_hex(GENESIS_HASH + body)


def test_every_field_and_the_previous_hash_change_the_hash():
    """Changing any covered field, or the link, gives another hash."""
    base = compute_event_hash(GENESIS_HASH, _event())
    for change in (
        {"seq": 2},
        {"kind": "x"},
        {"entity_id": "8"},
        {"actor_user_id": None},
        {"payload": {"b": 2, "a": [2, 3]}},
        {"occurred_at": datetime(2025, 1, 2, 3, 4, 5, 7, tzinfo=UTC)},
    ):
        assert compute_event_hash(GENESIS_HASH, _event(**change)) != base, change
    assert compute_event_hash("1" * 64, _event()) != base
