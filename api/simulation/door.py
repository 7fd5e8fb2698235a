"""At the door: weighing each booked item into a tagged bag, the resident's decision, and
completing the job (the resident is paid, the bags go on the vehicle, both sides confirm
the pickup manifest)."""

from __future__ import annotations

from api.bookings.models import Booking
from api.custody.labels import issue_tag_batch
from api.jobs.execution import complete
from api.jobs.policy import policy_from_config
from api.jobs.service import current_weighing
from api.jobs.weighing import decide_weighing, record_weighing
from api.simulation.city import CollectorAgent
from api.simulation.custody import confirm_handover, pickup_confirmers
from api.simulation.feedback import after_completion
from api.simulation.weights import weigh_item
from api.simulation.world import Bag, World

TAG_BATCH = 100


def _next_tag(world: World, agent: CollectorAgent) -> str:
    if len(agent.tags) < 8:
        agent.tags.extend(
            issue_tag_batch(
                world.agenda.session,
                collector_id=agent.collector_id,
                count=TAG_BATCH,
                actor_user_id=world.city.admin_user_id,
            )
        )
    return agent.tags.pop()


def weigh(world: World, agent: CollectorAgent, booking_id: int) -> None:
    """Weigh every booked item into a tagged bag; the resident decides two minutes later."""
    session = world.agenda.session
    booking = session.get(Booking, booking_id)
    lines = []
    for item in booking.items:
        booked = {
            "material": item.material_code,
            "grade": item.grade,
            "quantity": item.estimated_quantity,
        }
        lines.append(
            {**weigh_item(world.rng, booked, item.unit), "tag_code": _next_tag(world, agent)}
        )
    weighing = record_weighing(
        session,
        user_id=agent.user_id,
        booking_id=booking_id,
        lines=lines,
        policy=policy_from_config(world.app.config),
    )
    status = weighing.status
    world.agenda.add(
        world.later(minutes=2),
        lambda a: resident_decides(world, agent, booking, status),
        label="decide",
    )


def resident_decides(world: World, agent: CollectorAgent, booking: Booking, status: str) -> None:
    """Accept or refuse a low weighing; confirm some others; then the job completes."""
    rng = world.rng
    if status == "pending_acceptance":
        decision = "refuse" if rng.random() < world.params.refuse_rate else "accept"
    elif world.today() in world.busy_days:
        decision = "confirm" if rng.random() < 0.5 else None
    else:
        decision = None
    if decision is not None:
        decide_weighing(
            world.agenda.session,
            resident_id=booking.resident_id,
            booking_id=booking.booking_id,
            decision=decision,
        )
    if decision != "refuse":
        world.agenda.add(
            world.later(minutes=2),
            lambda a: finish(world, agent, booking),
            label="complete",
        )


def finish(world: World, agent: CollectorAgent, booking: Booking) -> None:
    """Complete the job (the resident is paid) and load its bags onto the vehicle."""
    session = world.agenda.session
    complete(session, user_id=agent.user_id, booking_id=booking.booking_id)
    weighing = current_weighing(session, booking_id=booking.booking_id)

    for line in weighing.lines:
        world.loads[agent.collector_id].append(
            Bag(
                line.tag_code,
                line.material_code,
                line.grade,
                line.unit,
                line.net_grams or 0,
                line.pieces,
                line.unit_price_cents,
            )
        )
    confirm_handover(
        world,
        kind="pickup",
        subject_type="weighing",
        subject_id=weighing.weighing_id,
        user_ids=pickup_confirmers(
            world, resident_id=booking.resident_id, collector_user_id=agent.user_id
        ),
    )
    after_completion(world, booking)
