"""Quoting items at the tariff in force, and using a quote for a booking."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.materials.service import find_active_material
from api.quotes.models import Quote, QuoteLine
from api.residents.service import get_address_or_raise
from api.tariffs.service import active_rates
from api.timeutil import local_today
from pricing.errors import TariffNotFoundError
from pricing.quotes import QuoteItem, quote_items


def _quote_item(session: Session, index: int, raw: dict) -> tuple[QuoteItem, int]:
    field = f"items.{index}"
    material = find_active_material(session, code=raw["material"], field=f"{field}.material")
    if raw["grade"] not in material.grades:
        raise ValidationError.on(
            f"{field}.grade", f"{material.code} grades are {', '.join(material.grades)}"
        )
    if raw["quantity"] < max(material.min_quantity, 1):
        unit = "grams" if material.unit == "kg" else "pieces"
        raise ValidationError.on(
            f"{field}.quantity", f"at least {material.min_quantity} {unit} of {material.code}"
        )
    item = QuoteItem(material.code, material.category, raw["grade"], material.unit, raw["quantity"])
    return item, material.material_id


def create_quote(
    session: Session, *, resident_id: int, address_id: int, items: list[dict], valid_for: timedelta
) -> Quote:
    """Price the items for the address's zone with today's tariffs."""
    address = get_address_or_raise(session, resident_id=resident_id, address_id=address_id)
    seen: set[tuple[str, str]] = set()
    parsed = []
    for index, raw in enumerate(items):
        if (raw["material"], raw["grade"]) in seen:
            raise ValidationError.on(f"items.{index}", "the same material and grade twice")
        seen.add((raw["material"], raw["grade"]))
        parsed.append(_quote_item(session, index, raw))
    rates = active_rates(session, material_codes={item.material_code for item, _ in parsed})
    try:
        priced = quote_items(
            [item for item, _ in parsed], rates, zone_code=address.zone_code, on=local_today()
        )
    except TariffNotFoundError as error:
        raise ValidationError.on("items", f"not bought in this zone now: {error}") from error
    now = utcnow()
    quote = Quote(
        quote_id=str(uuid.uuid4()),
        resident_id=resident_id,
        address_id=address.address_id,
        zone_id=address.zone_id,
        quoted_on=priced.quoted_on,
        estimated_total_cents=priced.estimated_total_cents,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(quote)
    for line, (_, material_id) in zip(priced.lines, parsed, strict=True):
        quote.lines.append(_line_row(line, material_id))
    session.flush()
    return quote


def _line_row(line, material_id: int) -> QuoteLine:
    return QuoteLine(
        material_id=material_id,
        material_code=line.item.material_code,
        grade=line.item.grade,
        unit=line.item.unit,
        quantity=line.item.quantity,
        unit_price_cents=line.rate.price_cents_per_unit,
        estimated_amount_cents=line.estimated_amount_cents,
        tariff_version=line.rate.version,
        tariff_valid_from=line.rate.valid_from,
        deduction_rules=[
            {"kind": str(r.kind), "max_percent": str(r.max_percent), "description": r.description}
            for r in line.deduction_rules
        ],
    )


def get_quote_or_raise(session: Session, *, resident_id: int, quote_id: str) -> Quote:
    """The resident's own quote; another's is a 404."""
    quote = session.get(Quote, quote_id)
    if quote is None or quote.resident_id != resident_id:
        raise NotFoundError()
    return quote


_QUOTES, _LINES = Quote.__table__, QuoteLine.__table__
# built once (see ``api.db``'s note on hot statements)
_TAKE_QUOTE = (
    update(_QUOTES)
    .where(
        _QUOTES.c.quote_id == bindparam("quote"),
        _QUOTES.c.resident_id == bindparam("resident"),
        _QUOTES.c.locked_until.is_(None),
        _QUOTES.c.expires_at > bindparam("now"),
    )
    .values(locked_until=bindparam("until"))
    .returning(_QUOTES.c.zone_id)
)
_QUOTE_LINES = (
    select(
        _LINES.c.material_id,
        _LINES.c.material_code,
        _LINES.c.grade,
        _LINES.c.unit,
        _LINES.c.quantity,
    )
    .where(_LINES.c.quote_id == bindparam("quote_id"))
    .order_by(_LINES.c.quote_line_id)
)


def lock_quote_for_booking(
    session: Session, *, resident_id: int, quote_id: str, locked_until: datetime
) -> tuple[int, list[Row]]:
    """Use a quote for a booking: it must be the resident's, unexpired and unused.

    One conditional UPDATE takes it (a concurrent booking with the same quote waits for the
    row and then finds it used); only when it fails is the quote read to say why. Returns the
    quote's zone id and its lines (material, grade, unit, quantity), read as plain rows: a
    booking needs nothing else of the quote.
    """
    zone_id = session.execute(
        _TAKE_QUOTE,
        {
            "quote": quote_id,
            "resident": resident_id,
            "now": utcnow(),
            "until": locked_until,
        },
    ).scalar_one_or_none()
    if zone_id is not None:
        return zone_id, session.execute(_QUOTE_LINES, {"quote_id": quote_id}).all()
    quote = session.get(Quote, quote_id)
    if quote is None or quote.resident_id != resident_id:
        raise ValidationError.on("quote_id", "no such quote")
    if quote.locked_until is not None:
        raise ConflictError("this quote is already used by a booking")
    raise ValidationError.on(
        "quote_id", "the quote has expired; ask for a new one", code="quote_expired"
    )
