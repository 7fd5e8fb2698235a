"""Custody tasks: the daily signed checkpoint and the daily mass balance (both idempotent).

Beat entries for ``CELERY_BEAT_SCHEDULE`` are in ``beat_schedule()``.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from flask import current_app

from api.custody.checkpoints import sign_checkpoint as sign
from api.custody.compliance_actions import flag_low_scores
from api.custody.massbalance import (
    DEFAULT_LOSS_BANDS_PCT,
    DEFAULT_TAG_DELIVERY_HOURS,
    raise_balance_alerts,
)
from api.custody.routes import DEFAULT_ROUTE_STRAY_M, raise_route_alerts
from api.db import session_scope, utcnow
from api.route_plans.schedule import LocalCrontab
from api.timeutil import local_today


def beat_schedule(tz_name: str = "Asia/Shanghai") -> dict:
    """Beat entries: checkpoint at 00:10 and mass balance at 02:30, city time, every day."""
    return {
        "custody.sign_checkpoint": {
            "task": "custody.sign_checkpoint",
            "schedule": LocalCrontab(10, 0, tz_name=tz_name),
        },
        "custody.run_mass_balance": {
            "task": "custody.run_mass_balance",
            "schedule": LocalCrontab(30, 2, tz_name=tz_name),
        },
    }


def custody_settings(config: dict) -> tuple[dict, int, int]:
    """(loss bands %, tag delivery hours, route stray metres) with their defaults."""
    bands = {**DEFAULT_LOSS_BANDS_PCT, **(config.get("CUSTODY_LOSS_BANDS_PCT") or {})}
    hours = int(config.get("TAG_DELIVERY_HOURS", DEFAULT_TAG_DELIVERY_HOURS))
    stray_m = int(config.get("ROUTE_STRAY_M", DEFAULT_ROUTE_STRAY_M))
    return bands, hours, stray_m


@shared_task(name="custody.sign_checkpoint")
def sign_checkpoint() -> int:
    """Verify the chain and sign its head; returns the seq signed."""
    with session_scope(current_app) as session:
        return sign(session, app=current_app).seq


@shared_task(name="custody.run_mass_balance")
def run_mass_balance(day: str | None = None) -> int:
    """Raise the day's mass-balance, bag and route alerts (default: yesterday); new alerts."""
    target = date.fromisoformat(day) if day else local_today() - timedelta(days=1)
    bands, hours, stray_m = custody_settings(current_app.config)
    with session_scope(current_app) as session:
        new = raise_balance_alerts(session, day=target, now=utcnow(), bands=bands, hours=hours)
        new += raise_route_alerts(session, day=target, stray_m=stray_m)
        flag_low_scores(session, today=local_today())
    return new
