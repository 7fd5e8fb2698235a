"""After the simulated days, on the real clock: what the served demo needs to be usable.

Slots for the coming week (so a resident can book from the phone), and shifts for the demo
collector today and tomorrow (so they can claim jobs from the feed).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from api.collectors.models import Shift
from api.collectors.shifts import set_shift
from api.db import session_scope
from api.errors import DomainError
from api.simulation.world import World
from api.slots.service import ensure_slots
from api.timeutil import local_today
from api.zones.models import Zone

DAYS_AHEAD = 7


def prepare_live_day(app: Flask, world: World) -> None:
    """Open a week of slots and give the demo collector shifts for today and tomorrow."""
    today = local_today()
    cutoff = timedelta(minutes=int(app.config["SLOT_CUTOFF_MINUTES"]))
    with session_scope(app) as session:
        for zone in session.scalars(select(Zone).where(Zone.is_active.is_(True))):
            for offset in range(DAYS_AHEAD + 1):
                ensure_slots(
                    session,
                    zone=zone,
                    day=today + timedelta(days=offset),
                    capacity=40,
                    cutoff=cutoff,
                )
    demo = world.city.collectors[0]
    for day in (today, today + timedelta(days=1)):
        with session_scope(app) as session:
            exists = session.scalar(
                select(Shift.shift_id).where(
                    Shift.collector_id == demo.collector_id, Shift.shift_date == day
                )
            )
            if exists is None:
                try:
                    set_shift(session, user_id=demo.user_id, day=day, start="07:00", end="21:00")
                except DomainError as error:
                    world.note(f"demo collector's shift on {day}: {error.message or error.code}")
