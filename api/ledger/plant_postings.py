"""Plants' money in the ledger: earnest-money deposits, lot payments and forfeits.

An arrow ``a → b`` below moves the amount off account ``a`` (negative entry) onto account
``b`` (positive entry). Plant accounts belong to the plant's owner user. Each posting is
exactly once per ``(kind, reference)`` (``post_transaction``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.errors import ConflictError
from api.ledger.models import LedgerTransaction
from api.ledger.service import balance_cents, find_transaction, get_account, post_transaction

DEPOSIT_RECEIVED = "plant_deposit_received"
PAYMENT_RECEIVED = "plant_payment_received"
LOT_SETTLEMENT = "lot_settlement"
DEPOSIT_FORFEIT = "plant_deposit_forfeit"


def _amount_of(transaction: LedgerTransaction) -> int:
    return sum(entry.amount_cents for entry in transaction.entries if entry.amount_cents > 0)


def record_deposit(
    session: Session, *, plant_id: int, owner_user_id: int, amount_cents: int, bank_reference: str
) -> LedgerTransaction:
    """A bank transfer of earnest money received: platform_cash → plant_deposit.

    The bank's reference makes it happen once; the same reference with another amount is a
    conflict rather than a second deposit.
    """
    reference = f"plant:{plant_id}:{bank_reference}"
    existing = find_transaction(session, kind=DEPOSIT_RECEIVED, reference=reference)
    if existing is not None:
        if _amount_of(existing) != amount_cents:
            raise ConflictError(
                "this bank reference was recorded with another amount", code="bank_reference_used"
            )
        return existing
    cash = get_account(session, kind="platform_cash")
    deposit = get_account(session, kind="plant_deposit", owner_user_id=owner_user_id)
    return post_transaction(
        session,
        kind=DEPOSIT_RECEIVED,
        reference=reference,
        entries=[(cash, -amount_cents), (deposit, amount_cents)],
        memo="earnest money received by bank transfer",
    )


def deposit_balance_cents(session: Session, *, owner_user_id: int) -> int:
    """The earnest money the platform holds for the plant owned by ``owner_user_id``."""
    account = get_account(session, kind="plant_deposit", owner_user_id=owner_user_id)
    return balance_cents(session, account=account)


def settle_lot_payment(
    session: Session,
    *,
    auction_id: int,
    owner_user_id: int,
    amount_cents: int,
    bank_reference: str,
) -> LedgerTransaction:
    """The buyer's transfer for a lot: platform_cash → plant_account → platform_revenue.

    Two postings, so the plant's account shows both the money received from it and what it
    was spent on; the account nets to zero for a lot paid in full.
    """
    reference = f"auction:{auction_id}:{owner_user_id}"
    cash = get_account(session, kind="platform_cash")
    plant_account = get_account(session, kind="plant_account", owner_user_id=owner_user_id)
    revenue = get_account(session, kind="platform_revenue")
    post_transaction(
        session,
        kind=PAYMENT_RECEIVED,
        reference=reference,
        entries=[(cash, -amount_cents), (plant_account, amount_cents)],
        memo=f"bank transfer {bank_reference}"[:200],
    )
    return post_transaction(
        session,
        kind=LOT_SETTLEMENT,
        reference=reference,
        entries=[(plant_account, -amount_cents), (revenue, amount_cents)],
        memo=f"lot bought at auction {auction_id}",
    )


def forfeit_deposit(
    session: Session, *, auction_id: int, owner_user_id: int, amount_cents: int
) -> LedgerTransaction | None:
    """A defaulting winner's deposit kept: plant_deposit → platform_revenue.

    At most what is held (a deposit is never driven negative); nothing is posted when nothing
    is held.
    """
    held = deposit_balance_cents(session, owner_user_id=owner_user_id)
    amount = min(amount_cents, held)
    if amount <= 0:
        return None
    deposit = get_account(session, kind="plant_deposit", owner_user_id=owner_user_id)
    revenue = get_account(session, kind="platform_revenue")
    return post_transaction(
        session,
        kind=DEPOSIT_FORFEIT,
        reference=f"auction:{auction_id}:{owner_user_id}",
        entries=[(deposit, -amount), (revenue, amount)],
        memo=f"winner of auction {auction_id} did not pay",
    )
