"""The market the city trades in: what plants will pay, drifting week by week, and the
resident tariffs the admin publishes after it (a new version every Monday).

Plants value material at a market price per kg that follows a slow random walk with a
trend per material; the resident tariff is that price less the platform's and the
collector's margins, published with a week's lag, rounded to whole cents.
"""

from __future__ import annotations

import math
import random
from datetime import date

from sqlalchemy.orm import Session

from api.seed import SEED_PRICES
from api.tariffs.service import create_tariff

# Residents get about 62 % of what plants pay (collector margin, handling, platform).
RESIDENT_SHARE = 0.62
# Weekly drift per material (log points): paper firming, virgin-resin-linked PET easing.
TRENDS = {
    "cardboard": 0.012,
    "newspaper": 0.006,
    "mixed_paper": 0.004,
    "pet": -0.008,
    "hdpe": -0.004,
    "pp": 0.0,
    "ferrous": 0.01,
    "aluminium": 0.007,
    "copper": 0.015,
    "textiles": -0.002,
    "glass": 0.0,
}
WEEKLY_VOLATILITY = 0.02


class Market:
    """Market prices per (material, grade) in cents per unit, one value per week."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.prices = {key: cents / RESIDENT_SHARE for key, cents in SEED_PRICES.items()}

    def step_week(self) -> None:
        """Move every price by a week of drift and noise."""
        for (material, grade), price in self.prices.items():
            drift = TRENDS.get(material, 0.0) + self.rng.gauss(0, WEEKLY_VOLATILITY)
            self.prices[(material, grade)] = price * math.exp(drift)

    def cents_per_unit(self, material: str, grade: str) -> float:
        """What plants pay per kg (or per piece) this week."""
        return self.prices[(material, grade)]

    def resident_tariff(self, material: str, grade: str) -> int:
        """The resident price the admin publishes for this week's market."""
        return max(1, round(self.prices[(material, grade)] * RESIDENT_SHARE))


def publish_tariffs(session: Session, *, market: Market, valid_from: date, admin_id: int) -> int:
    """A new city-wide tariff version for every material grade whose price moved."""
    published = 0
    for material, grade in SEED_PRICES:
        create_tariff(
            session,
            material=material,
            grade=grade,
            zone=None,
            price_cents_per_unit=market.resident_tariff(material, grade),
            valid_from=valid_from,
            actor_user_id=admin_id,
            source="manual",
        )
        published += 1
    return published
