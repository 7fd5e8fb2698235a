"""Wallet views over the ledger: balance, money in transit, what may be withdrawn."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import ForbiddenError
from api.ledger.models import (
    IN_FLIGHT_PAYOUT_STATUSES,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
)
from api.ledger.service import balance_cents, get_account

WALLET_KINDS = {"resident": "resident_wallet", "collector": "collector_account"}


@dataclass(frozen=True)
class WalletSummary:
    """A wallet's figures in cents: balance includes money on its way to the owner."""

    account_kind: str
    balance_cents: int
    in_transit_cents: int
    available_cents: int


def get_wallet_account(session: Session, *, user_id: int, role: str) -> LedgerAccount:
    """The ledger account a resident or collector is paid into and withdraws from."""
    kind = WALLET_KINDS.get(role)
    if kind is None:
        raise ForbiddenError("only residents and collectors have a wallet")
    return get_account(session, kind=kind, owner_user_id=user_id)


def _find_wallet_account(session: Session, *, user_id: int, role: str) -> LedgerAccount | None:
    # reads must not create the account (a GET writes nothing)
    kind = WALLET_KINDS.get(role)
    if kind is None:
        raise ForbiddenError("only residents and collectors have a wallet")
    return session.scalar(
        select(LedgerAccount).where(
            LedgerAccount.kind == kind, LedgerAccount.owner_user_id == user_id
        )
    )


def in_transit_cents(session: Session, *, account: LedgerAccount) -> int:
    """The sum of the account's payouts requested and not yet settled."""
    total = session.scalar(
        select(func.coalesce(func.sum(Payout.amount_cents), 0)).where(
            Payout.account_id == account.account_id,
            Payout.status.in_(IN_FLIGHT_PAYOUT_STATUSES),
        )
    )
    return int(total)


def available_cents(session: Session, *, account: LedgerAccount) -> int:
    """What may be withdrawn now: the account's balance (in-transit money already left it).

    A collector's account is negative while they owe for material not yet delivered; nothing
    is available then, never a negative amount.
    """
    return max(0, balance_cents(session, account=account))


def get_wallet_summary(session: Session, *, user_id: int, role: str) -> WalletSummary:
    """The caller's wallet figures."""
    account = _find_wallet_account(session, user_id=user_id, role=role)
    if account is None:
        return WalletSummary(WALLET_KINDS[role], 0, 0, 0)
    ledger_balance = balance_cents(session, account=account)
    transit = in_transit_cents(session, account=account)
    return WalletSummary(
        account_kind=account.kind,
        balance_cents=ledger_balance + transit,
        in_transit_cents=transit,
        available_cents=max(0, ledger_balance),
    )


def list_wallet_entries(
    session: Session, *, user_id: int, role: str, offset: int, limit: int
) -> tuple[list[dict], int]:
    """The caller's entries, newest first, each with its transaction's kind and reference."""
    account = _find_wallet_account(session, user_id=user_id, role=role)
    if account is None:
        return [], 0
    where = LedgerEntry.account_id == account.account_id
    total = session.scalar(select(func.count()).select_from(LedgerEntry).where(where))
    stmt = (
        select(LedgerEntry, LedgerTransaction)
        .join(LedgerTransaction, LedgerTransaction.transaction_id == LedgerEntry.transaction_id)
        .where(where)
        .order_by(LedgerEntry.entry_id.desc())
        .offset(offset)
        .limit(limit)
    )
    rows = [
        {
            "entry_id": entry.entry_id,
            "amount_cents": entry.amount_cents,
            "kind": transaction.kind,
            "reference": transaction.reference,
            "memo": transaction.memo,
            "created_at": entry.created_at,
        }
        for entry, transaction in session.execute(stmt)
    ]
    return rows, total
