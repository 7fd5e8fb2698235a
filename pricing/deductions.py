"""Deductions at the door: tare, moisture and contamination, by published rules.

Order: tare (grams) is subtracted from the gross weight first; moisture and contamination
percentages are then both taken of that after-tare mass and added together; the net weight
is rounded DOWN to whole grams (the resident is never credited for a fraction of a gram they
did not hand over) and never goes below zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from pricing.errors import DeductionError

HUNDRED = Decimal(100)


class DeductionKind(StrEnum):
    """What a deduction at the door is for."""

    MOISTURE = "moisture"
    CONTAMINATION = "contamination"
    TARE = "tare"


@dataclass(frozen=True)
class DeductionRule:
    """A published limit: a deduction of ``kind`` may be at most ``max_percent``.

    For moisture and contamination the percent is of the after-tare mass; for tare it is the
    tare's share of the gross weight.
    """

    kind: DeductionKind
    max_percent: Decimal
    description: str


@dataclass(frozen=True)
class Deduction:
    """One deduction applied at the door: tare carries ``grams``, the others ``percent``."""

    kind: DeductionKind
    percent: Decimal | None
    grams: int | None
    reason: str


def _rules(max_moisture: int, max_contamination: int, max_tare: int) -> tuple[DeductionRule, ...]:
    return (
        DeductionRule(
            DeductionKind.TARE, Decimal(max_tare), f"Container weight, at most {max_tare}% of gross"
        ),
        DeductionRule(
            DeductionKind.MOISTURE, Decimal(max_moisture), f"Excess water, at most {max_moisture}%"
        ),
        DeductionRule(
            DeductionKind.CONTAMINATION,
            Decimal(max_contamination),
            f"Foreign material, at most {max_contamination}%",
        ),
    )


# Published defaults per material category: (max moisture %, max contamination %, max tare %).
DEFAULT_LIMITS: dict[str, tuple[int, int, int]] = {
    "paper": (15, 10, 10),
    "plastic": (5, 15, 10),
    "metal": (2, 10, 10),
    "glass": (0, 10, 10),
    "textile": (10, 10, 10),
    "e_waste": (0, 0, 10),
}


def default_rules_for(material_category: str) -> tuple[DeductionRule, ...]:
    """Return the published default deduction rules for a material category."""
    try:
        limits = DEFAULT_LIMITS[material_category]
    except KeyError:
        known = ", ".join(sorted(DEFAULT_LIMITS))
        raise DeductionError(
            "material_category", f"unknown category {material_category!r} (known: {known})"
        ) from None
    return _rules(*limits)


def net_grams(
    gross_grams: int, deductions: Sequence[Deduction], rules: Sequence[DeductionRule]
) -> int:
    """Return the net weight in grams after the deductions, checked against the rules.

    Tare is subtracted first, then moisture % + contamination % of the after-tare mass; the
    result is rounded down to whole grams and floored at zero. At most one deduction per
    kind; each must have a published rule and stay within its ``max_percent``.
    """
    if isinstance(gross_grams, bool) or not isinstance(gross_grams, int) or gross_grams < 0:
        raise DeductionError("gross_grams", f"must be a non-negative int, got {gross_grams!r}")
    by_kind = _index_rules(rules)
    seen: set[DeductionKind] = set()
    tare = 0
    percent_off = Decimal(0)
    for deduction in deductions:
        kind = _check_kind(deduction.kind, by_kind, seen)
        rule = by_kind[kind]
        if kind is DeductionKind.TARE:
            tare = _check_tare(deduction, rule, gross_grams)
        else:
            percent_off += _check_percent(deduction, rule)
    after_tare = gross_grams - tare
    # Rounded once, down: a fraction of a gram is never credited to the resident.
    kept = Decimal(after_tare) * (HUNDRED - percent_off) / HUNDRED
    return max(0, int(kept.to_integral_value(rounding=ROUND_FLOOR)))


def _index_rules(rules: Sequence[DeductionRule]) -> dict[DeductionKind, DeductionRule]:
    by_kind: dict[DeductionKind, DeductionRule] = {}
    for rule in rules:
        try:
            kind = DeductionKind(rule.kind)
        except ValueError:
            raise DeductionError("rules", f"unknown deduction kind {rule.kind!r}") from None
        if kind in by_kind:
            raise DeductionError("rules", f"two rules for {kind.value}")
        if not isinstance(rule.max_percent, Decimal) or not (0 <= rule.max_percent <= HUNDRED):
            raise DeductionError("rules", f"{kind.value} max_percent must be a Decimal in 0..100")
        by_kind[kind] = rule
    return by_kind


def _check_kind(
    raw_kind: str, by_kind: dict[DeductionKind, DeductionRule], seen: set[DeductionKind]
) -> DeductionKind:
    try:
        kind = DeductionKind(raw_kind)
    except ValueError:
        raise DeductionError("kind", f"unknown deduction kind {raw_kind!r}") from None
    if kind not in by_kind:
        raise DeductionError("kind", f"no published rule for {kind.value}")
    if kind in seen:
        raise DeductionError("kind", f"{kind.value} deducted twice")
    seen.add(kind)
    return kind


def _check_tare(deduction: Deduction, rule: DeductionRule, gross_grams: int) -> int:
    if deduction.percent is not None:
        raise DeductionError("percent", "tare is deducted in grams, not percent")
    grams = deduction.grams
    if isinstance(grams, bool) or not isinstance(grams, int):
        raise DeductionError("grams", f"tare needs integer grams, got {grams!r}")
    if grams < 0:
        raise DeductionError("grams", f"tare must not be negative, got {grams}")
    if grams * HUNDRED > rule.max_percent * gross_grams:
        raise DeductionError(
            "grams", f"tare {grams} g exceeds {rule.max_percent}% of gross {gross_grams} g"
        )
    return grams


def _check_percent(deduction: Deduction, rule: DeductionRule) -> Decimal:
    kind = DeductionKind(deduction.kind).value
    if deduction.grams is not None:
        raise DeductionError("grams", f"{kind} is deducted in percent, not grams")
    percent = deduction.percent
    if not isinstance(percent, Decimal) or not percent.is_finite():
        raise DeductionError("percent", f"{kind} needs a finite Decimal percent, got {percent!r}")
    if percent < 0:
        raise DeductionError("percent", f"{kind} must not be negative, got {percent}")
    if percent > rule.max_percent:
        raise DeductionError(
            "percent", f"{kind} {percent}% exceeds the maximum {rule.max_percent}%"
        )
    return percent
