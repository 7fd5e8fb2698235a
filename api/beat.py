"""One beat at a time: the Celery beat scheduler sends periodic tasks only under a lease.

``celery -A api.worker beat`` uses :class:`LeasedScheduler` (``beat_scheduler`` in
``api.extensions``). Start a beat on two machines if you like: the one holding the
``celery-beat`` lease (a row in the app's database) sends; the other checks every
``RENEW_EVERY`` seconds and takes over once the holder has stopped renewing for
``LEASE_SECONDS`` (a crash or a lost machine). A clean shutdown gives the lease back at once.

Each beat keeps its entries' last runs in its own schedule file, and a standby's file stops at
its start. So the holder also records each run in the database (``beat_runs``), and a beat
that comes to lead (a new tenure of the lease) first adopts the recorded runs later than its
own: it sends an entry when next due after the previous holder's run, not at once (an
interval entry) nor again (a crontab time the previous holder already ran). The tasks
themselves stay idempotent: a hand-over may still repeat a run the old holder made just
before it died without recording it (its database write failed, or it died in between).
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import uuid
from datetime import UTC, datetime

from celery.beat import PersistentScheduler
from celery.utils.time import maybe_make_aware
from sqlalchemy.exc import SQLAlchemyError

from api.beat_runs.models import BeatRun
from api.beat_runs.service import list_beat_runs, record_beat_run
from api.db import session_scope
from api.leases.models import Lease
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
        self.tenure: datetime | None = None  # the lease's acquired_at when runs were adopted
        super().__init__(*args, **kwargs)

    def _hold(self) -> bool:
        runs = None
        try:
            with session_scope(self.app.flask_app) as session:
                held = hold_lease(
                    session, name=LEASE_NAME, holder=self.holder, seconds=LEASE_SECONDS
                )
                tenure = session.get(Lease, LEASE_NAME).acquired_at if held else None
                # a new tenure (the first, a take-over, or a return after the lease lapsed
                # unnoticed, say in a long pause): others may have sent since this beat did
                if held and tenure != self.tenure:
                    runs = list_beat_runs(session)
        except SQLAlchemyError:
            # without the database there is no knowing who leads (nor work the tasks could do)
            log.exception("beat lease: database unreachable; not sending")
            held = False
        if held and runs is not None:
            self._adopt_runs(runs)
            self.tenure = tenure
        if held != self.leading:
            state = "holds the lease and sends" if held else "lost the lease; standing by"
            log.warning("beat %s %s", self.holder, state)
        self.leading = held
        return held

    def _adopt_runs(self, runs: list[BeatRun]) -> None:
        """Move each entry's last run up to the recorded one where that is later."""
        schedule = self.schedule
        adopted = []
        for run in runs:
            entry = schedule.get(run.entry_name)
            if entry is None or run.last_run_at <= maybe_make_aware(entry.last_run_at):
                continue
            entry = copy.copy(entry)
            entry.last_run_at = run.last_run_at
            schedule[run.entry_name] = entry
            adopted.append(run.entry_name)
        if adopted:
            # the heap holds its own entries and due times, built from the old runs; without
            # one, Scheduler.tick builds it anew from the schedule
            self._heap = None
            log.info("beat %s adopted the recorded runs of %s", self.holder, adopted)

    def tick(self, *args, **kwargs) -> float:
        """Send what is due only while leading; never sleep past the next renewal."""
        if not self._hold():
            return RENEW_EVERY
        return min(super().tick(*args, **kwargs), RENEW_EVERY)

    def apply_entry(self, entry, producer=None) -> None:
        """Send ``entry`` and record its run (the time ``reserve`` gave it) for later holders."""
        super().apply_entry(entry, producer=producer)
        run_at = maybe_make_aware(self.schedule[entry.name].last_run_at).astimezone(UTC)
        try:
            with session_scope(self.app.flask_app) as session:
                record_beat_run(session, entry_name=entry.name, run_at=run_at, sent_by=self.holder)
        except SQLAlchemyError:
            # sent all the same; a later holder may then send this entry once too early
            log.exception("beat runs: %s not recorded", entry.name)

    def close(self) -> None:
        if self.leading:
            try:
                with session_scope(self.app.flask_app) as session:
                    release_lease(session, name=LEASE_NAME, holder=self.holder)
            except SQLAlchemyError:
                log.exception("beat lease: not released; it expires by itself")
            self.leading = False
        super().close()
