"""Reviews and suspensions of collectors and plants: opened and closed by a person, recorded.

Entry: ``open_review`` or ``suspend`` (with a reason). Exit: ``close_review`` or ``reinstate``
(with a note). Suspending sets the collector's or plant's status to ``suspended`` with the
reason; reinstating sets it back to ``approved``. Nothing is ever suspended automatically:
``flag_low_scores`` only records that a score fell below the review threshold.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.collectors.models import Collector
from api.custody.chain import append_custody_event, sha256_hex
from api.custody.compliance import (
    REVIEW_BELOW,
    collector_inputs,
    compliance_report,
    plant_inputs,
    score_compliance,
)
from api.custody.models import ComplianceCase
from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.models import Event
from api.events.service import record_event
from api.plants.models import Plant
from api.timeutil import local_day_bounds

ACTIONS = {
    # action: (case kind, opens?)
    "open_review": ("review", True),
    "close_review": ("review", False),
    "suspend": ("suspension", True),
    "reinstate": ("suspension", False),
}


def _subject(session: Session, kind: str, subject_id: int):
    model = {"collector": Collector, "plant": Plant}[kind]
    subject = session.get(model, subject_id, with_for_update=True)
    if subject is None:
        raise NotFoundError()
    return subject


def _open_case(session: Session, kind: str, subject_id: int, case_kind: str):
    return session.scalar(
        select(ComplianceCase).where(
            ComplianceCase.subject_kind == kind,
            ComplianceCase.subject_id == subject_id,
            ComplianceCase.case_kind == case_kind,
            ComplianceCase.closed_at.is_(None),
        )
    )


def _current_score(session: Session, kind: str, subject_id: int, today: date) -> int | None:
    inputs = (collector_inputs if kind == "collector" else plant_inputs)(session, today=today)
    found = inputs.get(subject_id)
    return score_compliance(found).score if found else None


def _set_status(subject, status: str, reason: str | None) -> None:
    subject.status = status
    subject.status_reason = reason
    subject.version = (subject.version or 0) + 1


def take_compliance_action(
    session: Session,
    *,
    kind: str,
    subject_id: int,
    action: str,
    text: str | None,
    actor_user_id: int,
    today: date,
) -> ComplianceCase:
    """Open or close a review or a suspension; returns the case."""
    subject = _subject(session, kind, subject_id)
    case_kind, opens = ACTIONS[action]
    if not text:
        raise ValidationError.on("reason" if opens else "note", "say why")
    case = _open_case(session, kind, subject_id, case_kind)
    if opens and case is not None:
        raise ConflictError(f"a {case_kind} is open already", code="case_open")
    if not opens and case is None:
        raise ConflictError(f"no open {case_kind}", code="no_open_case")
    if action == "suspend" and subject.status != "approved":
        raise ConflictError(f"a {kind} that is {subject.status} cannot be suspended")
    now = utcnow()
    if opens:
        case = ComplianceCase(
            subject_kind=kind,
            subject_id=subject_id,
            case_kind=case_kind,
            reason=text,
            score_at_open=_current_score(session, kind, subject_id, today),
            opened_by_user_id=actor_user_id,
            opened_at=now,
        )
        session.add(case)
    else:
        case.closed_by_user_id, case.closed_at, case.close_note = actor_user_id, now, text
    if action == "suspend":
        _set_status(subject, "suspended", text)
    elif action == "reinstate" and subject.status == "suspended":
        _set_status(subject, "approved", None)
    session.flush()
    _record(session, kind, subject_id, action, actor_user_id, case, text)
    return case


def _record(session, kind, subject_id, action, actor, case, text) -> None:
    record_event(
        session,
        entity_type=kind,
        entity_id=subject_id,
        kind=action,
        actor_user_id=actor,
        data={"compliance_case_id": case.compliance_case_id, "score": case.score_at_open},
    )
    append_custody_event(
        session,
        kind=f"compliance_{action}",
        entity_type=kind,
        entity_id=subject_id,
        actor_user_id=actor,
        payload={
            "compliance_case_id": case.compliance_case_id,
            "score_at_open": case.score_at_open,
            "text_sha256": sha256_hex(text),
        },
    )


def list_cases(session: Session, *, kind: str, subject_id: int) -> list[ComplianceCase]:
    """A subject's reviews and suspensions, oldest first."""
    stmt = (
        select(ComplianceCase)
        .where(ComplianceCase.subject_kind == kind, ComplianceCase.subject_id == subject_id)
        .order_by(ComplianceCase.compliance_case_id)
    )
    return list(session.scalars(stmt))


def flag_low_scores(session: Session, *, today: date) -> int:
    """Record ``compliance_below_threshold`` once a day per subject scoring under REVIEW_BELOW."""
    start, _ = local_day_bounds(today)
    flagged = 0
    for row in compliance_report(session, today=today):
        if row["score"] >= REVIEW_BELOW:
            continue
        seen = session.scalar(
            select(Event.event_id).where(
                Event.entity_type == row["subject_kind"],
                Event.entity_id == row["subject_id"],
                Event.kind == "compliance_below_threshold",
                Event.occurred_at >= start,
            )
        )
        if seen is None:
            record_event(
                session,
                entity_type=row["subject_kind"],
                entity_id=row["subject_id"],
                kind="compliance_below_threshold",
                data={"score": row["score"], "band": row["band"]},
            )
            flagged += 1
    return flagged
