"""After a pickup: residents rate their collector, and now and then dispute a weighing,
which the admin resolves a couple of days later (upheld with compensation, or rejected)."""

from __future__ import annotations

from api.bookings.models import Booking
from api.disputes.service import open_dispute, resolve_dispute
from api.jobs.service import current_weighing
from api.ratings.service import rate_booking
from api.simulation.agenda import Agenda
from api.simulation.world import World

COMMENTS = (None, None, "on time, friendly", "careful with the scale", "came early")


def after_completion(world: World, booking: Booking) -> None:
    """Diary the resident's rating and, rarely, a dispute of the weighing."""
    rng = world.rng
    if rng.random() < world.params.rating_rate:
        stars = rng.choices((5, 4, 3, 2, 1), weights=(60, 25, 9, 4, 2))[0]

        def rate(agenda: Agenda) -> None:
            rate_booking(
                agenda.session,
                booking_id=booking.booking_id,
                user_id=booking.resident_id,
                role="resident",
                stars=stars,
                comment=rng.choice(COMMENTS),
            )

        world.agenda.add(world.later(minutes=rng.randrange(30, 600)), rate, label="rating")
    if rng.random() < world.params.dispute_rate:
        world.agenda.add(
            world.later(minutes=rng.randrange(60, 1200)),
            lambda a: _dispute(world, booking),
            label="dispute",
        )


def _dispute(world: World, booking: Booking) -> None:
    session = world.agenda.session
    dispute = open_dispute(
        session,
        user_id=booking.resident_id,
        booking_id=booking.booking_id,
        reason="the scale read less than my bathroom scale",
        evidence_refs=[],
    )
    weighing = current_weighing(session, booking_id=booking.booking_id)
    upheld = world.rng.random() < 0.5
    cents = max(1, weighing.total_cents // 10) if upheld else 0
    dispute_id = dispute.dispute_id

    def resolve(agenda: Agenda) -> None:
        resolve_dispute(
            agenda.session,
            admin_id=world.city.admin_user_id,
            dispute_id=dispute_id,
            outcome="upheld" if upheld else "rejected",
            compensation_cents=cents,
            note="checked the photos of the scale" if upheld else "weights match the station's",
        )

    world.agenda.add(world.later(minutes=2 * 24 * 60), resolve, label="dispute_resolved")
