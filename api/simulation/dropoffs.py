"""Drop-offs at stations: staff weigh a collector's bags per material and scan every tag.

The station's scale reads a little less than the doors' scales did (paper dries, bags
spill); appliances are counted, weighed and paid at the station's agreed price per piece.
A refused delivery (a bag the station will not take) leaves the bags on the vehicle for
the next drop-off.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from api.jobs.policy import estimated_grams
from api.simulation.city import CollectorAgent, StationAgent
from api.simulation.custody import confirm_handover
from api.simulation.weights import station_grams
from api.simulation.world import Bag, World
from api.stations.service import receive_delivery
from dispatch.matrix import haversine_m
from dispatch.model import Location

# what stations pay for an appliance over the resident price (kg goods follow the ledger's
# tariff + collector margin)
PIECE_MARKUP = 1.1


def home_station(world: World, agent: CollectorAgent, where: tuple[float, float]) -> StationAgent:
    """The station a collector sells to: in their home zone (the nearest one if several).

    Collectors keep to the station that knows them; it also gathers a zone's material at one
    place, so lots of each grade come up week after week.
    """
    zone_id = world.city.zones[agent.zone_codes[0]][0]
    here = Location(lat=where[0], lon=where[1])
    candidates = [s for s in world.city.stations if s.zone_id == zone_id] or world.city.stations
    return min(
        candidates, key=lambda s: haversine_m(here, Location(lat=s.latitude, lon=s.longitude))
    )


def schedule_unload(
    world: World,
    agent: CollectorAgent,
    at: datetime,
    station_id: int | None,
    *,
    near: tuple[float, float] | None = None,
) -> None:
    """Diary a drop-off of everything on the collector's vehicle at ``at``."""
    if station_id is None:
        station = home_station(world, agent, near or agent.home)
    else:
        station = next(s for s in world.city.stations if s.station_id == station_id)
    world.agenda.add(at, lambda a: unload(world, agent, station), label="unload_check")


def delivery_lines(world: World, bags: list[Bag]) -> list[dict]:
    """One line per material grade: the station's weight and every tag scanned."""
    grouped: dict[tuple[str, str], list[Bag]] = defaultdict(list)
    for bag in bags:
        grouped[(bag.material, bag.grade)].append(bag)
    lines = []
    for (material, grade), group in sorted(grouped.items()):
        line = {"material": material, "grade": grade, "tag_codes": [b.tag_code for b in group]}
        if group[0].unit == "kg":
            line["net_grams"] = station_grams(world.rng, sum(b.net_grams for b in group))
        else:
            pieces = sum(b.pieces or 0 for b in group)
            line["net_grams"] = estimated_grams(material, "piece", pieces)
            line["amount_cents"] = round(
                sum((b.pieces or 0) * b.unit_price_cents for b in group) * PIECE_MARKUP
            )
        lines.append(line)
    return lines


def unload(world: World, agent: CollectorAgent, station: StationAgent) -> None:
    """Hand the vehicle's bags to the station (nothing to do with an empty vehicle)."""
    bags = world.loads.pop(agent.collector_id, [])
    if not bags:
        return
    session = world.agenda.session
    delivered = world.agenda.try_now(
        "dropoff",
        lambda: receive_delivery(
            session,
            user_id=station.staff_user_id,
            collector_id=agent.collector_id,
            lines=delivery_lines(world, bags),
        ),
    )
    if delivered is None:
        world.loads[agent.collector_id].extend(bags)
        return
    confirm_handover(
        world,
        kind="dropoff",
        subject_type="station_delivery",
        subject_id=delivered.station_delivery_id,
        user_ids=(station.staff_user_id, agent.user_id),
    )
