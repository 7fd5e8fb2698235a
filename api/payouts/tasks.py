"""Sending payouts to the provider: acks late, re-reads state, pays once per payout."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from api.db import session_scope
from api.payouts import service
from api.payouts.provider import PayoutProviderUnavailableError, get_payout_provider

log = logging.getLogger(__name__)
STUCK_AFTER_SECONDS = 15 * 60


@shared_task(
    name="payouts.send_payout",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=12,  # about 70 minutes of back-off; then resend_stuck takes over
)
def send_payout(self, payout_id: int) -> str | None:
    """Pay a requested payout exactly once, however often this runs or dies midway.

    Our payout id is the provider's idempotency key, so a run after a crash between the
    provider call and our commit gets the first answer back instead of paying again.
    """
    app = current_app._get_current_object()
    with session_scope(app) as session:
        order = service.begin_sending(session, payout_id=payout_id)
    if order is None:
        return None
    try:
        result = get_payout_provider(app).send(
            str(order.payout_id), order.amount_cents, order.account_ref
        )
    except PayoutProviderUnavailableError as error:
        if self.request.is_eager:
            # no broker to retry through (embedded mode): resend_stuck picks it up later
            log.warning("payout %s: provider unavailable; left sending", payout_id)
            return "sending"
        log.warning("payout %s: provider unavailable, retrying", payout_id)
        raise self.retry(exc=error, countdown=min(600, 10 * 2**self.request.retries)) from error
    with session_scope(app) as session:
        return service.settle_payout(session, payout_id=payout_id, result=result).status


@shared_task(name="payouts.resend_stuck")
def resend_stuck() -> int:
    """Re-send payouts left in flight (a lost message, a broker outage); safe to run any time."""
    with session_scope(current_app) as session:
        ids = service.list_stuck_payout_ids(session, older_than_seconds=STUCK_AFTER_SECONDS)
    for payout_id in ids:
        send_payout.delay(payout_id)
    return len(ids)
