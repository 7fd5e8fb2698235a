"""Custody alerts: raised once per (kind, subject, period), then acknowledged and resolved."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.custody.chain import append_custody_event, sha256_hex
from api.custody.models import CustodyAlert
from api.db import utcnow
from api.errors import ConflictError, NotFoundError
from api.events.service import record_event


def _log(session: Session, alert: CustodyAlert, kind: str, actor: int | None, **data) -> None:
    record_event(
        session,
        entity_type="custody_alert",
        entity_id=alert.custody_alert_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )
    append_custody_event(
        session,
        kind=f"alert_{kind}",
        entity_type="custody_alert",
        entity_id=alert.custody_alert_id,
        actor_user_id=actor,
        payload={
            "alert_kind": alert.kind,
            "subject": f"{alert.subject_type}:{alert.subject_id}",
            "period": alert.period,
            **data,
        },
    )


def raise_alert(
    session: Session, *, kind: str, subject_type: str, subject_id: str, period: str, details: dict
) -> tuple[CustodyAlert, bool]:
    """The alert for (kind, subject, period), created when new; ``True`` when it was."""
    stmt = select(CustodyAlert).where(
        CustodyAlert.kind == kind,
        CustodyAlert.subject_type == subject_type,
        CustodyAlert.subject_id == str(subject_id),
        CustodyAlert.period == period,
    )
    alert = session.scalar(stmt)
    if alert is not None:
        if alert.status == "open" and alert.details != details:
            alert.details = details  # a re-run sees more deliveries: keep the latest figures
        return alert, False
    try:
        # A concurrent run raising the same alert loses on the unique key, not the whole run.
        with session.begin_nested():
            alert = CustodyAlert(
                kind=kind,
                subject_type=subject_type,
                subject_id=str(subject_id),
                period=period,
                details=details,
                status="open",
            )
            session.add(alert)
            session.flush()
    except IntegrityError:
        return session.scalar(stmt), False
    _log(session, alert, "opened", None, details=details)
    return alert, True


def list_alerts(
    session: Session,
    *,
    offset: int,
    limit: int,
    status: str | None = None,
    kind: str | None = None,
    subject_type: str | None = None,
) -> tuple[list[CustodyAlert], int]:
    """Alerts, newest first, filtered by status, kind and subject type."""
    stmt = select(CustodyAlert)
    if status:
        stmt = stmt.where(CustodyAlert.status == status)
    if kind:
        stmt = stmt.where(CustodyAlert.kind == kind)
    if subject_type:
        stmt = stmt.where(CustodyAlert.subject_type == subject_type)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(
        stmt.order_by(CustodyAlert.custody_alert_id.desc()).offset(offset).limit(limit)
    )
    return list(rows), total


def _locked(session: Session, alert_id: int) -> CustodyAlert:
    alert = session.scalar(
        select(CustodyAlert).where(CustodyAlert.custody_alert_id == alert_id).with_for_update()
    )
    if alert is None:
        raise NotFoundError()
    return alert


def acknowledge_alert(session: Session, *, alert_id: int, user_id: int) -> CustodyAlert:
    """Someone is looking at it: open -> acknowledged (again: no change)."""
    alert = _locked(session, alert_id)
    if alert.status == "resolved":
        raise ConflictError("the alert is resolved already", code="alert_resolved")
    if alert.status == "open":
        alert.status = "acknowledged"
        alert.acknowledged_by_user_id = user_id
        alert.acknowledged_at = utcnow()
        _log(session, alert, "acknowledged", user_id)
    return alert


def resolve_alert(session: Session, *, alert_id: int, user_id: int, note: str) -> CustodyAlert:
    """Close it with a note saying what was found; a resolved alert stays resolved."""
    alert = _locked(session, alert_id)
    if alert.status == "resolved":
        raise ConflictError("the alert is resolved already", code="alert_resolved")
    now = utcnow()
    if alert.acknowledged_at is None:
        alert.acknowledged_by_user_id, alert.acknowledged_at = user_id, now
    alert.status = "resolved"
    alert.resolved_by_user_id = user_id
    alert.resolved_at = now
    alert.resolution_note = note
    # The chain is forever: it keeps a digest of the note, the note itself stays on the alert.
    _log(session, alert, "resolved", user_id, note_sha256=sha256_hex(note))
    return alert
