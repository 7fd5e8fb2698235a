"""Bag tags: issued to a collector, attached to one bag at a weighing, delivered at a station.

Every state change is a conditional UPDATE on the tag's current status, so two requests
scanning the same tag at once cannot both succeed: the loser gets a 409.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.custody.models import Tag
from api.custody.tags import make_tag_code, normalise_tag_code, tag_format_problem
from api.db import utcnow
from api.errors import ConflictError, ValidationError

SERIAL_SPACE = 10**11


def issue_tags(session: Session, *, collector_id: int, count: int) -> list[str]:
    """Issue ``count`` new tags to a collector; returns their codes.

    Serials are random, not sequential, so a code cannot be guessed from a neighbour's; a
    collision (about one in 10**11 per tag) is drawn again.
    """
    now = utcnow()
    codes: list[str] = []
    while len(codes) < count:
        code = make_tag_code(secrets.randbelow(SERIAL_SPACE))
        if code in codes or session.get(Tag, code) is not None:
            continue
        codes.append(code)
    session.add_all(
        Tag(tag_code=code, issued_to_collector_id=collector_id, issued_at=now, status="issued")
        for code in codes
    )
    session.flush()
    return codes


def check_tag_code(code: str, *, field: str = "tag_code") -> str:
    """The normalised code, or a 422 naming ``field`` when it is malformed."""
    problem = tag_format_problem(code)
    if problem:
        raise ValidationError.on(field, problem, code="malformed_tag")
    return normalise_tag_code(code)


def get_tag_or_raise(session: Session, *, code: str, field: str = "tag_code") -> Tag:
    """A well-formed, issued tag: 422 when malformed or never issued."""
    tag = session.get(Tag, check_tag_code(code, field=field))
    if tag is None:
        raise ValidationError.on(field, "this tag was never issued", code="unknown_tag")
    return tag


def _move(session: Session, code: str, source: str, target: str, **values) -> bool:
    result = session.execute(
        update(Tag)
        .where(Tag.tag_code == code, Tag.status == source)
        .values(status=target, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def attach_tag(session: Session, *, code: str, collector_id: int, field: str = "tag_code") -> Tag:
    """Attach an issued tag to a bag: 422 malformed/unknown/another's, 409 already used."""
    tag = get_tag_or_raise(session, code=code, field=field)
    if tag.issued_to_collector_id not in (None, collector_id):
        raise ValidationError.on(field, "this tag was issued to another collector")
    if not _move(session, tag.tag_code, "issued", "attached", attached_at=utcnow()):
        raise ConflictError(
            f"tag {tag.tag_code} is already used",
            code="tag_reused",
            errors={field: ["already used"]},
        )
    session.refresh(tag)
    return tag


def detach_tags(session: Session, *, codes: Sequence[str]) -> None:
    """Give tags of a superseded weighing back (the bag is re-weighed, the tag reused)."""
    for code in codes:
        _move(session, code, "attached", "issued", attached_at=None)


def void_tags(session: Session, *, codes: Sequence[str]) -> None:
    """Void attached tags (the resident refused: the bags never left the door)."""
    for code in codes:
        _move(session, code, "attached", "void")


def deliver_tag(session: Session, *, code: str, field: str = "tag_code") -> Tag:
    """Mark an attached tag delivered at a station: 409 when delivered (or voided) already."""
    tag = get_tag_or_raise(session, code=code, field=field)
    if not _move(session, tag.tag_code, "attached", "delivered"):
        raise ConflictError(
            f"tag {tag.tag_code} is {tag.status}, not waiting for delivery",
            code="tag_reused",
            errors={field: [f"already {tag.status}"]},
        )
    session.refresh(tag)
    return tag
