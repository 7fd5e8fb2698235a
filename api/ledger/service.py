"""Posting balanced transactions and reading balances. Entries are never edited."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import utcnow
from api.ledger.models import ACCOUNT_KINDS, LedgerAccount, LedgerEntry, LedgerTransaction

# Accounts the platform itself owns have no owner.
PLATFORM_KINDS = ("platform_revenue", "platform_cash", "subsidies", "payouts_in_transit")


class UnbalancedTransactionError(ValueError):
    """A transaction whose entries do not sum to zero: a programming error, never posted."""


class ImmutableLedgerError(RuntimeError):
    """An attempt to change or delete a posted transaction or entry: post a correction."""


def _refuse_change(_mapper, _connection, target) -> None:
    raise ImmutableLedgerError(f"{type(target).__name__} rows are never changed or deleted")


# The ORM refuses to rewrite history; corrections are new, compensating transactions.
for _model in (LedgerTransaction, LedgerEntry):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)


def get_account(session: Session, *, kind: str, owner_user_id: int | None = None) -> LedgerAccount:
    """The account of ``kind`` for ``owner_user_id`` (created on first use, race-safe)."""
    if kind not in ACCOUNT_KINDS:
        raise ValueError(f"unknown account kind {kind!r}")
    if (kind in PLATFORM_KINDS) != (owner_user_id is None):
        raise ValueError(
            f"{kind} accounts {'have no' if kind in PLATFORM_KINDS else 'need an'} owner"
        )
    stmt = select(LedgerAccount).where(
        LedgerAccount.kind == kind,
        LedgerAccount.owner_user_id.is_(None)
        if owner_user_id is None
        else LedgerAccount.owner_user_id == owner_user_id,
    )
    account = session.scalar(stmt)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            account = LedgerAccount(kind=kind, owner_user_id=owner_user_id)
            session.add(account)
    except IntegrityError:
        account = session.scalar(stmt)
    return account


def find_transaction(session: Session, *, kind: str, reference: str) -> LedgerTransaction | None:
    """The transaction already posted for ``(kind, reference)``, if any."""
    return session.scalar(
        select(LedgerTransaction).where(
            LedgerTransaction.kind == kind, LedgerTransaction.reference == reference
        )
    )


def post_transaction(
    session: Session,
    *,
    kind: str,
    reference: str,
    entries: Sequence[tuple[LedgerAccount, int]],
    memo: str | None = None,
) -> LedgerTransaction:
    """Post a balanced transaction once per ``(kind, reference)``.

    Posting the same kind and reference again returns the first transaction (exactly once);
    the unique constraint settles a race between two posters at commit.
    """
    if any(isinstance(cents, bool) or not isinstance(cents, int) for _, cents in entries):
        raise UnbalancedTransactionError("amounts must be integer cents")
    if sum(cents for _, cents in entries) != 0 or len(entries) < 2:
        raise UnbalancedTransactionError(f"{kind} {reference}: entries must sum to zero")
    existing = find_transaction(session, kind=kind, reference=reference)
    if existing is not None:
        return existing
    now = utcnow()
    transaction = LedgerTransaction(kind=kind, reference=reference, memo=memo, created_at=now)
    try:
        with session.begin_nested():
            session.add(transaction)
    except IntegrityError:
        # A concurrent poster committed the same (kind, reference) first: theirs is the one.
        existing = find_transaction(session, kind=kind, reference=reference)
        if existing is None:
            raise
        return existing
    for account, cents in entries:
        if cents:
            session.add(
                LedgerEntry(
                    transaction_id=transaction.transaction_id,
                    account_id=account.account_id,
                    amount_cents=cents,
                    created_at=now,
                )
            )
    session.flush()
    session.expire(transaction, ["entries"])
    return transaction


def balance_cents(session: Session, *, account: LedgerAccount) -> int:
    """The account's balance: the sum of its entries."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.account_id == account.account_id
        )
    )
    return int(total)


def list_entries(
    session: Session, *, account: LedgerAccount, limit: int = 100
) -> list[LedgerEntry]:
    """The account's latest entries, newest first."""
    stmt = (
        select(LedgerEntry)
        .where(LedgerEntry.account_id == account.account_id)
        .order_by(LedgerEntry.entry_id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
