"""The simulation's clock: the services read "now" from it while a simulation runs.

The demo city needs weeks of history whose timestamps the warehouse can read (weighings,
ledger postings, auctions, the custody hash chain), and every service stamps its rows and
checks its cut-offs with one of three functions: ``api.db.utcnow``, ``api.timeutil.
local_today`` and ``api.auctions.clock.db_now``. While a :func:`simulated_time` block is
open those three functions read this clock instead of the system's. Their *code objects*
are swapped rather than the module attributes, because the services import them by name
(``from api.db import utcnow``) and column defaults hold the function itself; the swap is
undone when the block exits, whatever happens inside it.

The clock never runs ahead of the real one: the demo serves the API afterwards on the
system clock, and nothing it made may lie in the future. Every read advances the clock by
one microsecond, so rows stamped "at the same time" still sort in the order they were made.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

TICK = timedelta(microseconds=1)
_state: dict[str, datetime | None] = {"now": None}


class ClockError(RuntimeError):
    """The simulation asked for a time it must not have (in the future, or with no clock)."""


def real_now() -> datetime:
    """The system clock as an aware UTC datetime."""
    return datetime.now(UTC)


def current_time() -> datetime:
    """The simulated now while a simulation runs (then one tick later), else the real one."""
    now = _state["now"]
    if now is None:
        return real_now()
    _state["now"] = now + TICK
    return now


def set_time(instant: datetime) -> datetime:
    """Move the simulated clock to ``instant`` (backwards too); never past the real now."""
    if _state["now"] is None:
        raise ClockError("no simulated clock is running")
    if instant.tzinfo is None:
        raise ClockError("naive datetime given to the simulated clock")
    if instant > real_now():
        raise ClockError(f"{instant.isoformat()} is in the future")
    _state["now"] = instant.astimezone(UTC)
    return _state["now"]


def peek() -> datetime:
    """The simulated now without advancing it (the real now outside a simulation)."""
    return _state["now"] or real_now()


# Replacements: their code runs with the globals of the function they replace, so they
# import what they need themselves and take the same parameters.
def _utcnow():
    from api.simulation.clock import current_time

    return current_time()


def _local_today():
    from api.simulation.clock import current_time
    from api.timeutil import to_local

    return to_local(current_time()).date()


def _db_now(session):
    from api.simulation.clock import current_time

    return current_time()


PATCHES = (
    ("api.db", "utcnow", _utcnow),
    ("api.timeutil", "local_today", _local_today),
    ("api.auctions.clock", "db_now", _db_now),
)


@contextmanager
def simulated_time(start: datetime) -> Iterator[None]:
    """Run the services on a simulated clock starting at ``start``; restored on exit."""
    if _state["now"] is not None:
        raise ClockError("a simulated clock is already running")
    saved = []
    for module_name, name, replacement in PATCHES:
        function = getattr(importlib.import_module(module_name), name)
        saved.append((function, function.__code__))
        function.__code__ = replacement.__code__
    _state["now"] = real_now()
    try:
        set_time(start)
        yield
    finally:
        _state["now"] = None
        for function, code in saved:
            function.__code__ = code


def local_date_of(instant: datetime) -> date:
    """The city's calendar date of an instant."""
    from api.timeutil import to_local

    return to_local(instant).date()
