"""Signed checkpoints of the custody chain: what a regulator keeps outside our database.

A checkpoint says "on DATE the chain had COUNT links and link SEQ had hash HEAD_HASH", signed
with Ed25519 (``CUSTODY_SIGNING_KEY``: base64 of the raw 32-byte private key). Someone who
kept checkpoints detects any later rewrite of the log, even one by a database superuser that
recomputes every hash: the link at SEQ no longer has HEAD_HASH, or is gone (truncation).

The signed message is the canonical JSON of
``{"date": "YYYY-MM-DD", "event_count": N, "head_hash": "<hex>", "seq": N}``.
"""

from __future__ import annotations

import base64
import logging
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.custody.chain import canonical_json, verify_chain
from api.custody.models import CustodyCheckpoint, CustodyEvent
from api.db import utcnow
from api.errors import ConflictError
from api.timeutil import local_today

log = logging.getLogger(__name__)
ALGORITHM = "Ed25519"


def load_signing_key(app: Flask) -> Ed25519PrivateKey:
    """The configured key; in development an ephemeral one (with a warning), never in production."""
    cached = app.extensions.get("custody_signing_key")
    if cached is not None:
        return cached
    raw = app.config.get("CUSTODY_SIGNING_KEY") or ""
    if raw:
        try:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw, validate=True))
        except ValueError as error:
            raise RuntimeError("CUSTODY_SIGNING_KEY must be base64 of 32 raw bytes") from error
    elif app.config.get("ENV_NAME") == "production":
        raise RuntimeError("CUSTODY_SIGNING_KEY is required in production")
    else:
        log.warning("CUSTODY_SIGNING_KEY not set: signing checkpoints with an ephemeral dev key")
        key = Ed25519PrivateKey.generate()
    app.extensions["custody_signing_key"] = key
    return key


def public_key_b64(key: Ed25519PrivateKey) -> str:
    """Base64 of the raw 32-byte public key."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def checkpoint_message(*, day: str, seq: int, head_hash: str, event_count: int) -> bytes:
    """The exact bytes signed."""
    body = {"date": day, "event_count": event_count, "head_hash": head_hash, "seq": seq}
    return canonical_json(body).encode()


def sign_checkpoint(session: Session, *, app: Flask, day: date | None = None) -> CustodyCheckpoint:
    """Verify the whole chain, then sign its head (once per head: idempotent)."""
    result = verify_chain(session)
    if not result.ok:
        log.error("custody chain broken at seq %s: %s", result.first_bad_seq, result.problem)
        raise ConflictError(
            f"the custody chain is broken at seq {result.first_bad_seq}; not signing",
            code="custody_chain_broken",
        )
    existing = session.scalar(
        select(CustodyCheckpoint).where(CustodyCheckpoint.seq == result.head_seq)
    )
    if existing is not None:
        return existing
    key = load_signing_key(app)
    day = day or local_today()
    message = checkpoint_message(
        day=day.isoformat(),
        seq=result.head_seq,
        head_hash=result.head_hash,
        event_count=result.checked,
    )
    checkpoint = CustodyCheckpoint(
        checkpoint_date=day,
        seq=result.head_seq,
        head_hash=result.head_hash,
        event_count=result.checked,
        signed_at=utcnow(),
        public_key=public_key_b64(key),
        signature=base64.b64encode(key.sign(message)).decode(),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def checkpoint_document(checkpoint: CustodyCheckpoint) -> dict:
    """The exportable form: everything needed to check the signature offline."""
    return {
        "date": checkpoint.checkpoint_date.isoformat(),
        "seq": checkpoint.seq,
        "event_count": checkpoint.event_count,
        "head_hash": checkpoint.head_hash,
        "signed_at": checkpoint.signed_at.isoformat().replace("+00:00", "Z"),
        "algorithm": ALGORITHM,
        "public_key": checkpoint.public_key,
        "signature": checkpoint.signature,
    }


def list_checkpoints(session: Session) -> list[CustodyCheckpoint]:
    """All checkpoints, oldest first."""
    return list(session.scalars(select(CustodyCheckpoint).order_by(CustodyCheckpoint.seq)))


def signature_problem(document: dict, *, trusted_public_key: str | None = None) -> str | None:
    """Why a checkpoint document's signature does not hold, or None."""
    try:
        public_key = document["public_key"]
        if trusted_public_key and public_key != trusted_public_key:
            return "signed by a key other than the trusted one"
        verifier = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        message = checkpoint_message(
            day=document["date"],
            seq=int(document["seq"]),
            head_hash=document["head_hash"],
            event_count=int(document["event_count"]),
        )
        verifier.verify(base64.b64decode(document["signature"]), message)
    except (KeyError, TypeError, ValueError):
        return "not a checkpoint document"
    except InvalidSignature:
        return "the signature does not match"
    return None


def verify_against_checkpoints(
    session: Session, documents: list[dict], *, trusted_public_key: str | None = None
) -> list[str]:
    """Problems found checking the stored chain against kept checkpoints (empty: all hold)."""
    problems = []
    for index, document in enumerate(documents):
        problem = signature_problem(document, trusted_public_key=trusted_public_key)
        if problem:
            problems.append(f"checkpoint {index}: {problem}")
            continue
        event = session.get(CustodyEvent, int(document["seq"]))
        if event is None:
            problems.append(f"checkpoint {index}: seq {document['seq']} is gone (truncated?)")
        elif event.event_hash != document["head_hash"]:
            problems.append(
                f"checkpoint {index}: seq {document['seq']} has another hash (log rewritten)"
            )
    return problems
