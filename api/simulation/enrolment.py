"""Enrolment of the city's workforce and buyers, through the services.

Collectors apply and are approved by the demo admin, each with a vehicle, one or two zones,
a home base and a first batch of bag tags; the seed's stations get a staff member each;
plants register, are approved and pay earnest money by bank transfer.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.auth.service import create_staff_user
from api.collectors.pii import id_check_char
from api.collectors.service import apply_to_collect, decide
from api.custody.labels import issue_tag_batch
from api.plants.service import decide_plant, record_deposit, register_plant
from api.simulation.city import (
    PLANT_PHONE,
    STATION_PHONE,
    CollectorAgent,
    PlantAgent,
    StationAgent,
    inside,
)
from api.stations.models import Station
from api.stations.service import attach_station_user
from api.timeutil import local_today

SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu")
GIVEN = ("Wei", "Fang", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Hua", "Ping", "Tao")
# (vehicle, payload grams, volume litres): mostly tricycles, some e-bikes, a van in seven
VEHICLES = (
    ("tricycle", 350_000, 1_500),
    ("e-bike", 150_000, 600),
    ("van", 1_200_000, 6_000),
)
# (company, categories, how keen it is: its valuation over the market price, on average)
PLANTS = (
    ("Shanghai Paper Recovery Co.", ["paper"], 1.06),
    ("Huadong Board Mill", ["paper", "textile"], 1.02),
    ("Pudong PET Recycling", ["plastic"], 1.07),
    ("Minhang Polymer Works", ["plastic", "paper"], 1.0),
    ("Baoshan Metals", ["metal"], 1.05),
    ("Jiading Non-Ferrous", ["metal", "e_waste"], 1.03),
    ("Songjiang Glass & Textile", ["glass", "textile", "paper"], 0.98),
    ("Qingpu E-Waste Dismantling", ["e_waste", "metal", "plastic"], 1.01),
)
ALL_CATEGORIES = ["paper", "plastic", "metal", "glass", "textile", "e_waste"]
DEPOSIT_CENTS = 50_000_000  # earnest money for many bids at 10 %


def national_id(number: int) -> str:
    """A valid-format 18-character PRC ID number, distinct for each ``number`` < 40,000."""
    body = f"310104{1965 + number // 1000 % 35}0612{number % 1000:03d}"
    return body + id_check_char(body)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def _vehicle(rng: random.Random, index: int) -> tuple[str, int, int]:
    if index % 7 == 3:  # every seventh collector drives a van and carries appliances
        return VEHICLES[2]
    return VEHICLES[0] if rng.random() < 0.75 else VEHICLES[1]


def enrol_collectors(
    app: Flask, session: Session, *, zones: dict, admin_id: int, count: int, rng: random.Random
) -> list[CollectorAgent]:
    """``count`` collectors applied and approved, spread evenly over the zones."""
    codes = sorted(zones)
    cert_until = local_today() + timedelta(days=365)
    collectors = []
    for index in range(count):
        phone = f"+86137{index + 1:08d}"
        user = create_staff_user(session, phone=phone, role="collector", display_name=None)
        home_zone = codes[index % len(codes)]
        served = [home_zone]
        if rng.random() < 0.35:
            served.append(codes[(index + 1 + rng.randrange(len(codes) - 1)) % len(codes)])
        vehicle, payload, litres = _vehicle(rng, index)
        skills = []
        if vehicle == "van":
            skills.append({"skill": "appliance", "certificate_ref": "uploads/cert-appliance.jpg"})
        if vehicle == "van" or rng.random() < 0.3:
            skills.append({"skill": "e-waste", "certificate_ref": "uploads/cert-ewaste.jpg"})
        lat, lon = inside(zones[home_zone][1], rng)
        collector = apply_to_collect(
            session,
            user_id=user.user_id,
            data={
                "full_name": _name(rng),
                "national_id": national_id(index + 1),
                "id_photo_refs": ["uploads/id-front.jpg"],
                "vehicle_type": vehicle,
                "payload_grams": payload,
                "volume_litres": litres,
                "home_latitude": lat,
                "home_longitude": lon,
                "zones": served,
                "skills": [{**s, "expires_on": cert_until} for s in skills],
            },
            pii_key=app.config["PII_KEY"],
        )
        decide(
            session,
            collector_id=collector.collector_id,
            decision="approve",
            reason=None,
            actor_user_id=admin_id,
        )
        tags = issue_tag_batch(
            session, collector_id=collector.collector_id, count=100, actor_user_id=admin_id
        )
        collectors.append(
            CollectorAgent(
                collector.collector_id,
                user.user_id,
                phone,
                served,
                (lat, lon),
                vehicle,
                payload,
                reliability=1.0 - rng.choice((0.0, 0.0, 0.01, 0.02, 0.05)),
                days_per_week=6 if index == 0 or count < 20 or rng.random() < 0.45 else 3,
                tags=tags,
            )
        )
    return collectors


def staff_stations(session: Session) -> list[StationAgent]:
    """Every seed station with a staff member (the seed's demo station user at the first)."""
    agents = []
    stations = session.scalars(select(Station).order_by(Station.station_id))
    for index, station in enumerate(stations):
        phone = STATION_PHONE if index == 0 else f"+86139000001{index:02d}"
        user = session.scalar(select(User).where(User.phone == phone))
        if user is None:
            user = create_staff_user(session, phone=phone, role="station")
        attach_station_user(session, user_id=user.user_id, station_id=station.station_id)
        agents.append(
            StationAgent(
                station.station_id,
                station.code,
                station.zone_id,
                station.latitude,
                station.longitude,
                user.user_id,
            )
        )
    return agents


def register_plants(
    session: Session, *, admin_id: int, count: int, rng: random.Random
) -> list[PlantAgent]:
    """``count`` plants registered, approved and holding earnest money.

    The first plant is registered by the seed's demo plant user. With fewer plants than the
    catalogue of plant kinds, each one buys every category so every lot finds bidders.
    """
    plants = []
    for index in range(count):
        company, categories, keenness = PLANTS[index % len(PLANTS)]
        if count < 4:
            categories = ALL_CATEGORIES
        phone = PLANT_PHONE if index == 0 else f"+86136{index:08d}"
        user = session.scalar(select(User).where(User.phone == phone))
        if user is None:
            user = create_staff_user(session, phone=phone, role="plant")
        view = register_plant(
            session,
            user_id=user.user_id,
            data={
                "company_name": company if index < len(PLANTS) else f"{company} {index}",
                "licence_number": f"SH-RC-{2024 + index % 2}-{index + 1:04d}",
                "permit_refs": ["uploads/permit.pdf"],
                "categories": categories,
                "permit_expires_on": local_today() + timedelta(days=730),
            },
        )
        decide_plant(
            session,
            plant_id=view["plant_id"],
            actor_user_id=admin_id,
            decision="approve",
            reason=None,
        )
        record_deposit(
            session,
            user_id=user.user_id,
            amount_cents=DEPOSIT_CENTS,
            bank_reference=f"DEP-{index + 1:04d}",
        )
        plants.append(
            PlantAgent(
                view["plant_id"],
                user.user_id,
                phone,
                list(categories),
                keenness * rng.uniform(0.98, 1.02),
            )
        )
    return plants
