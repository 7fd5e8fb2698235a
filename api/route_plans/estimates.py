"""What a booking weighs, fills and takes at the door, from its estimated items.

Residents estimate grams for kg materials and count pieces for appliances; the figures
below turn that into the solver's integer grams, litres and seconds. They are planning
estimates (a van-load is never decided by them alone) and are easy to tune here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from dispatch import VehicleType

SERVICE_BASE_S = 300  # ring, greet, open the scale
SERVICE_PER_10KG_S = 60
SERVICE_PER_APPLIANCE_S = 900  # carry down, strap on
SERVICE_PER_PIECE_S = 60
PIECE_GRAMS = {"fridge": 60_000, "washing_machine": 70_000, "ewaste_small": 3_000}
DEFAULT_PIECE_GRAMS = 5_000
PIECE_LITRES = {"fridge": 500, "washing_machine": 300, "ewaste_small": 10}
DEFAULT_PIECE_LITRES = 20
# Loose, as handed over at the door (bottles are mostly air, metal is dense).
LITRES_PER_KG = {"paper": 8, "plastic": 20, "metal": 2, "textile": 6, "glass": 3}
DEFAULT_LITRES_PER_KG = 5
APPLIANCE_SKILL = "appliance"
VEHICLE_TYPES = {
    "tricycle": VehicleType.TRICYCLE,
    "e-bike": VehicleType.E_BIKE,
    "van": VehicleType.VAN,
    "truck": VehicleType.TRUCK,
}


@dataclass(frozen=True)
class Load:
    """One booking's planning figures."""

    grams: int
    litres: int
    service_s: int
    skill: str | None


def estimate_load(items: Iterable, materials: dict) -> Load:
    """Grams, litres, service seconds and required skill of a booking's items.

    Service: 5 min at the door, plus 1 min per started 10 kg, plus 15 min per appliance
    (1 min per other piece).
    """
    grams = litres = kg_grams = 0
    service = SERVICE_BASE_S
    skills = set()
    for item in items:
        material = materials[item.material_id]
        if material.required_skill:
            skills.add(material.required_skill)
        if item.unit == "piece":
            grams += item.estimated_quantity * PIECE_GRAMS.get(
                item.material_code, DEFAULT_PIECE_GRAMS
            )
            litres += item.estimated_quantity * PIECE_LITRES.get(
                item.material_code, DEFAULT_PIECE_LITRES
            )
            per_piece = (
                SERVICE_PER_APPLIANCE_S
                if material.required_skill == APPLIANCE_SKILL
                else SERVICE_PER_PIECE_S
            )
            service += item.estimated_quantity * per_piece
        else:
            kg_grams += item.estimated_quantity
            per_kg = LITRES_PER_KG.get(material.category, DEFAULT_LITRES_PER_KG)
            litres += math.ceil(item.estimated_quantity * per_kg / 1000)
    service += math.ceil(kg_grams / 10_000) * SERVICE_PER_10KG_S
    return Load(grams + kg_grams, litres, service, combined_skill(skills))


def combined_skill(skills: set[str]) -> str | None:
    """One skill name for a set: dispatch matches one required skill per pickup."""
    return "+".join(sorted(skills)) if skills else None


def skill_set(skills: Iterable[str]) -> frozenset[str]:
    """A collector's skills plus every combination of them (``appliance+e-waste``)."""
    unique = sorted(set(skills))
    combos = (
        combined_skill(set(c))
        for size in range(1, len(unique) + 1)
        for c in itertools.combinations(unique, size)
    )
    return frozenset(combos)


def vehicle_type(name: str) -> VehicleType:
    """The dispatch vehicle type of a collector's ``vehicle_type``."""
    return VEHICLE_TYPES[name]
