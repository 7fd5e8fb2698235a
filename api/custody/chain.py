"""The tamper-evident custody log: one hash chain of append-only events.

``event_hash = SHA-256(prev_hash + canonical_json(event))`` where the event is its seq, kind,
entity, actor, time and payload. The first link's ``prev_hash`` is 64 zeros. Appends take a
row lock on the single chain-head row (PostgreSQL ``FOR UPDATE``; SQLite serialises writers),
so seqs have no gaps and each link names the one before it. That row is every custody
write's in the whole city, so inside a request the append is the transaction's last step
(``api.db.last_step``): the lock is held from there to the commit, not while the rest of the
request runs and its answer is built. The database itself refuses
UPDATE and DELETE of ``custody_events`` (see ``api.custody.ddl``); what a superuser could still
rewrite is caught by recomputation and, for a rewrite that recomputes every hash, by signed
checkpoints kept outside the database (``api.custody.checkpoints``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.custody.models import CustodyChainHead, CustodyEvent
from api.db import last_step, utcnow

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1
BATCH = 5000


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the one byte form that is hashed and signed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_body(event: CustodyEvent) -> dict:
    """What an event's hash covers, besides the previous hash."""
    return {
        "seq": event.seq,
        "kind": event.kind,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "actor_user_id": event.actor_user_id,
        "occurred_at": _iso(event.occurred_at),
        "payload": event.payload,
    }


def compute_event_hash(prev_hash: str, event: CustodyEvent) -> str:
    """The hash an event must carry given the hash before it."""
    return sha256_hex(prev_hash + canonical_json(event_body(event)))


def _lock_head(session: Session) -> CustodyChainHead:
    stmt = (
        select(CustodyChainHead)
        .where(CustodyChainHead.chain_head_id == CHAIN_HEAD_ID)
        .with_for_update()
        # Sessions keep objects across commits (expire_on_commit=False): always re-read.
        .execution_options(populate_existing=True)
    )
    head = session.scalar(stmt)
    if head is None:
        # First append ever: a concurrent creator waits on the key, then both lock the one row.
        try:
            with session.begin_nested():
                session.add(
                    CustodyChainHead(chain_head_id=CHAIN_HEAD_ID, seq=0, head_hash=GENESIS_HASH)
                )
        except IntegrityError:
            pass
        head = session.scalar(stmt)
    return head


def append_custody_event(
    session: Session,
    *,
    kind: str,
    entity_type: str,
    entity_id: int | str,
    actor_user_id: int | None,
    payload: dict,
) -> None:
    """Append one link to the chain in the caller's transaction: at once outside a request,
    as its last step inside one (see the module). The payload is taken as it is now."""
    # Round-trip the payload through JSON now so the hash covers exactly what is stored.
    stored_payload = json.loads(canonical_json(payload))
    link = {
        "kind": kind,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "actor_user_id": actor_user_id,
        "payload": stored_payload,
    }
    last_step(session, lambda: _append(session, link))


def _append(session: Session, link: dict) -> CustodyEvent:
    head = _lock_head(session)
    # stamped under the lock, so times never run backwards along the chain
    event = CustodyEvent(seq=head.seq + 1, prev_hash=head.head_hash, occurred_at=utcnow(), **link)
    event.event_hash = compute_event_hash(head.head_hash, event)
    session.add(event)
    head.seq = event.seq
    head.head_hash = event.event_hash
    session.flush()
    return event


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of checking links: ``first_bad_seq`` is None when all is well."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None


def check_links(events: Iterable[CustodyEvent], *, start_prev: str | None = None):
    """Walk events in seq order; the first problem found, or None, and the last event.

    Catches an edited row (its hash no longer matches), a deleted row (a gap in seq), swapped
    rows (a link no longer names its predecessor).
    """
    prev_hash, prev_seq, last = start_prev, None, None
    for event in events:
        if prev_seq is not None and event.seq != prev_seq + 1:
            return (prev_seq + 1, f"seq {prev_seq + 1} is missing"), last
        if prev_hash is not None and event.prev_hash != prev_hash:
            return (event.seq, "prev_hash does not name the previous link"), last
        if compute_event_hash(event.prev_hash, event) != event.event_hash:
            return (event.seq, "event_hash does not match the event's content"), last
        prev_hash, prev_seq, last = event.event_hash, event.seq, event
    return None, last


def iter_chain(session: Session, *, from_seq: int = 1, to_seq: int | None = None):
    """Events in seq order, read in batches so a long chain does not sit in memory."""
    next_seq = from_seq
    while True:
        stmt = select(CustodyEvent).where(CustodyEvent.seq >= next_seq)
        if to_seq is not None:
            stmt = stmt.where(CustodyEvent.seq <= to_seq)
        batch = list(session.scalars(stmt.order_by(CustodyEvent.seq).limit(BATCH)))
        yield from batch
        if len(batch) < BATCH:
            return
        next_seq = batch[-1].seq + 1
        session.expunge_all()


def verify_chain(session: Session) -> ChainVerification:
    """Recompute every link from the genesis; also checks the head row agrees with the log."""
    checked = 0

    def counted():
        nonlocal checked
        for event in iter_chain(session):
            checked += 1
            yield event

    first = session.scalar(select(CustodyEvent).order_by(CustodyEvent.seq).limit(1))
    if first is not None and (first.seq != 1 or first.prev_hash != GENESIS_HASH):
        return ChainVerification(False, 0, 0, GENESIS_HASH, 1, "the chain does not start at 1")
    problem, last = check_links(counted(), start_prev=GENESIS_HASH)
    head_seq = last.seq if last else 0
    head_hash = last.event_hash if last else GENESIS_HASH
    if problem:
        return ChainVerification(False, checked, head_seq, head_hash, *problem)
    head = session.get(CustodyChainHead, CHAIN_HEAD_ID)
    if head is not None and (head.seq, head.head_hash) != (head_seq, head_hash):
        return ChainVerification(
            False, checked, head_seq, head_hash, head_seq + 1, "the log ends before its head"
        )
    return ChainVerification(True, checked, head_seq, head_hash)


def events_for_entity(session: Session, *, entity_type: str, entity_id: int | str):
    """The chain events about one entity, in order."""
    stmt = (
        select(CustodyEvent)
        .where(CustodyEvent.entity_type == entity_type, CustodyEvent.entity_id == str(entity_id))
        .order_by(CustodyEvent.seq)
    )
    return list(session.scalars(stmt))


def verify_event(session: Session, event: CustodyEvent) -> tuple[int, str] | None:
    """Check one link and its neighbours: ``(bad seq, why)``, or None when sound."""
    if compute_event_hash(event.prev_hash, event) != event.event_hash:
        return event.seq, "event_hash does not match the event's content"
    if event.seq == 1:
        if event.prev_hash != GENESIS_HASH:
            return event.seq, "the first link must start at the genesis hash"
    else:
        before = session.get(CustodyEvent, event.seq - 1)
        if before is None:
            return event.seq - 1, f"seq {event.seq - 1} is missing"
        if compute_event_hash(before.prev_hash, before) != before.event_hash:
            return before.seq, "event_hash does not match the event's content"
        if before.event_hash != event.prev_hash:
            return event.seq, "prev_hash does not name the previous link"
    after = session.get(CustodyEvent, event.seq + 1)
    if after is not None and after.prev_hash != event.event_hash:
        return after.seq, "the next link does not name this one"
    head = session.get(CustodyChainHead, CHAIN_HEAD_ID)
    if after is None and head is not None and head.seq > event.seq:
        return event.seq + 1, f"seq {event.seq + 1} is missing"
    return None
