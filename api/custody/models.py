"""Custody: issued bag tags, manifests, the hash chain, checkpoints, alerts, compliance cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, TimestampMixin, UTCDateTime, utcnow

TAG_STATUSES = ("issued", "attached", "delivered", "sold", "received", "void")


class Tag(TimestampMixin, Base):
    """A tag the platform issued; it is attached to one bag at a weighing, once."""

    __tablename__ = "tags"

    tag_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    issued_to_collector_id: Mapped[int | None] = mapped_column(
        ForeignKey("collectors.collector_id"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="issued", index=True)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# ---- manifests, the custody chain, checkpoints, alerts, compliance cases ----

MANIFEST_KINDS = ("pickup", "dropoff", "lot_handover", "plant_receipt")
# pending: waiting for one or both confirmations; confirmed: frozen; void: replaced by a correction
MANIFEST_STATUSES = ("pending", "confirmed", "void")
PARTY_ROLES = ("resident", "collector", "station", "plant")


class Manifest(TimestampMixin, Base):
    """One hand-over of material between two parties, one version of it.

    Parties are kept as role + internal id (for who may confirm) and as an outward reference
    (pseudonym for residents) that is all anyone else ever sees. ``place_*`` is a station,
    a plant or a zone with a ~1 km cell: never a resident's address.
    """

    __tablename__ = "manifests"
    __table_args__ = (
        Index("ix_manifests_subject", "subject_type", "subject_id"),
        Index("ix_manifests_kind_handed_over_at", "kind", "handed_over_at"),
    )

    manifest_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject_type: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(BigId)
    version: Mapped[int] = mapped_column(Integer, default=1)
    root_manifest_id: Mapped[int | None] = mapped_column(BigId, index=True)
    replaces_manifest_id: Mapped[int | None] = mapped_column(
        ForeignKey("manifests.manifest_id"), unique=True
    )
    voided_by_manifest_id: Mapped[int | None] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    sender_role: Mapped[str] = mapped_column(String(16))
    sender_id: Mapped[int] = mapped_column(BigId, index=True)
    sender_ref: Mapped[str] = mapped_column(String(40))
    receiver_role: Mapped[str] = mapped_column(String(16))
    receiver_id: Mapped[int] = mapped_column(BigId, index=True)
    receiver_ref: Mapped[str] = mapped_column(String(40))
    handed_over_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place_kind: Mapped[str] = mapped_column(String(16))
    place_ref: Mapped[str] = mapped_column(String(40))
    zone_code: Mapped[str | None] = mapped_column(String(32), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list[ManifestLine]] = relationship(
        order_by="ManifestLine.manifest_line_id", lazy="selectin"
    )
    confirmations: Mapped[list[ManifestConfirmation]] = relationship(
        order_by="ManifestConfirmation.manifest_confirmation_id", lazy="selectin"
    )


class ManifestLine(Base):
    """One material in a hand-over: its tags and the weight each side measured."""

    __tablename__ = "manifest_lines"

    manifest_line_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    manifest_id: Mapped[int] = mapped_column(ForeignKey("manifests.manifest_id"), index=True)
    material_code: Mapped[str] = mapped_column(String(32), index=True)
    grade: Mapped[str | None] = mapped_column(String(32))
    tag_codes: Mapped[list] = mapped_column(JSON, default=list)
    sender_grams: Mapped[int | None] = mapped_column(BigInteger)
    receiver_grams: Mapped[int | None] = mapped_column(BigInteger)
    pieces: Mapped[int | None] = mapped_column(Integer)


class ManifestConfirmation(Base):
    """A party's confirmation in the app, bound to the content hash it saw."""

    __tablename__ = "manifest_confirmations"
    __table_args__ = (UniqueConstraint("manifest_id", "party"),)

    manifest_confirmation_id: Mapped[int] = mapped_column(
        BigId, primary_key=True, autoincrement=True
    )
    manifest_id: Mapped[int] = mapped_column(ForeignKey("manifests.manifest_id"), index=True)
    party: Mapped[str] = mapped_column(String(8))  # sender | receiver
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustodyEvent(Base):
    """One link of the append-only hash chain; the database refuses UPDATE and DELETE."""

    __tablename__ = "custody_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    event_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[str] = mapped_column(String(40))
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


Index("ix_custody_events_entity", CustodyEvent.entity_type, CustodyEvent.entity_id)


class CustodyChainHead(Base):
    """The single row every append locks, so the chain has one writer at a time."""

    __tablename__ = "custody_chain_heads"

    chain_head_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))


class CustodyCheckpoint(Base):
    """A signed statement of the chain head (seq and hash) on one day."""

    __tablename__ = "custody_checkpoints"

    custody_checkpoint_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    checkpoint_date: Mapped[date] = mapped_column(Date, index=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(BigInteger)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


ALERT_KINDS = ("collector_shortfall", "station_shortfall", "tag_undelivered", "route_stray")
ALERT_STATUSES = ("open", "acknowledged", "resolved")


class CustodyAlert(TimestampMixin, Base):
    """A mass-balance, tag or route anomaly; one per (kind, subject, period)."""

    __tablename__ = "custody_alerts"
    __table_args__ = (UniqueConstraint("kind", "subject_type", "subject_id", "period"),)

    custody_alert_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    acknowledged_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str | None] = mapped_column(String(500))


COMPLIANCE_SUBJECTS = ("collector", "plant")
CASE_KINDS = ("review", "suspension")


class ComplianceCase(TimestampMixin, Base):
    """A review or a suspension of a collector or plant: opened, later closed, never deleted."""

    __tablename__ = "compliance_cases"

    compliance_case_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(BigId)
    case_kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500))
    score_at_open: Mapped[int | None] = mapped_column(Integer)
    opened_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_note: Mapped[str | None] = mapped_column(String(500))


Index(
    "ix_compliance_cases_subject",
    ComplianceCase.subject_kind,
    ComplianceCase.subject_id,
    ComplianceCase.case_kind,
)
