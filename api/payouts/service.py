"""Withdrawal rules: who may withdraw how much, and the payout's state machine.

``requested`` (money moved wallet -> payouts_in_transit) -> ``sending`` (handed to the
provider) -> ``paid`` (payouts_in_transit -> platform_cash) or ``failed`` (refunded to the
wallet). The provider is called between two transactions, never inside one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.service import record_event
from api.extensions import enqueue_after_commit
from api.ledger.models import IN_FLIGHT_PAYOUT_STATUSES, LedgerAccount, Payout
from api.ledger.postings import post_payout_paid, post_payout_refund, post_payout_requested
from api.payouts.provider import ProviderResult
from api.wallets.service import available_cents, get_wallet_account


@dataclass(frozen=True)
class SendOrder:
    """What the task hands to the provider, read under the payout's row lock."""

    payout_id: int
    amount_cents: int
    account_ref: str


def _event(session: Session, payout: Payout, kind: str, actor: int | None = None, **data):
    record_event(
        session,
        entity_type="payout",
        entity_id=payout.payout_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def _lock_account(session: Session, account: LedgerAccount) -> None:
    # Serialises a user's withdrawals on PostgreSQL; SQLite serialises all writers anyway.
    session.execute(
        select(LedgerAccount.account_id)
        .where(LedgerAccount.account_id == account.account_id)
        .with_for_update()
    )


def create_payout(session: Session, *, user_id: int, role: str, amount_cents: int) -> Payout:
    """Reserve ``amount_cents`` from the caller's wallet and send it after commit.

    409 while another payout of the wallet is in flight; 422 above what is available.
    """
    from api.payouts.tasks import send_payout  # the tasks module imports this one

    account = get_wallet_account(session, user_id=user_id, role=role)
    _lock_account(session, account)
    in_flight = session.scalar(
        select(Payout.payout_id).where(
            Payout.account_id == account.account_id,
            Payout.status.in_(IN_FLIGHT_PAYOUT_STATUSES),
        )
    )
    if in_flight is not None:
        raise ConflictError("another withdrawal is in progress", code="payout_in_flight")
    available = available_cents(session, account=account)
    if amount_cents > available:
        raise ValidationError.on("amount_cents", f"more than the {available} cents available")
    payout = Payout(
        user_id=user_id, account_id=account.account_id, amount_cents=amount_cents, attempts=0
    )
    try:
        with session.begin_nested():
            session.add(payout)
    except IntegrityError as error:
        raise ConflictError("another withdrawal is in progress", code="payout_in_flight") from error
    post_payout_requested(session, payout=payout)
    _event(session, payout, "requested", user_id, amount_cents=amount_cents)
    enqueue_after_commit(session, send_payout, payout.payout_id)
    return payout


def list_payouts(
    session: Session, *, user_id: int, offset: int, limit: int
) -> tuple[list[Payout], int]:
    """The caller's payouts, newest first."""
    where = Payout.user_id == user_id
    total = session.scalar(select(func.count()).select_from(Payout).where(where))
    rows = session.scalars(
        select(Payout).where(where).order_by(Payout.payout_id.desc()).offset(offset).limit(limit)
    )
    return list(rows), total


def get_payout_or_raise(session: Session, *, user_id: int, payout_id: int) -> Payout:
    """The caller's own payout; anyone else's is a 404."""
    payout = session.get(Payout, payout_id)
    if payout is None or payout.user_id != user_id:
        raise NotFoundError()
    return payout


def begin_sending(session: Session, *, payout_id: int) -> SendOrder | None:
    """Mark the payout ``sending`` (or keep it so on a retry); None once it is settled."""
    payout = session.get(Payout, payout_id, with_for_update=True)
    if payout is None or payout.status not in IN_FLIGHT_PAYOUT_STATUSES:
        return None
    payout.attempts += 1
    if payout.status == "requested":
        payout.status = "sending"
        _event(session, payout, "sending")
    # The real account (bank card, wallet app) is bound at the provider to our user id.
    return SendOrder(payout.payout_id, payout.amount_cents, f"user:{payout.user_id}")


def settle_payout(session: Session, *, payout_id: int, result: ProviderResult) -> Payout:
    """Record the provider's answer once: paid, or failed and refunded to the wallet."""
    payout = session.get(Payout, payout_id, with_for_update=True)
    if payout.status != "sending":
        return payout  # a concurrent run settled it first
    payout.settled_at = utcnow()
    if result.status == "paid":
        payout.status = "paid"
        payout.provider_reference = result.provider_reference
        post_payout_paid(session, payout=payout)
    else:
        payout.status = "failed"
        payout.failure_reason = (result.failure_reason or "refused by the provider")[:200]
        post_payout_refund(session, payout=payout)
    _event(session, payout, payout.status, provider_reference=result.provider_reference)
    return payout


def list_stuck_payout_ids(session: Session, *, older_than_seconds: int) -> list[int]:
    """In-flight payouts not touched for a while: their task message may have been lost."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stmt = select(Payout.payout_id).where(
        Payout.status.in_(IN_FLIGHT_PAYOUT_STATUSES), Payout.updated_at < cutoff
    )
    return list(session.scalars(stmt))
