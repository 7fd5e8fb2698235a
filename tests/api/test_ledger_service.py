"""The ledger's core: balanced, exactly-once, never rewritten."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from api.db import session_scope
from api.ledger.models import LedgerEntry, LedgerTransaction
from api.ledger.service import (
    ImmutableLedgerError,
    UnbalancedTransactionError,
    balance_cents,
    get_account,
    post_transaction,
)


def _accounts(session):
    return get_account(session, kind="platform_cash"), get_account(session, kind="subsidies")


@pytest.mark.parametrize(
    "amounts", [(100, -99), (100,), (1.5, -1.5), (True, -1)], ids=["off", "one", "float", "bool"]
)
def test_unbalanced_or_non_integer_postings_are_refused(app, amounts):
    """Entries must be integer cents summing to zero, at least two; nothing is written."""
    with session_scope(app) as session:
        accounts = _accounts(session)
        with pytest.raises(UnbalancedTransactionError):
            post_transaction(
                session,
                kind="test",
                reference="r1",
                entries=list(zip(accounts, amounts, strict=False)),
            )
        assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0


def test_posted_entries_cannot_be_edited_or_deleted(app):
    """Changing or deleting an entry or a transaction through the ORM raises; a correction is a
    new transaction."""
    with session_scope(app) as session:
        cash, subsidies = _accounts(session)
        post_transaction(session, kind="test", reference="r1", entries=[(cash, 5), (subsidies, -5)])
    with session_scope(app) as session:
        entry = session.scalars(select(LedgerEntry)).first()
        entry.amount_cents = 6
        with pytest.raises(ImmutableLedgerError):
            session.flush()
        session.rollback()
        with pytest.raises(ImmutableLedgerError):
            session.delete(session.scalars(select(LedgerTransaction)).first())
            session.flush()
        session.rollback()
    with session_scope(app) as session:
        cash, _ = _accounts(session)
        assert balance_cents(session, account=cash) == 5


@pytest.mark.postgres
def test_concurrent_posters_of_one_reference_post_once(app):
    """Two sessions posting the same (kind, reference) at once: one transaction, both see it."""
    with session_scope(app) as session:
        _accounts(session)
    barrier = threading.Barrier(2)
    ids = []

    def post():
        with app.app_context(), session_scope(app) as session:
            cash, subsidies = _accounts(session)
            barrier.wait()
            tx = post_transaction(
                session, kind="test", reference="race", entries=[(cash, 7), (subsidies, -7)]
            )
            ids.append(tx.transaction_id)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 2 and len(set(ids)) == 1
    with session_scope(app) as session:
        cash, _ = _accounts(session)
        assert balance_cents(session, account=cash) == 7
