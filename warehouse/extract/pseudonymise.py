"""Keyed pseudonyms computed inside DuckDB, identical to ``api.privacy.keyed_hash``.

``HMAC-SHA256(key, "<namespace>:<id>")`` is built from DuckDB's ``sha256`` so millions of ids
are hashed vectorised, each distinct id once per run: ``PSEUDONYM_CACHE`` (a TEMP table of
the loading connection) remembers what was hashed, so a resident's id met in users, quotes,
bookings and addresses is hashed once. The key lives only in a TEMP macro, and the id to
pseudonym pairs only in that TEMP table: DuckDB writes neither to the database file.
"""

from __future__ import annotations

import hashlib

import duckdb

from api.privacy import keyed_hash

HMAC_MACRO = "wh_pseudonym"
PSEUDONYM_CACHE = "_wh_pseudonyms"
_BLOCK = 64  # SHA-256 block size in bytes


def pseudonym(hmac_key: str, namespace: str, value: object) -> str:
    """The pseudonym the warehouse stores for ``value`` (e.g. a user id) in ``namespace``."""
    return keyed_hash(hmac_key, f"{namespace}:{value}")


def key_fingerprint(hmac_key: str) -> str:
    """A short, non-reversible fingerprint of the key: a changed key forces a full reload."""
    return keyed_hash(hmac_key, "warehouse-key-fingerprint")[:16]


def install_pseudonym_macro(con: duckdb.DuckDBPyConnection, hmac_key: str) -> None:
    """Define ``wh_pseudonym(namespace, value)`` on ``con`` as a temporary macro, and the
    run's empty cache ``_wh_pseudonyms(namespace, id, pseudonym)`` as a temporary table."""
    if not hmac_key:
        raise ValueError("WAREHOUSE_HMAC_KEY is empty")
    key = hmac_key.encode()
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    con.execute(
        f"create or replace temp macro {HMAC_MACRO}(ns, v) as "
        f"case when v is null then null else sha256(unhex('{outer}') || "
        f"unhex(sha256(unhex('{inner}') || encode(ns || ':' || cast(v as varchar))))) end"
    )
    con.execute(
        f"create or replace temp table {PSEUDONYM_CACHE} "
        "(namespace varchar, id varchar, pseudonym varchar)"
    )
