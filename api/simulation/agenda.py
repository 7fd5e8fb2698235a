"""The simulation's diary: actions at instants, done in time order on the simulated clock.

An action is a callable taking the ``Agenda`` (for its session and to schedule follow-ups).
Each one runs in a SAVEPOINT: a domain error (a slot just filled, a job someone else
claimed) undoes only that action and is counted by its error code, as a phone would show
it and move on. The session commits at every local midnight, and before any action that
runs a Celery task (eager tasks open sessions of their own and must see committed rows).
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from flask import Flask
from sqlalchemy.orm import Session

from api.errors import DomainError
from api.simulation.clock import local_date_of, set_time
from pricing.errors import PricingError

Action = Callable[["Agenda"], object]


class Agenda:
    """Scheduled actions and the session they run in."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.outcomes: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()  # time spent per action label
        self._heap: list[tuple[datetime, int, Action, str, str]] = []
        self._seq = itertools.count()
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The open session (a new one after each commit)."""
        if self._session is None:
            self._session = self.app.extensions["db_sessionmaker"]()
        return self._session

    def commit(self) -> None:
        """Commit the work so far (after-commit tasks such as payouts run here)."""
        if self._session is not None:
            session, self._session = self._session, None
            try:
                session.commit()
            finally:
                session.close()

    def add(
        self,
        at: datetime,
        action: Action,
        *,
        label: str,
        task: bool = False,
        commit_after: bool = False,
    ) -> None:
        """Do ``action`` at ``at``.

        ``task``: it runs Celery tasks, so commit first. ``commit_after``: it enqueues a task
        for after the commit, so commit as soon as it is done.
        """
        when = "before" if task else "after" if commit_after else ""
        heapq.heappush(self._heap, (at, next(self._seq), action, when, label))

    def run_until(self, end: datetime, *, on_new_day: Callable[[date], None] | None = None) -> None:
        """Do every action due up to ``end`` in time order, committing at each local midnight."""
        current_day: date | None = None
        while self._heap and self._heap[0][0] <= end:
            at, _seq, action, when, label = heapq.heappop(self._heap)
            day = local_date_of(at)
            if day != current_day:
                self.commit()
                if current_day is not None and on_new_day is not None:
                    on_new_day(day)
                current_day = day
            set_time(at)
            if when == "before":
                self.commit()
            self._attempt(action, label)
            if when == "after":
                self.commit()
        self.commit()

    def _attempt(self, action: Action, label: str) -> None:
        started = time.perf_counter()
        self.try_now(label, lambda: action(self))
        self.seconds[label] += time.perf_counter() - started

    def try_now(self, label: str, call: Callable[[], object]) -> object | None:
        """Run ``call`` now in a SAVEPOINT; its result, or None when a rule refused it."""
        session = self.session
        try:
            with session.begin_nested():
                result = call()
        except (DomainError, PricingError) as error:
            code = getattr(error, "reason_code", None) or getattr(error, "code", "refused")
            self.outcomes[f"{label}:{code}"] += 1
            return None
        self.outcomes[f"{label}:ok"] += 1
        return result
