"""Is this access token's session signed out? Checked on every request, so cached briefly.

The database is the truth (``token_families.revoked_at``). Each process remembers a family it
has just seen *unrevoked* for ``TOKEN_REVOCATION_CACHE_SECONDS`` (default 2; 0 turns the cache
off), so a phone's burst of requests costs one lookup instead of one each. Revoked families
are never cached. A revocation committed through the ORM in this process drops the family
from the cache at once (after commit, so a rolled-back sign-out changes nothing); other API
processes (and a request of this one that read the family just before the commit) stop
accepting the token within the cache's lifetime at most.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from api.auth.models import TokenFamily

_PENDING_KEY = "revoked_token_families"


class FamilyCache:
    """Family ids seen unrevoked, each with the monotonic time it may be trusted until."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def is_fresh(self, family_id: str) -> bool:
        """Whether ``family_id`` was seen unrevoked less than ``seconds`` ago."""
        until = self._until.get(family_id)
        return until is not None and until > time.monotonic()

    def remember(self, family_id: str) -> None:
        """Trust ``family_id`` as unrevoked for ``seconds`` (no-op when the cache is off)."""
        if self.seconds <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if len(self._until) > 50_000:  # bounded: drop what has expired
                self._until = {k: v for k, v in self._until.items() if v > now}
            self._until[family_id] = now + self.seconds

    def forget(self, family_ids) -> None:
        """Stop trusting these families (they were just revoked)."""
        with self._lock:
            for family_id in family_ids:
                self._until.pop(family_id, None)


def family_cache() -> FamilyCache:
    """The current app's cache (one per app, so tests' apps never share one)."""
    cache = current_app.extensions.get("token_family_cache")
    if cache is None:
        seconds = float(current_app.config.get("TOKEN_REVOCATION_CACHE_SECONDS", 2))
        cache = current_app.extensions.setdefault("token_family_cache", FamilyCache(seconds))
    return cache


def is_access_revoked(session: Session, *, family_id: str | None) -> bool:
    """Whether access tokens of ``family_id`` must be refused (no family: refused)."""
    if family_id is None:
        return True
    checked = g.setdefault("unrevoked_families", set())
    cache = family_cache()
    if family_id in checked or cache.is_fresh(family_id):
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
