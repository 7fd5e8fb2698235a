"""The nightly warehouse refresh: one writer at a time, across every machine."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

log = logging.getLogger(__name__)


def build_lock(config: dict):
    """A Redis lock shared by all workers when Redis is configured, else a file lock."""
    if config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(config["REDIS_URL"])
        # longer than any build; released early when the build ends
        return client.lock("recycle:warehouse-build", timeout=3600)
    return None  # build_warehouse falls back to a file lock beside the DuckDB file


def refresh_warehouse(config: dict, *, full: bool = False, wait_seconds: float = 0):
    """Extract-load and dbt build with the app's settings; returns the BuildResult."""
    from warehouse import build_warehouse

    return build_warehouse(
        config["DATABASE_URL"],
        config["WAREHOUSE_PATH"],
        config["WAREHOUSE_HMAC_KEY"],
        full=full,
        lock=build_lock(config),
        wait_seconds=wait_seconds,
    )


@shared_task(name="warehouse.refresh")
def refresh(full: bool = False) -> dict:
    """Nightly refresh; a build already running elsewhere makes this one a no-op."""
    from warehouse import WarehouseBusyError

    try:
        result = refresh_warehouse(current_app.config, full=full)
    except WarehouseBusyError:
        log.info("warehouse build already running; skipped")
        return {"skipped": True}
    return {"skipped": False, "success": result.success, "rows_loaded": result.rows_loaded}
