"""The tunable rules of jobs, read once from the app config (defaults for a mid-size city)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Estimated weight of one piece for capacity checks: the catalogue prices these per piece.
ESTIMATED_PIECE_GRAMS = {"fridge": 60_000, "washing_machine": 70_000, "ewaste_small": 3_000}
DEFAULT_PIECE_GRAMS = 10_000


@dataclass(frozen=True)
class JobPolicy:
    """How many jobs a collector may hold, how close arrival must be, when to ask the resident."""

    max_jobs_per_shift_hour: int = 2
    arrival_tolerance_m: int = 150
    acceptance_threshold_pct: Decimal = Decimal(10)
    no_show_grace_minutes: int = 30
    # A ping older than this is not "where the collector is now": the feed uses home base.
    ping_fresh_minutes: int = 30
    ping_retention_days: int = 14


def policy_from_config(config) -> JobPolicy:
    """The policy from ``MAX_JOBS_PER_SHIFT_HOUR``, ``ARRIVAL_TOLERANCE_M``, ... (or defaults)."""
    default = JobPolicy()
    return JobPolicy(
        max_jobs_per_shift_hour=int(
            config.get("MAX_JOBS_PER_SHIFT_HOUR", default.max_jobs_per_shift_hour)
        ),
        arrival_tolerance_m=int(config.get("ARRIVAL_TOLERANCE_M", default.arrival_tolerance_m)),
        acceptance_threshold_pct=Decimal(
            str(config.get("WEIGHING_ACCEPTANCE_THRESHOLD_PCT", default.acceptance_threshold_pct))
        ),
        no_show_grace_minutes=int(
            config.get("NO_SHOW_GRACE_MINUTES", default.no_show_grace_minutes)
        ),
        ping_fresh_minutes=int(config.get("PING_FRESH_MINUTES", default.ping_fresh_minutes)),
        ping_retention_days=int(config.get("PING_RETENTION_DAYS", default.ping_retention_days)),
    )


def estimated_grams(material_code: str, unit: str, quantity: int) -> int:
    """Grams an item is expected to weigh: its quantity for kg items, a per-piece guess else."""
    if unit == "kg":
        return quantity
    return quantity * ESTIMATED_PIECE_GRAMS.get(material_code, DEFAULT_PIECE_GRAMS)
