"""Compliance rating of collectors and plants: a documented, pure score and what feeds it.

Score = 100, less (each capped):

| signal (last 90 days)                                      | points each | cap |
|------------------------------------------------------------|------------:|----:|
| open custody alert (not resolved)                          | 10 | 40 |
| custody alert raised (any state)                           |  3 | 15 |
| dispute (collectors: of their weighings; plants: receipt corrected) | 5 | 20 |
| lateness (collectors: bags delivered late; plants: lots collected late) | 3 | 15 |
| no-show (collectors: missed jobs; plants: awarded lots never collected) | 10 | 30 |
| permit not valid (status, expired certificate or permit)   | 50 | 50 |

clamped to 0..100. Bands: ``good`` >= 80, ``watch`` >= 60, ``review`` >= 40 (a review
should be opened), ``suspension`` below 40 (a suspension may be decided). Nothing here
suspends anyone: an admin or a regulator acts through ``compliance_actions``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.collectors.models import Collector, CollectorSkill
from api.custody.models import CustodyAlert, Manifest
from api.db import utcnow
from api.jobs.models import Dispute
from api.lots.models import Lot
from api.plants.models import Plant

WINDOW_DAYS = 90
REVIEW_BELOW = 60
SUSPENSION_BELOW = 40
PENALTIES = {
    "open_alerts": (10, 40),
    "alerts": (3, 15),
    "disputes": (5, 20),
    "late": (3, 15),
    "no_shows": (10, 30),
}
PERMIT_PENALTY = 50


@dataclass(frozen=True)
class ComplianceInputs:
    """Counts over the window, and whether the permit (or enrolment) is valid."""

    open_alerts: int = 0
    alerts: int = 0
    disputes: int = 0
    late: int = 0
    no_shows: int = 0
    permit_valid: bool = True


@dataclass(frozen=True)
class ComplianceScore:
    """The score, its band and the deductions that made it."""

    score: int
    band: str
    deductions: dict[str, int]


def band_of(score: int) -> str:
    """The band a score falls in."""
    if score >= 80:
        return "good"
    if score >= REVIEW_BELOW:
        return "watch"
    if score >= SUSPENSION_BELOW:
        return "review"
    return "suspension"


def score_compliance(inputs: ComplianceInputs) -> ComplianceScore:
    """The compliance score of one subject (pure; see the table above)."""
    deductions = {}
    for name, (each, cap) in PENALTIES.items():
        count = getattr(inputs, name)
        if count:
            deductions[name] = min(each * count, cap)
    if not inputs.permit_valid:
        deductions["permit"] = PERMIT_PENALTY
    score = max(0, min(100, 100 - sum(deductions.values())))
    return ComplianceScore(score, band_of(score), deductions)


def _alert_counts(session: Session, since) -> dict[tuple[str, str], list[int]]:
    """(subject type, id) -> [open, total]; bag alerts count against their collector."""
    counts: dict[tuple[str, str], list[int]] = {}
    stmt = select(CustodyAlert).where(CustodyAlert.created_at >= since)
    for alert in session.scalars(stmt):
        key = (alert.subject_type, alert.subject_id)
        if alert.subject_type == "tag":
            key = ("collector", str(alert.details.get("collector_id")))
        entry = counts.setdefault(key, [0, 0, 0])
        entry[0] += alert.status != "resolved"
        entry[1] += 1
        entry[2] += alert.kind == "tag_undelivered"
    return counts


def collector_inputs(session: Session, *, today: date) -> dict[int, ComplianceInputs]:
    """Inputs for every collector ever approved."""
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    alerts = _alert_counts(session, since)
    disputes = dict(
        session.execute(
            select(Booking.collector_id, func.count(Dispute.dispute_id))
            .join(Booking, Booking.booking_id == Dispute.booking_id)
            .where(Dispute.created_at >= since)
            .group_by(Booking.collector_id)
        ).all()
    )
    expired = set(
        session.scalars(
            select(CollectorSkill.collector_id).where(CollectorSkill.expires_on < today)
        )
    )
    result = {}
    stmt = select(Collector).where(Collector.status.in_(("approved", "suspended")))
    for collector in session.scalars(stmt):
        open_alerts, total, late = alerts.get(("collector", str(collector.collector_id)), [0] * 3)
        result[collector.collector_id] = ComplianceInputs(
            open_alerts=open_alerts,
            alerts=total,
            disputes=disputes.get(collector.collector_id, 0),
            late=late,
            no_shows=collector.no_show_count or 0,
            permit_valid=collector.collector_id not in expired,
        )
    return result


def plant_inputs(session: Session, *, today: date) -> dict[int, ComplianceInputs]:
    """Inputs for every approved or suspended plant."""
    now = utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    alerts = _alert_counts(session, since)
    corrected = dict(
        session.execute(
            select(Manifest.receiver_id, func.count(Manifest.manifest_id))
            .where(
                Manifest.kind == "plant_receipt",
                Manifest.version > 1,
                Manifest.created_at >= since,
            )
            .group_by(Manifest.receiver_id)
        ).all()
    )
    result = {}
    stmt = select(Plant).where(Plant.status.in_(("approved", "suspended")))
    for plant in session.scalars(stmt):
        lots = session.scalars(
            select(Lot).where(Lot.plant_id == plant.plant_id, Lot.collection_ends_at >= since)
        )
        late = no_shows = 0
        for lot in lots:
            if lot.collected_at is not None and lot.collected_at > lot.collection_ends_at:
                late += 1
            elif lot.collected_at is None and lot.collection_ends_at < now:
                no_shows += lot.status in ("awarded", "paid")
        open_alerts, total, _ = alerts.get(("plant", str(plant.plant_id)), [0] * 3)
        result[plant.plant_id] = ComplianceInputs(
            open_alerts=open_alerts,
            alerts=total,
            disputes=corrected.get(plant.plant_id, 0),
            late=late,
            no_shows=no_shows,
            permit_valid=plant.permit_expires_on >= today,
        )
    return result


def compliance_report(session: Session, *, today: date) -> list[dict]:
    """Every collector's and plant's score, worst first."""
    rows = []
    for kind, inputs in (
        ("collector", collector_inputs(session, today=today)),
        ("plant", plant_inputs(session, today=today)),
    ):
        for subject_id, subject_inputs in inputs.items():
            scored = score_compliance(subject_inputs)
            rows.append(
                {
                    "subject_kind": kind,
                    "subject_id": subject_id,
                    "score": scored.score,
                    "band": scored.band,
                    "deductions": scored.deductions,
                    "inputs": asdict(subject_inputs),
                }
            )
    rows.sort(key=lambda r: (r["score"], r["subject_kind"], r["subject_id"]))
    return rows
