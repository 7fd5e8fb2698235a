"""Consent rules and the credit view: the collector always, a lender only with consent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.collectors.models import Collector
from api.credit.models import CreditConsent
from api.db import utcnow
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.service import record_event
from api.warehouse_api.service import get_credit_history_or_raise
from warehouse.extract.pseudonymise import pseudonym


def _collector_of(session: Session, user_id: int) -> Collector:
    collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
    if collector is None:
        raise NotFoundError("enrol as a collector first")
    return collector


def _active_consent(session: Session, collector_id: int, lender_user_id: int):
    return session.scalar(
        select(CreditConsent).where(
            CreditConsent.collector_id == collector_id,
            CreditConsent.lender_user_id == lender_user_id,
            CreditConsent.revoked_at.is_(None),
        )
    )


def grant_consent(session: Session, *, user_id: int, lender_user_id: int) -> CreditConsent:
    """The signed-in collector lets one lender read their credit score."""
    collector = _collector_of(session, user_id)
    lender = session.get(User, lender_user_id)
    if lender is None or lender.role != "lender" or not lender.is_active:
        raise ValidationError.on("lender_user_id", "not a lender on this platform")
    if _active_consent(session, collector.collector_id, lender_user_id) is not None:
        raise ConflictError("this lender already has your consent")
    consent = CreditConsent(collector_id=collector.collector_id, lender_user_id=lender_user_id)
    session.add(consent)
    session.flush()
    record_event(
        session,
        entity_type="collector",
        entity_id=collector.collector_id,
        kind="credit_consent_granted",
        actor_user_id=user_id,
        data={"lender_user_id": lender_user_id},
    )
    return consent


def list_consents(session: Session, *, user_id: int) -> list[CreditConsent]:
    """The collector's consents, newest first (revoked ones included, for the record)."""
    collector = _collector_of(session, user_id)
    stmt = (
        select(CreditConsent)
        .where(CreditConsent.collector_id == collector.collector_id)
        .order_by(CreditConsent.credit_consent_id.desc())
    )
    return list(session.scalars(stmt))


def revoke_consent(session: Session, *, user_id: int, credit_consent_id: int) -> CreditConsent:
    """End a lender's access; a consent of someone else is a 404."""
    collector = _collector_of(session, user_id)
    consent = session.get(CreditConsent, credit_consent_id)
    if consent is None or consent.collector_id != collector.collector_id:
        raise NotFoundError()
    if consent.revoked_at is None:
        consent.revoked_at = utcnow()
        record_event(
            session,
            entity_type="collector",
            entity_id=collector.collector_id,
            kind="credit_consent_revoked",
            actor_user_id=user_id,
            data={"lender_user_id": consent.lender_user_id},
        )
    return consent


def get_credit_for_viewer(
    session: Session, *, collector_id: int, user_id: int, role: str, hmac_key: str
) -> list[dict]:
    """The collector's score history, for the collector or a consented lender; else 404."""
    collector = session.get(Collector, collector_id)
    if collector is None:
        raise NotFoundError()
    allowed = (role == "collector" and collector.user_id == user_id) or (
        role == "lender" and _active_consent(session, collector_id, user_id) is not None
    )
    if not allowed:
        raise NotFoundError()
    return get_credit_history_or_raise(collector_key=pseudonym(hmac_key, "collector", collector_id))
