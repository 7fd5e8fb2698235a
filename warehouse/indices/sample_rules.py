"""Minimum-sample and outlier rules: an optional pre-filter applied before any index.

Rules, applied period by period in ascending order to unit values (duplicates merged):

1. an elementary product with fewer than ``min_quantity`` kg in a period is dropped for
   that period (a unit value over a few kg is too noisy to price a material);
2. a product whose price relative to its kept price in the immediately preceding period
   lies outside [1 / max_relative, max_relative] is dropped for that period. Comparing with
   the previous *kept* price means a product returning to normal after a dropped spike is
   not dropped again (it has no kept price to compare with);
3. a period in which fewer than ``min_matched`` kept products were also kept in the previous
   period (for the first period: fewer than ``min_matched`` kept products) is flagged; it is
   not dropped, because whether to publish it is an editorial decision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from warehouse.indices.observations import (
    IndexInputError,
    Observation,
    Period,
    merge_unit_values,
)


@dataclass(frozen=True)
class SampleParams:
    """Thresholds of the sample rules; the defaults apply only the [1/4, 4] outlier band."""

    min_quantity: float = 0.0
    max_relative: float | None = 4.0
    min_matched: int = 0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.min_quantity) and self.min_quantity >= 0):
            raise IndexInputError(f"min_quantity must be >= 0, got {self.min_quantity!r}")
        if self.max_relative is not None and not self.max_relative > 1:
            raise IndexInputError(f"max_relative must be > 1, got {self.max_relative!r}")
        if self.min_matched < 0:
            raise IndexInputError(f"min_matched must be >= 0, got {self.min_matched!r}")


@dataclass(frozen=True)
class DroppedObservation:
    """An observation removed by a rule, with the reason in words."""

    observation: Observation
    reason: str


@dataclass(frozen=True)
class FilterResult:
    """Kept and dropped observations, and (period, matched products) for flagged periods."""

    kept: tuple[Observation, ...]
    dropped: tuple[DroppedObservation, ...]
    flagged: tuple[tuple[Period, int], ...]


def apply_sample_rules(
    observations: Iterable[Observation], params: SampleParams | None = None
) -> FilterResult:
    """Apply the minimum-sample and outlier rules (see the module docstring)."""
    params = params or SampleParams()
    kept: list[Observation] = []
    dropped: list[DroppedObservation] = []
    flagged: list[tuple[Period, int]] = []
    previous: dict[str, float] | None = None
    for period, group in _by_period(merge_unit_values(observations)):
        current: dict[str, float] = {}
        for obs in group:
            reason = _drop_reason(obs, (previous or {}).get(obs.product), params)
            if reason:
                dropped.append(DroppedObservation(obs, reason))
            else:
                kept.append(obs)
                current[obs.product] = obs.price
        matched = len(current) if previous is None else len(current.keys() & previous.keys())
        if matched < params.min_matched:
            flagged.append((period, matched))
        previous = current
    return FilterResult(tuple(kept), tuple(dropped), tuple(flagged))


def _by_period(merged: list[Observation]) -> list[tuple[Period, list[Observation]]]:
    """Group period-ordered observations by period."""
    groups: list[tuple[Period, list[Observation]]] = []
    for obs in merged:
        if not groups or groups[-1][0] != obs.period:
            groups.append((obs.period, []))
        groups[-1][1].append(obs)
    return groups


def _drop_reason(obs: Observation, previous_price: float | None, params: SampleParams) -> str:
    """Why the observation breaks a rule, or an empty string when it is kept."""
    if obs.quantity < params.min_quantity:
        return f"{obs.quantity:g} kg is below the minimum of {params.min_quantity:g} kg"
    if params.max_relative is None or previous_price is None:
        return ""
    relative = obs.price / previous_price
    if not 1 / params.max_relative <= relative <= params.max_relative:
        return (
            f"price relative {relative:.4g} to the previous period is outside "
            f"[1/{params.max_relative:g}, {params.max_relative:g}]"
        )
    return ""
