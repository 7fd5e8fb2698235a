"""What residents put out and what the scale says: items, weights and door deductions.

Pure functions of a seeded ``random.Random``. Residents guess their weights generously, so
the door weight is on average a few per cent below the booking; paper is often damp
(moisture deduction) and plastics often dirty (contamination), both within the published
limits of ``pricing.deductions``; bags and boxes weigh something (tare).
"""

from __future__ import annotations

import random
from decimal import Decimal

# (material, grade, unit, min, max, how often residents put it out); kg items in grams
MENU = (
    ("cardboard", "A", "kg", 3_000, 18_000, 30),
    ("cardboard", "B", "kg", 3_000, 12_000, 10),
    ("newspaper", "A", "kg", 2_000, 9_000, 12),
    ("mixed_paper", "A", "kg", 3_000, 10_000, 8),
    ("pet", "clear", "kg", 1_000, 6_000, 20),
    ("pet", "coloured", "kg", 1_000, 4_000, 6),
    ("hdpe", "natural", "kg", 1_000, 4_000, 4),
    ("hdpe", "mixed", "kg", 1_000, 4_000, 4),
    ("pp", "A", "kg", 1_000, 4_000, 4),
    ("ferrous", "light", "kg", 2_000, 12_000, 5),
    ("ferrous", "heavy", "kg", 4_000, 25_000, 2),
    ("aluminium", "cans", "kg", 500, 3_000, 8),
    ("copper", "mixed", "kg", 200, 2_000, 1),
    ("textiles", "A", "kg", 3_000, 10_000, 5),
    ("glass", "mixed", "kg", 3_000, 10_000, 3),
    ("ewaste_small", "broken", "piece", 1, 3, 3),
    ("fridge", "broken", "piece", 1, 1, 0.6),
    ("washing_machine", "working", "piece", 1, 1, 0.6),
)
CATEGORY = {
    "cardboard": "paper",
    "newspaper": "paper",
    "mixed_paper": "paper",
    "pet": "plastic",
    "hdpe": "plastic",
    "pp": "plastic",
    "ferrous": "metal",
    "aluminium": "metal",
    "copper": "metal",
    "textiles": "textile",
    "glass": "glass",
    "ewaste_small": "e_waste",
    "fridge": "e_waste",
    "washing_machine": "e_waste",
}
APPLIANCES = ("fridge", "washing_machine")


def pick_items(rng: random.Random) -> list[dict]:
    """One to three different items a resident books, with estimated quantities."""
    count = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
    chosen: dict[tuple[str, str], dict] = {}
    weights = [entry[5] for entry in MENU]
    while len(chosen) < count:
        material, grade, unit, low, high, _ = rng.choices(MENU, weights=weights)[0]
        if unit == "kg":
            quantity = int(round(rng.uniform(low, high), -2))
        else:
            quantity = rng.randint(low, high)
        chosen[(material, grade)] = {"material": material, "grade": grade, "quantity": quantity}
    return list(chosen.values())


def _percent(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 1)))


def door_deductions(rng: random.Random, material: str, gross_grams: int) -> list[dict]:
    """The deductions a collector applies at the door (moisture, contamination, tare)."""
    category = CATEGORY[material]
    found = []
    if gross_grams >= 2_000 and rng.random() < 0.4:
        grams = min(int(gross_grams * rng.uniform(0.01, 0.04)), gross_grams // 10)
        found.append({"kind": "tare", "grams": grams, "percent": None, "reason": "bags"})
    if category == "paper" and rng.random() < 0.35:
        found.append(
            {
                "kind": "moisture",
                "percent": _percent(rng, 2, 10),
                "grams": None,
                "reason": "damp",
            }
        )
    if category == "plastic" and rng.random() < 0.3:
        found.append(
            {
                "kind": "contamination",
                "percent": _percent(rng, 2, 10),
                "grams": None,
                "reason": "food residue and caps",
            }
        )
    if category == "metal" and rng.random() < 0.15:
        found.append(
            {
                "kind": "contamination",
                "percent": _percent(rng, 1, 8),
                "grams": None,
                "reason": "mixed",
            }
        )
    return found


def weigh_item(rng: random.Random, item: dict, unit: str) -> dict:
    """The weighing line for a booked item (without its tag): gross grams or pieces."""
    base = {"material": item["material"], "grade": item["grade"]}
    if unit != "kg":
        pieces = item["quantity"] if rng.random() > 0.1 else max(1, item["quantity"] - 1)
        return {**base, "pieces": pieces}
    # residents guess generously: the scale says about 2 % less, give or take 10 %
    gross = max(100, int(item["quantity"] * rng.lognormvariate(-0.02, 0.10)))
    return {
        **base,
        "gross_grams": gross,
        "deductions": door_deductions(rng, item["material"], gross),
    }


def station_grams(rng: random.Random, door_net_grams: int) -> int:
    """What a station's scale reads for bags weighed at the door: a little drying out,
    a little spillage, the odd bag heavier after rain."""
    return max(0, int(door_net_grams * rng.gauss(0.985, 0.012)))


def plant_grams(rng: random.Random, lot_grams: int) -> int:
    """What the buying plant's gate scale reads for a lot."""
    return max(0, int(lot_grams * rng.gauss(0.99, 0.008)))
