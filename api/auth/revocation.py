"""Is this access token's session signed out? Checked on every request, so cached.

The database is the truth (``token_families.revoked_at``). Each process remembers the
families it has seen *unrevoked* (for ``TOKEN_FAMILY_TRUST_SECONDS``, default 600, then it
reads the row again) and, at most every ``TOKEN_REVOCATION_CACHE_SECONDS`` (default 2; 0 turns
the cache off), asks the database which families were revoked lately: one indexed query per
process per interval, however many requests and users there are (a per-family cache alone
would miss for almost every request of a phone that calls every few seconds). So a
revocation committed by any process stops its tokens everywhere within that interval; one
committed through the ORM in this process applies at once (after commit: a rolled-back
sign-out changes nothing). Revoked families are never cached.

The poll looks back ``REVOCATION_LOOKBACK`` before the previous poll started, which covers
clocks of API hosts that differ by less than that and sign-outs whose transaction commits
that long after it stamped ``revoked_at``.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from flask import current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from api.auth.models import TokenFamily
from api.db import utcnow

_PENDING_KEY = "revoked_token_families"
REVOCATION_LOOKBACK = timedelta(seconds=60)


class FamilyCache:
    """Family ids seen unrevoked, each with the monotonic time it may be trusted until, and
    when the database was last asked for recent revocations."""

    def __init__(self, poll_seconds: float, trust_seconds: float = 600.0) -> None:
        self.poll_seconds = poll_seconds
        self.trust_seconds = trust_seconds
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()
        self._polling = threading.Lock()
        self._polled_at = time.monotonic()
        self._revoked_since = utcnow() - REVOCATION_LOOKBACK

    @property
    def enabled(self) -> bool:
        return self.poll_seconds > 0

    def is_fresh(self, family_id: str) -> bool:
        """Whether ``family_id`` was seen unrevoked and no revocation of it has been read."""
        until = self._until.get(family_id)
        return until is not None and until > time.monotonic()

    def poll_due(self) -> bool:
        """Whether the recent revocations should be read before trusting the cache."""
        return time.monotonic() - self._polled_at >= self.poll_seconds

    def poll(self, session: Session) -> None:
        """Read the families revoked since the last poll (less the look-back) and forget
        them. One thread polls; the others go on with the cache as it is."""
        if not self._polling.acquire(blocking=False):
            return
        try:
            if not self.poll_due():
                return
            started, started_at = time.monotonic(), utcnow()
            revoked = session.scalars(
                select(TokenFamily.token_family_id).where(
                    TokenFamily.revoked_at >= self._revoked_since
                )
            ).all()
            self.forget(revoked)
            self._polled_at, self._revoked_since = started, started_at - REVOCATION_LOOKBACK
        finally:
            self._polling.release()

    def remember(self, family_id: str) -> None:
        """Trust ``family_id`` as unrevoked (no-op when the cache is off)."""
        if not self.enabled:
            return
        now = time.monotonic()
        with self._lock:
            if len(self._until) > 50_000:  # bounded: drop what has expired
                self._until = {k: v for k, v in self._until.items() if v > now}
            self._until[family_id] = now + self.trust_seconds

    def forget(self, family_ids) -> None:
        """Stop trusting these families (they were just revoked)."""
        with self._lock:
            for family_id in family_ids:
                self._until.pop(family_id, None)


def family_cache() -> FamilyCache:
    """The current app's cache (one per app, so tests' apps never share one)."""
    cache = current_app.extensions.get("token_family_cache")
    if cache is None:
        config = current_app.config
        cache = FamilyCache(
            float(config.get("TOKEN_REVOCATION_CACHE_SECONDS", 2)),
            float(config.get("TOKEN_FAMILY_TRUST_SECONDS", 600)),
        )
        cache = current_app.extensions.setdefault("token_family_cache", cache)
    return cache


def is_access_revoked(session: Session, *, family_id: str | None) -> bool:
    """Whether access tokens of ``family_id`` must be refused (no family: refused)."""
    if family_id is None:
        return True
    checked = g.setdefault("unrevoked_families", set())
    if family_id in checked:
        return False
    cache = family_cache()
    if cache.enabled and cache.poll_due():
        cache.poll(session)
    if cache.is_fresh(family_id):
        return False
    row = session.execute(
        select(TokenFamily.revoked_at).where(TokenFamily.token_family_id == family_id)
    ).first()
    if row is None or row.revoked_at is not None:
        return True
    checked.add(family_id)
    cache.remember(family_id)
    return False


@event.listens_for(TokenFamily.revoked_at, "set")
def _note_revocation(target: TokenFamily, value, _old, _initiator) -> None:
    session = object_session(target)
    if value is not None and session is not None:
        session.info.setdefault(_PENDING_KEY, set()).add(target.token_family_id)
    if value is not None and has_app_context():
        # this request may not trust the family any more, committed or not
        g.pop("unrevoked_families", None)


@event.listens_for(Session, "after_commit")
def _forget_revoked(session: Session) -> None:
    revoked = session.info.pop(_PENDING_KEY, None)
    if revoked and has_app_context():
        family_cache().forget(revoked)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING_KEY, None)
