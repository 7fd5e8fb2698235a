"""Stored route plans (inputs and result of one zone-day solve) and their per-collector routes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, UTCDateTime, utcnow
from api.zones.models import Zone

PLAN_STATUSES = ("current", "superseded")
PLAN_TRIGGERS = ("nightly", "replan", "manual")


class RoutePlan(Base):
    """One version of the plan of a zone on a local day; at most one is ``current``.

    ``inputs`` is the solved ``dispatch.Problem.to_dict()`` and ``inputs_hash`` its digest:
    a re-run with the same inputs stores nothing. ``result`` is ``RoutePlan.to_dict()``.
    ``replan_requested_at`` is the debounce mark of a pending re-plan (set by booking changes).
    """

    __tablename__ = "route_plans"
    __table_args__ = (
        UniqueConstraint("service_date", "zone_id", "version"),
        # Two solves finishing together cannot both leave a current version.
        Index(
            "uq_route_plans_current",
            "service_date",
            "zone_id",
            unique=True,
            postgresql_where=text("status = 'current'"),
            sqlite_where=text("status = 'current'"),
        ),
    )

    route_plan_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.zone_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    trigger: Mapped[str] = mapped_column(String(16))
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    inputs: Mapped[dict] = mapped_column(JSON)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    inputs_built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result: Mapped[dict] = mapped_column(JSON)
    solve_seconds: Mapped[float] = mapped_column(Float)
    pickups_planned: Mapped[int] = mapped_column(Integer)
    pickups_unassigned: Mapped[int] = mapped_column(Integer)
    replan_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    routes: Mapped[list[RoutePlanRoute]] = relationship(
        order_by="RoutePlanRoute.route_plan_route_id", lazy="selectin"
    )
    zone: Mapped[Zone] = relationship(lazy="selectin")


class RoutePlanRoute(Base):
    """One collector's route in a plan: ordered stops as stored by ``dispatch.Stop``."""

    __tablename__ = "route_plan_routes"
    __table_args__ = (UniqueConstraint("route_plan_id", "collector_id"),)

    route_plan_route_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    route_plan_id: Mapped[int] = mapped_column(ForeignKey("route_plans.route_plan_id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    vehicle_type: Mapped[str] = mapped_column(String(16))
    stops: Mapped[list] = mapped_column(JSON)
    breaks: Mapped[list] = mapped_column(JSON, default=list)
    pickup_count: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(BigInteger)
    duration_s: Mapped[int] = mapped_column(Integer)
    collected_g: Mapped[int] = mapped_column(BigInteger)
