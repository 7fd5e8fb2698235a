"""Everything one simulation run shares: the app, the city, the market, the diary, the RNG."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Flask

from api.simulation.agenda import Agenda
from api.simulation.city import DemoCity
from api.simulation.clock import local_date_of, peek
from api.simulation.params import SimulationParams
from api.simulation.prices import Market
from api.timeutil import local_at


@dataclass
class Bag:
    """A tagged bag (or appliance) on a collector's vehicle, as weighed at the door."""

    tag_code: str
    material: str
    grade: str
    unit: str
    net_grams: int
    pieces: int | None
    unit_price_cents: int


@dataclass
class World:
    """The state of one run; modules of this package read and extend it."""

    app: Flask
    params: SimulationParams
    city: DemoCity
    market: Market
    rng: random.Random
    agenda: Agenda
    busy_days: set[date]
    end: datetime
    last_day: date
    # booking ids made for each service day
    bookings: dict[date, list[int]] = field(default_factory=lambda: defaultdict(list))
    # current route plan ids of each dispatched day
    plans: dict[date, list[int]] = field(default_factory=dict)
    # collector id -> bags on board, not yet dropped off at a station
    loads: dict[int, list[Bag]] = field(default_factory=lambda: defaultdict(list))
    # collector id -> local day -> (start, end) "HH:MM" of their shift
    shifts: dict[int, dict[date, tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # auctions whose award the simulation already follows (payment, hand-over)
    followed_auctions: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def at(self, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        """A local wall-clock time on ``day`` as UTC."""
        return local_at(day, hour, minute) + timedelta(seconds=second)

    def is_busy(self, day: date) -> bool:
        """Whether ``day`` is one of the busy days (or after them: tomorrow's bookings)."""
        return day >= min(self.busy_days)

    def today(self) -> date:
        """The simulated local date."""
        return local_date_of(peek())

    def later(self, *, minutes: float) -> datetime:
        """``minutes`` after the simulated now."""
        return peek() + timedelta(minutes=minutes)

    def note(self, text: str) -> None:
        """Remember a skipped or worked-around step for the summary (once)."""
        if text not in self.notes:
            self.notes.append(text)
