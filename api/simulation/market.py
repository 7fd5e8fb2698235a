"""The marketplace: lots made at stations, English auctions with proxy bids, closing,
payment, default, and the lot's hand-over to the buying plant.

Twice a week station staff make a lot of each material grade that has piled up and put it
up for auction until the next afternoon. Plants value a lot at the week's market price
times their own keenness, open with a probing proxy bid, then bid their true value in the
last hour; some wait for the last two minutes, which pushes the close back (soft close),
and the bidder just outbid answers. The beat's close task closes ended auctions; winners
pay by bank transfer (now and then one defaults and the runner-up is offered the lot); the
station hands the lot over and the plant weighs it at its gate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from api.auctions.closing import pay_for_auction
from api.auctions.models import Auction
from api.auctions.service import create_auction, place_bid
from api.auctions.tasks import close_ended, enforce_payment_deadlines
from api.jobs.policy import DEFAULT_PIECE_GRAMS, ESTIMATED_PIECE_GRAMS
from api.lots.access import Viewer
from api.lots.handover import record_collection, record_receipt
from api.lots.models import Lot
from api.lots.service import create_lot
from api.simulation.agenda import Agenda
from api.simulation.city import PlantAgent, StationAgent
from api.simulation.custody import confirm_handover
from api.simulation.weights import CATEGORY, plant_grams
from api.simulation.world import World
from api.stations.models import StationDelivery, StationDeliveryLine

STALE_DAYS = 10  # a grade that piles up slowly is lotted after this long anyway
DEFAULT_RATE = 0.05  # chance an awarded plant does not pay


@dataclass
class Bidding:
    """What the plants interested in one auction think it is worth."""

    auction_id: int
    lot_id: int
    values: dict[int, int]  # plant id -> the most it will pay (cents)
    final_bids: set[int] = field(default_factory=set)


def schedule_lots(world: World, day: date) -> None:
    """On lot days, every station makes its lots at 20:30 and auctions them."""
    weekdays = world.params.lot_weekdays
    if not world.is_busy(day):
        weekdays = world.params.history_lot_weekdays
    if day.weekday() not in weekdays:
        return
    for station in world.city.stations:
        world.agenda.add(
            world.at(day, 20, 30), lambda a, s=station: make_lots(world, s), label="lots"
        )


def lot_value_cents(world: World, material: str, grade: str, net_grams: int) -> int:
    """The lot at this week's market price (per kg, or per piece for appliances)."""
    price = world.market.cents_per_unit(material, grade)
    if material in ESTIMATED_PIECE_GRAMS or CATEGORY.get(material) == "e_waste":
        pieces = max(1, round(net_grams / ESTIMATED_PIECE_GRAMS.get(material, DEFAULT_PIECE_GRAMS)))
        return round(price * pieces)
    return round(price * net_grams / 1000)


def _open_lines(world: World, station: StationAgent) -> dict[tuple[str, str], list]:
    session = world.agenda.session
    rows = session.execute(
        select(StationDeliveryLine, StationDelivery.received_at)
        .join(StationDelivery)
        .where(
            StationDelivery.station_id == station.station_id,
            StationDeliveryLine.lot_id.is_(None),
        )
        .order_by(StationDeliveryLine.station_delivery_line_id)
    ).all()
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for line, received_at in rows:
        grouped[(line.material_code, line.grade)].append((line, received_at))
    return grouped


def make_lots(world: World, station: StationAgent) -> None:
    """Lot every grade with enough material (or waiting long enough) and auction it."""
    viewer = Viewer(station.staff_user_id, "station", station_id=station.station_id)
    now = world.later(minutes=0)
    for (material, grade), rows in sorted(_open_lines(world, station).items()):
        grams = sum(line.net_grams for line, _ in rows)
        oldest = min(received for _, received in rows)
        stale = (
            now - oldest > timedelta(days=STALE_DAYS) and grams >= world.params.lot_min_grams // 4
        )
        if grams < world.params.lot_min_grams and not stale:
            continue
        data = {
            "material": material,
            "grade": grade,
            "delivery_line_ids": [line.station_delivery_line_id for line, _ in rows],
            "photo_refs": [],
            "collection_starts_at": now + timedelta(days=1),
            "collection_ends_at": now + timedelta(days=8),
        }
        lot = world.agenda.try_now(
            "lot", lambda d=data: create_lot(world.agenda.session, viewer=viewer, data=d)
        )
        if lot is not None:
            _auction(world, station, viewer, lot["lot_id"], material, grade, grams)


def _auction(world, station, viewer, lot_id, material, grade, grams) -> None:
    rng = world.rng
    value = lot_value_cents(world, material, grade, grams)
    ends_at = world.at(world.today() + timedelta(days=1), 15, second=rng.randrange(0, 5400))
    hours = (ends_at - world.later(minutes=0)).total_seconds() / 3600
    data = {
        "kind": "english",
        "start_price_cents": max(100, round(value * rng.uniform(0.4, 0.55), -2)),
        "ends_at": ends_at,
    }
    view = world.agenda.try_now(
        "auction",
        lambda: create_auction(world.agenda.session, viewer=viewer, lot_id=lot_id, data=data),
    )
    if view is None:
        return
    category = CATEGORY.get(material)
    interested = [p for p in world.city.plants if category in p.categories]
    bidders = rng.sample(interested, min(len(interested), world.params.max_bidders))
    bidding = Bidding(
        view["auction_id"],
        lot_id,
        {p.plant_id: round(value * p.keenness * rng.uniform(0.92, 1.08)) for p in bidders},
    )
    start = world.later(minutes=0)
    for plant in bidders:
        if rng.random() < 0.8:  # a probing bid early on
            at = start + timedelta(hours=rng.uniform(0.2, hours * 0.6))
            world.agenda.add(at, _bid(world, bidding, plant, rng.uniform(0.7, 0.9)), label="bid")
        if rng.random() < 0.3:  # a sniper: the true value in the last two minutes
            at = ends_at - timedelta(seconds=rng.randrange(20, 110))
        else:
            at = ends_at - timedelta(minutes=rng.uniform(3, 60))
        world.agenda.add(at, _bid(world, bidding, plant, 1.0, final=True), label="bid")
    world.agenda.add(
        ends_at + timedelta(minutes=35), lambda a: close_due(world), label="close", task=True
    )


def _plant(world: World, plant_id: int) -> PlantAgent:
    return next(p for p in world.city.plants if p.plant_id == plant_id)


def _bid(world: World, bidding: Bidding, plant: PlantAgent, share: float, *, final: bool = False):
    def bid(agenda: Agenda) -> None:
        if final:
            bidding.final_bids.add(plant.plant_id)
        session = agenda.session
        leader_before = session.get(Auction, bidding.auction_id).leader_plant_id
        viewer = Viewer(plant.user_id, "plant", plant_id=plant.plant_id)
        amount = round(bidding.values[plant.plant_id] * share)
        placed = place_bid(session, viewer=viewer, lot_id=bidding.lot_id, max_amount_cents=amount)
        if placed["extended"]:
            _answer(world, bidding, leader_before, placed["auction"])

    return bid


def _answer(world: World, bidding: Bidding, leader_before: int | None, auction: dict) -> None:
    """The bidder outbid in the last minutes answers before the extended close."""
    if leader_before is None:
        return
    auction_row = world.agenda.session.get(Auction, bidding.auction_id)
    if auction_row.leader_plant_id == leader_before:
        return
    plant = _plant(world, leader_before)
    # a plant that already bid its value stretches a little in the heat of the close
    share = 1.03 if plant.plant_id in bidding.final_bids else 1.0
    at = auction_row.ends_at - timedelta(seconds=world.rng.randrange(15, 60))
    world.agenda.add(at, _bid(world, bidding, plant, share, final=True), label="bid")


def close_due(world: World) -> None:
    """Run the beat's close task, then diary what follows each award."""
    close_ended.delay()
    session = world.agenda.session
    awarded = session.scalars(
        select(Auction).where(Auction.status == "awarded", Auction.closed_at.is_not(None))
    )
    for auction in awarded:
        if auction.auction_id in world.followed_auctions:
            continue
        world.followed_auctions.add(auction.auction_id)
        _after_award(world, auction.auction_id, auction.award_plant_id, auction.payment_due_at)


def _after_award(world: World, auction_id: int, plant_id: int, due) -> None:
    rng = world.rng
    if rng.random() < DEFAULT_RATE:
        world.agenda.add(
            due + timedelta(minutes=5),
            lambda a: _enforce(world, auction_id),
            label="payment_deadline",
            task=True,
        )
        return
    at = world.later(minutes=rng.randrange(60, 20 * 60))
    world.agenda.add(at, lambda a: _pay(world, auction_id, plant_id), label="pay")


def _enforce(world: World, auction_id: int) -> None:
    enforce_payment_deadlines.delay()
    auction = world.agenda.session.get(Auction, auction_id)
    if auction.status == "offered":
        at = world.later(minutes=world.rng.randrange(60, 6 * 60))
        plant_id = auction.award_plant_id
        world.agenda.add(at, lambda a: _pay(world, auction_id, plant_id), label="pay")


def _pay(world: World, auction_id: int, plant_id: int) -> None:
    plant = _plant(world, plant_id)
    session = world.agenda.session
    viewer = Viewer(plant.user_id, "plant", plant_id=plant_id)
    pay_for_auction(
        session, viewer=viewer, auction_id=auction_id, bank_reference=f"TT{auction_id:08d}"
    )
    lot_id = session.get(Auction, auction_id).lot_id
    at = world.later(minutes=world.rng.randrange(3 * 60, 20 * 60))
    world.agenda.add(at, lambda a: _collect(world, lot_id, plant), label="collect")


def _collect(world: World, lot_id: int, plant: PlantAgent) -> None:
    session = world.agenda.session
    lot = session.get(Lot, lot_id)
    station = next(s for s in world.city.stations if s.station_id == lot.station_id)
    staff = Viewer(station.staff_user_id, "station", station_id=station.station_id)
    # the hand-over records its station -> plant custody manifest; both sides confirm it
    record_collection(session, viewer=staff, lot_id=lot_id, vehicle_plate="沪B·12345", notes=None)
    confirm_handover(
        world,
        kind="lot_handover",
        subject_type="lot",
        subject_id=lot_id,
        user_ids=(station.staff_user_id, plant.user_id),
    )
    grams = plant_grams(world.rng, lot.net_grams)
    at = world.later(minutes=world.rng.randrange(90, 300))
    world.agenda.add(at, lambda a: _receive(world, lot_id, plant, grams), label="plant_receipt")


def _receive(world: World, lot_id: int, plant: PlantAgent, grams: int) -> None:
    session = world.agenda.session
    viewer = Viewer(plant.user_id, "plant", plant_id=plant.plant_id)
    record_receipt(session, viewer=viewer, lot_id=lot_id, net_grams=grams)
    lot = session.get(Lot, lot_id)
    station = next(s for s in world.city.stations if s.station_id == lot.station_id)
    confirm_handover(
        world,
        kind="plant_receipt",
        subject_type="lot",
        subject_id=lot_id,
        user_ids=(plant.user_id, station.staff_user_id),
    )
