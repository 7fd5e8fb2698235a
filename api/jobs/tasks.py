"""Job housekeeping tasks."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from api.db import session_scope
from api.errors import ConflictError
from api.jobs.policy import policy_from_config
from api.jobs.service import mark_no_show, overdue_booking_ids

log = logging.getLogger(__name__)


@shared_task(name="jobs.mark_no_shows")
def mark_no_shows() -> int:
    """Close held jobs not started by their slot's end + grace as no-shows; idempotent."""
    policy = policy_from_config(current_app.config)
    with session_scope(current_app) as session:
        booking_ids = overdue_booking_ids(session, policy=policy)
    marked = 0
    for booking_id in booking_ids:
        # One transaction per job: a job that moved meanwhile must not undo the others.
        try:
            with session_scope(current_app) as session:
                mark_no_show(session, booking_id=booking_id, actor_user_id=None)
            marked += 1
        except ConflictError:
            log.info("booking %s moved on before it could be marked a no-show", booking_id)
    return marked
