"""Auction tasks: closing ended auctions and enforcing payment deadlines (beat-driven)."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from api.auctions import closing
from api.db import session_scope


@shared_task(name="auctions.close_ended")
def close_ended() -> int:
    """Send ``auctions.close_auction`` for every open auction past its end; returns how many."""
    with session_scope(current_app) as session:
        due = closing.due_auction_ids(session)
    for auction_id in due:
        close_auction.delay(auction_id)
    return len(due)


@shared_task(name="auctions.close_auction", acks_late=True)
def close_auction(auction_id: int) -> str | None:
    """Close one auction if it has ended (idempotent: re-reads it under a row lock)."""
    with session_scope(current_app) as session:
        auction = closing.close_auction(session, auction_id=auction_id)
        return auction.status if auction is not None else None


@shared_task(name="auctions.enforce_payment_deadlines")
def enforce_payment_deadlines() -> int:
    """Send ``auctions.enforce_payment_deadline`` for every award past its payment deadline."""
    with session_scope(current_app) as session:
        due = closing.due_payment_ids(session)
    for auction_id in due:
        enforce_payment_deadline.delay(auction_id)
    return len(due)


@shared_task(name="auctions.enforce_payment_deadline", acks_late=True)
def enforce_payment_deadline(auction_id: int) -> str | None:
    """Forfeit a defaulting winner's deposit and offer the runner-up (idempotent)."""
    with session_scope(current_app) as session:
        auction = closing.enforce_payment_deadline(session, auction_id=auction_id)
        return auction.status if auction is not None else None
