"""Collector housekeeping tasks."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from api.collectors.shifts import purge_pings
from api.db import session_scope
from api.jobs.policy import policy_from_config


@shared_task(name="collectors.purge_pings")
def purge_old_pings() -> int:
    """Delete location pings older than ``PING_RETENTION_DAYS`` (default 14); idempotent."""
    days = policy_from_config(current_app.config).ping_retention_days
    with session_scope(current_app) as session:
        return purge_pings(session, older_than_days=days)
