"""Printable bag labels: a QR code of the tag code, with the code in clear text under it."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.collectors.models import Collector
from api.custody.chain import append_custody_event
from api.custody.models import Tag
from api.custody.service_tags import issue_tags
from api.custody.tags import normalise_tag_code, tag_format_problem
from api.errors import NotFoundError, ValidationError

SCALE = 6
BORDER = 4
# Medium error correction survives a scuffed or wet bag label.
ERROR_LEVEL = "m"
BATCH_MAX = 500


def _qr(code: str) -> segno.QRCode:
    return segno.make(code, error=ERROR_LEVEL, micro=False)


def label_svg(code: str) -> str:
    """An SVG label: the QR code and the human-readable code below it."""
    qr = _qr(code)
    width, height = qr.symbol_size(scale=SCALE, border=BORDER)
    inner = qr.svg_inline(scale=SCALE, border=BORDER)
    text_y = height + 22
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 32}" '
        f'viewBox="0 0 {width} {height + 32}">'
        f'<rect width="100%" height="100%" fill="#fff"/>{inner}'
        f'<text x="{width // 2}" y="{text_y}" font-family="monospace" font-size="16" '
        f'text-anchor="middle">{escape(code)}</text></svg>'
    )


def label_png(code: str) -> bytes:
    """A PNG of the QR code (the code is printed next to it by the label template)."""
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()


def get_tag_for_label(session: Session, *, code: str, user_id: int) -> Tag:
    """The tag if the caller may print it: admins, station staff, the collector holding it."""
    problem = tag_format_problem(code)
    if problem:
        raise ValidationError.on("code", problem, code="malformed_tag")
    tag = session.get(Tag, normalise_tag_code(code))
    user = session.get(User, user_id)
    if tag is None:
        raise NotFoundError()
    if user.role in ("admin", "station"):
        return tag
    holder = session.scalar(
        select(Collector.user_id).where(Collector.collector_id == tag.issued_to_collector_id)
    )
    if user.role != "collector" or holder != user_id:
        raise NotFoundError()
    return tag


def issue_tag_batch(
    session: Session, *, collector_id: int, count: int, actor_user_id: int
) -> list[str]:
    """Issue ``count`` tags to an approved collector and chain the issue."""
    collector = session.get(Collector, collector_id)
    if collector is None:
        raise ValidationError.on("collector_id", "no such collector")
    if collector.status != "approved":
        raise ValidationError.on("collector_id", f"the collector is {collector.status}")
    codes = issue_tags(session, collector_id=collector_id, count=count)
    append_custody_event(
        session,
        kind="tags_issued",
        entity_type="collector",
        entity_id=collector_id,
        actor_user_id=actor_user_id,
        payload={"tag_codes": sorted(codes)},
    )
    return codes
