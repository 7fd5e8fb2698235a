"""Weighing at the door, and the resident's decision on it.

Prices: every line is priced at the unit price LOCKED in the booking's quote for that
material and grade. A material or grade that is not in the quote is refused (422): the
resident was never shown a price for it, and pricing it at the day's tariff would let the
amount drift from what they agreed to; they book it separately.

Acceptance: when the total falls more than ``WEIGHING_ACCEPTANCE_THRESHOLD_PCT`` below the
quoted estimate of the booked items, the weighing waits for the resident (accept or refuse);
otherwise the resident may confirm it (or open a dispute). Refusing costs the resident
nothing: the material stays, the tags are voided and the booking ends as ``refused``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.bookings.service import get_booking_for_resident
from api.custody.service_tags import attach_tag, detach_tags, void_tags
from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.service import record_event
from api.jobs.execution import advance
from api.jobs.feed import estimated_value_cents
from api.jobs.models import Weighing, WeighingLine
from api.jobs.policy import JobPolicy
from api.jobs.service import current_weighing, get_held_booking
from api.materials.service import find_active_material
from api.quotes.models import Quote
from pricing import (
    Deduction,
    DeductionError,
    WeighedLine,
    default_rules_for,
    needs_resident_acceptance,
    net_grams,
    settle_booking,
)

REWEIGHABLE = ("recorded", "pending_acceptance")
DECISION_EVENTS = {
    "accept": "weighing_accepted",
    "refuse": "weighing_refused",
    "confirm": "weighing_confirmed",
}


def _net(index: int, gross: int, raw: list[dict], category: str) -> tuple[int, list[dict]]:
    """Net grams after the deductions, each checked against the published rules."""
    rules = default_rules_for(category)
    parsed = [
        Deduction(
            kind=d["kind"], percent=d.get("percent"), grams=d.get("grams"), reason=d["reason"]
        )
        for d in raw
    ]
    # Checking growing prefixes names the first deduction that breaks a rule.
    for position in range(len(parsed)):
        try:
            net_grams(gross, parsed[: position + 1], rules)
        except DeductionError as error:
            field = f"lines.{index}.deductions.{position}.{error.field}"
            raise ValidationError.on(field, error.message) from None
    stored = [
        {**d, "percent": str(d["percent"]) if d.get("percent") is not None else None} for d in raw
    ]
    return net_grams(gross, parsed, rules), stored


def _quantity(at: str, index: int, raw: dict, row: WeighingLine, category: str) -> int:
    """Net grams (kg goods, after deductions) or pieces, set on ``row``; the priced quantity."""
    if row.unit == "kg":
        if raw.get("gross_grams") is None or raw.get("pieces") is not None:
            raise ValidationError.on(
                f"{at}.gross_grams", "weigh this material in grams, not pieces"
            )
        row.gross_grams = raw["gross_grams"]
        row.net_grams, row.deductions = _net(
            index, raw["gross_grams"], raw.get("deductions", []), category
        )
        return row.net_grams
    if raw.get("pieces") is None or raw.get("gross_grams") is not None:
        raise ValidationError.on(f"{at}.pieces", "count this material in pieces, not grams")
    if raw.get("deductions"):
        raise ValidationError.on(f"{at}.deductions", "pieces have no deductions")
    row.pieces = raw["pieces"]
    return row.pieces


def _line(session: Session, index: int, raw: dict, prices: dict, collector_id: int):
    """One weighed bag: checked, netted and tagged; priced later with the others."""
    at = f"lines.{index}"
    material = find_active_material(session, code=raw["material"], field=f"{at}.material")
    if raw["grade"] not in material.grades:
        raise ValidationError.on(f"{at}.grade", f"one of {', '.join(material.grades)}")
    quoted = prices.get((material.code, raw["grade"]))
    if quoted is None:
        raise ValidationError.on(
            f"{at}.material", "not in this booking's quote; book it separately"
        )
    row = WeighingLine(
        material_id=material.material_id,
        material_code=material.code,
        grade=raw["grade"],
        unit=quoted.unit,
        unit_price_cents=quoted.unit_price_cents,
        deductions=[],
    )
    quantity = _quantity(at, index, raw, row, material.category)
    row.tag_code = attach_tag(
        session, code=raw["tag_code"], collector_id=collector_id, field=f"{at}.tag_code"
    ).tag_code
    weighed = WeighedLine(
        material_code=material.code,
        unit=quoted.unit,
        unit_price_cents=quoted.unit_price_cents,
        quantity=quantity,
    )
    return row, weighed


def _supersede(session: Session, weighing: Weighing) -> None:
    weighing.status = "superseded"
    for line in weighing.lines:
        line.is_void = True
    detach_tags(session, codes=[line.tag_code for line in weighing.lines])


def _start_weighing(session: Session, booking: Booking) -> bool:
    """409 unless the collector is at the door or may still re-weigh; True for a re-weighing."""
    previous = current_weighing(session, booking_id=booking.booking_id)
    reweigh = (
        booking.status == "weighed"
        and previous is not None
        and previous.status in REWEIGHABLE
        and previous.resident_decided_at is None
    )
    if booking.status != "arrived" and not reweigh:
        raise ConflictError(
            f"a job that is {booking.status} cannot be weighed", code="invalid_state"
        )
    if reweigh:
        _supersede(session, previous)
    return reweigh


def _weighing_row(
    session: Session, booking: Booking, collector_id: int, priced: list, policy: JobPolicy
) -> Weighing:
    """Settle the lines at the locked prices and compare with the quoted estimate."""
    settlement = settle_booking([weighed for _row, weighed in priced])
    for (row, _weighed), paid in zip(priced, settlement.lines, strict=True):
        row.amount_cents, row.subsidy_cents = paid.goods_cents, paid.subsidy_cents
    quoted_total = estimated_value_cents(session, booking)
    pending = needs_resident_acceptance(
        quoted_total, settlement.total_cents, policy.acceptance_threshold_pct
    )
    return Weighing(
        booking_id=booking.booking_id,
        collector_id=collector_id,
        weighed_at=utcnow(),
        quoted_total_cents=quoted_total,
        goods_cents=sum(line.goods_cents for line in settlement.lines),
        subsidy_cents=sum(line.subsidy_cents for line in settlement.lines),
        total_cents=settlement.total_cents,
        status="pending_acceptance" if pending else "recorded",
        lines=[row for row, _weighed in priced],
    )


def record_weighing(
    session: Session, *, user_id: int, booking_id: int, lines: list[dict], policy: JobPolicy
) -> Weighing:
    """Weigh at the door (or re-weigh before the resident decided); prices from the quote."""
    collector, booking = get_held_booking(
        session, user_id=user_id, booking_id=booking_id, lock=True
    )
    reweigh = _start_weighing(session, booking)
    quote = session.get(Quote, booking.quote_id)
    prices = {(line.material_code, line.grade): line for line in quote.lines}
    priced = [_line(session, i, raw, prices, collector.collector_id) for i, raw in enumerate(lines)]
    weighing = _weighing_row(session, booking, collector.collector_id, priced, policy)
    session.add(weighing)
    session.flush()
    facts = {
        "weighing_id": weighing.weighing_id,
        "total_cents": weighing.total_cents,
        "quoted_total_cents": weighing.quoted_total_cents,
        "status": weighing.status,
    }
    if reweigh:
        _booking_event(session, booking, "reweighed", user_id, **facts)
    else:
        advance(
            session,
            booking=booking,
            from_statuses=("arrived",),
            to_status="weighed",
            actor_user_id=user_id,
            **facts,
        )
    return weighing


def _booking_event(session: Session, booking: Booking, kind: str, actor: int, **data) -> None:
    record_event(
        session,
        entity_type="booking",
        entity_id=booking.booking_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def get_weighing_for_resident(session: Session, *, resident_id: int, booking_id: int) -> Weighing:
    """The resident's booking's current weighing (404 when there is none yet)."""
    booking = get_booking_for_resident(session, resident_id=resident_id, booking_id=booking_id)
    weighing = current_weighing(session, booking_id=booking.booking_id)
    if weighing is None:
        raise NotFoundError("nothing has been weighed yet")
    return weighing


def decide_weighing(
    session: Session, *, resident_id: int, booking_id: int, decision: str
) -> Weighing:
    """The resident accepts or refuses a low weighing, or confirms one within the threshold."""
    booking = get_booking_for_resident(session, resident_id=resident_id, booking_id=booking_id)
    session.refresh(booking, with_for_update=True)
    weighing = current_weighing(session, booking_id=booking_id)
    if weighing is None or weighing.resident_decided_at is not None:
        raise ConflictError("there is no weighing waiting for you", code="invalid_state")
    allowed = ("accept", "refuse") if weighing.status == "pending_acceptance" else ("confirm",)
    if weighing.status not in REWEIGHABLE or decision not in allowed:
        raise ConflictError(f"this weighing can be: {', '.join(allowed)}", code="invalid_state")
    if decision == "refuse" and booking.status != "weighed":
        raise ConflictError("the pickup is already finished", code="invalid_state")
    weighing.resident_decided_at = utcnow()
    facts = {"weighing_id": weighing.weighing_id, "total_cents": weighing.total_cents}
    _booking_event(session, booking, DECISION_EVENTS[decision], resident_id, **facts)
    if decision == "accept":
        weighing.status = "accepted"
    elif decision == "refuse":
        weighing.status = "refused"
        for line in weighing.lines:
            line.is_void = True
        void_tags(session, codes=[line.tag_code for line in weighing.lines])
        booking.status = "refused"
        booking.version += 1
        _booking_event(session, booking, "refused", resident_id, **facts)
    return weighing
