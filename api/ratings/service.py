"""Rating rules: only the two parties of a completed booking, once each."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.collectors.models import Collector
from api.db import utcnow
from api.errors import ConflictError, NotFoundError
from api.jobs.models import Rating


def _ratee_user_id(session: Session, booking: Booking | None, user_id: int, role: str) -> int:
    """Who the caller rates on this booking; 404 when the booking is not theirs."""
    if booking is None or booking.collector_id is None:
        raise NotFoundError()
    collector = session.get(Collector, booking.collector_id)
    if role == "resident" and booking.resident_id == user_id:
        return collector.user_id
    if role == "collector" and collector.user_id == user_id:
        return booking.resident_id
    raise NotFoundError()


def rate_booking(
    session: Session, *, booking_id: int, user_id: int, role: str, stars: int, comment: str | None
) -> Rating:
    """Rate the other party of a completed booking; a second rating by the same side is a 409."""
    booking = session.get(Booking, booking_id)
    ratee = _ratee_user_id(session, booking, user_id, role)
    if booking.status != "completed":
        raise ConflictError("only a completed pickup can be rated", code="invalid_state")
    rating = Rating(
        booking_id=booking_id,
        rater_user_id=user_id,
        ratee_user_id=ratee,
        stars=stars,
        comment=comment,
        created_at=utcnow(),
    )
    exists = select(Rating.rating_id).where(
        Rating.booking_id == booking_id, Rating.rater_user_id == user_id
    )
    if session.scalar(exists) is not None:
        raise ConflictError("you have already rated this pickup", code="already_rated")
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError as error:  # a concurrent duplicate lost on the unique key
        raise ConflictError("you have already rated this pickup", code="already_rated") from error
    return rating


def list_my_ratings(session: Session, *, booking_id: int, user_id: int, role: str) -> list[Rating]:
    """The rating the caller gave on this booking (none or one)."""
    _ratee_user_id(session, session.get(Booking, booking_id), user_id, role)
    stmt = select(Rating).where(Rating.booking_id == booking_id, Rating.rater_user_id == user_id)
    return list(session.scalars(stmt))


def average_rating(session: Session, *, user_id: int) -> Decimal | None:
    """The mean stars the user has received, to 0.01 (half-up); None before any rating."""
    count, total = session.execute(
        select(func.count(Rating.rating_id), func.coalesce(func.sum(Rating.stars), 0)).where(
            Rating.ratee_user_id == user_id
        )
    ).one()
    if not count:
        return None
    return (Decimal(int(total)) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rating_count(session: Session, *, user_id: int) -> int:
    """How many ratings the user has received."""
    stmt = select(func.count(Rating.rating_id)).where(Rating.ratee_user_id == user_id)
    return int(session.scalar(stmt))
