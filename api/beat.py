"""One beat at a time: the Celery beat scheduler sends periodic tasks only under a lease.

``celery -A api.worker beat`` uses :class:`LeasedScheduler` (``beat_scheduler`` in
``api.extensions``). Start a beat on two machines if you like: the one holding the
``celery-beat`` lease (a row in the app's database) sends; the other checks every
``RENEW_EVERY`` seconds and takes over once the holder has stopped renewing for
``LEASE_SECONDS`` (a crash or a lost machine). A clean shutdown gives the lease back at once.
The tasks themselves stay idempotent: a hand-over may repeat a run the old holder made just
before it died, and the new holder's schedule file knows nothing of the old one's runs.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler
from sqlalchemy.exc import SQLAlchemyError

from api.db import session_scope
from api.leases.service import hold_lease, release_lease

log = logging.getLogger(__name__)

LEASE_NAME = "celery-beat"
LEASE_SECONDS = 30.0
RENEW_EVERY = 5.0


class LeasedScheduler(PersistentScheduler):
    """A persistent scheduler that ticks only while it holds the beat lease."""

    def __init__(self, *args, **kwargs) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading = False
        super().__init__(*args, **kwargs)

    def _hold(self) -> bool:
        try:
            with session_scope(self.app.flask_app) as session:
                held = hold_lease(
                    session, name=LEASE_NAME, holder=self.holder, seconds=LEASE_SECONDS
                )
        except SQLAlchemyError:
            # without the database there is no knowing who leads (nor work the tasks could do)
            log.exception("beat lease: database unreachable; not sending")
            held = False
        if held != self.leading:
            state = "holds the lease and sends" if held else "lost the lease; standing by"
            log.warning("beat %s %s", self.holder, state)
        self.leading = held
        return held

    def tick(self, *args, **kwargs) -> float:
        """Send what is due only while leading; never sleep past the next renewal."""
        if not self._hold():
            return RENEW_EVERY
        return min(super().tick(*args, **kwargs), RENEW_EVERY)

    def close(self) -> None:
        if self.leading:
            try:
                with session_scope(self.app.flask_app) as session:
                    release_lease(session, name=LEASE_NAME, holder=self.holder)
            except SQLAlchemyError:
                log.exception("beat lease: not released; it expires by itself")
            self.leading = False
        super().close()
