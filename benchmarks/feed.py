"""The job feed at scale on PostgreSQL: one zone's open jobs over a long booking history.

A busy zone has thousands of open jobs; a city that has run for a year has millions of
finished bookings behind them, and PostgreSQL's statistics can predate the newest rows
(autovacuum analyses a table only after a fifth of it has changed). The feed must stay fast
in both cases.

    .venv/bin/python benchmarks/feed.py                 # 3,000 open jobs over 300,000 finished
    .venv/bin/python benchmarks/feed.py --smoke         # CI: 200 open over 2,000, a few seconds

Rows are cloned in SQL from bookings made through the product's own services (a PET
booking, and one of small electronics, which needs the ``e-waste`` skill). Two collectors
of the zone ask for the first page, one after the other through the app in-process: one
without the skill (sees only PET jobs), one with it (sees all). Each case prints the median
and p95 of the request in ms, with the statistics taken before the open jobs existed
(``stale``: autovacuum is off for the scratch tables) and after an ``ANALYZE`` (``fresh``).
The totals the feed reports are checked against the rows made, so a fast wrong answer fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import _collectors, recreate_database  # noqa: E402

TABLES = ("quotes", "quote_lines", "bookings", "booking_items")
ZONE = "xuhui-s"


def _columns(table, overrides: dict) -> tuple[str, str]:
    """The insert's column list and the select's expressions: every column copied from the
    template row ``t`` except those overridden; generated integer keys are left out."""
    names, values = [], []
    for column in table.columns:
        if column.name in overrides:
            names.append(column.name)
            values.append(overrides[column.name])
        elif not (column.primary_key and column.type.python_type is int):
            names.append(column.name)
            values.append(f"t.{column.name}")
    return ", ".join(names), ", ".join(values)


def clone(conn, *, template_booking_id: int, prefix: str, count: int, history: bool) -> None:
    """``count`` copies of a booking with its quote, quote lines and items (quote ids
    ``prefix``1..N). ``history``: completed by ``collector_id`` 1 in slots spread over the
    whole city; else open, in the template's slot."""
    from sqlalchemy import text

    from api.bookings.models import Booking, BookingItem
    from api.quotes.models import Quote, QuoteLine

    quote_id = conn.execute(
        text("select quote_id from bookings where booking_id = :b"), {"b": template_booking_id}
    ).scalar_one()
    params = {"prefix": prefix, "n": count, "q": quote_id, "b": template_booking_id}
    new_quote = {"quote_id": "(:prefix || g)"}
    for table, key in ((Quote.__table__, "quote_id = :q"), (QuoteLine.__table__, "quote_id = :q")):
        names, values = _columns(table, new_quote)
        conn.execute(
            text(
                f"insert into {table.name} ({names}) select {values}"
                f" from {table.name} t, generate_series(1, :n) as g where t.{key}"
            ),
            params,
        )
    overrides = dict(new_quote)
    if history:
        overrides["status"] = "'completed'"
        overrides["collector_id"] = "(select min(collector_id) from collectors)"
        overrides["slot_id"] = (
            "(select array_agg(slot_id order by slot_id) from slots)"
            "[1 + g % (select count(*) from slots)]"
        )
    names, values = _columns(Booking.__table__, overrides)
    conn.execute(
        text(
            f"insert into bookings ({names}) select {values}"
            " from bookings t, generate_series(1, :n) as g where t.booking_id = :b"
        ),
        params,
    )
    names, values = _columns(BookingItem.__table__, {"booking_id": "c.booking_id"})
    conn.execute(
        text(
            f"insert into booking_items ({names}) select {values} from booking_items t"
            " join bookings c on c.quote_id like :prefix || '%' where t.booking_id = :b"
        ),
        params,
    )


def prepare(url: str, open_jobs: int, finished: int) -> dict:
    """Seed the city, two collectors (the second certified for e-waste), a resident with two
    template bookings for tomorrow; then the history, an ANALYZE, and the open jobs."""
    from sqlalchemy import create_engine, select, text, update

    from api import create_app, migrate
    from api.auth.models import User
    from api.bookings.service import create_booking
    from api.collectors.models import Collector, CollectorSkill
    from api.db import session_scope
    from api.quotes.service import create_quote
    from api.residents.service import create_address
    from api.seed import seed_city
    from api.slots.models import Slot
    from api.timeutil import local_day_bounds, local_today
    from api.zones.models import Zone

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"})
    with app.app_context(), session_scope(app) as session:
        seed_city(session)
        session.execute(update(Slot).values(capacity=1_000_000))
        crew = _collectors(session, 2)
        second = session.scalars(select(Collector).order_by(Collector.collector_id)).all()[1]
        session.add(CollectorSkill(collector_id=second.collector_id, skill="e-waste"))
        resident = User(phone="+8613700000001", role="resident")
        session.add(resident)
        session.flush()
        address = create_address(
            session,
            resident_id=resident.user_id,
            data={"latitude": 31.205, "longitude": 121.445, "text": "Feed lane 1"},
        )
        tomorrow = local_today() + timedelta(days=1)
        slot_id = session.scalar(
            select(Slot.slot_id)
            .join(Zone, Zone.zone_id == Slot.zone_id)
            .where(Zone.code == ZONE, Slot.starts_at >= local_day_bounds(tomorrow)[0])
            .order_by(Slot.starts_at)
            .limit(1)
        )
        templates = []
        for item in (
            {"material": "pet", "grade": "clear", "quantity": 3000},
            {"material": "ewaste_small", "grade": "broken", "quantity": 1},
        ):
            quote = create_quote(
                session,
                resident_id=resident.user_id,
                address_id=address.address_id,
                items=[item],
                valid_for=timedelta(hours=2),
            )
            booking = create_booking(
                session,
                resident_id=resident.user_id,
                data={
                    "address_id": address.address_id,
                    "slot_id": slot_id,
                    "quote_id": quote.quote_id,
                },
            )
            templates.append(booking.booking_id)
    app.extensions["db_engine"].dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    pet, ewaste = templates
    skilled = open_jobs // 3
    with engine.connect() as conn:
        for table in TABLES:  # the statistics stay as ANALYZE left them
            conn.execute(text(f"alter table {table} set (autovacuum_enabled = false)"))
        clone(conn, template_booking_id=pet, prefix="hist-", count=finished, history=True)
        conn.execute(text("vacuum analyze"))
        clone(
            conn,
            template_booking_id=pet,
            prefix="open-",
            count=open_jobs - skilled - 1,
            history=False,
        )
        clone(conn, template_booking_id=ewaste, prefix="skill-", count=skilled - 1, history=False)
        conn.execute(text("checkpoint"))
    engine.dispose()
    return {
        "tokens": [person["token"] for person in crew],
        "visible": [open_jobs - skilled, open_jobs],  # without the skill, with it
    }


def measure(app, tokens: list[str], visible: list[int], requests: int) -> dict:
    """Median and p95 ms of the feed's first page for each collector; checks the totals."""
    client = app.test_client()
    figures = {}
    for name, token, expected in zip(("without_skill", "with_skill"), tokens, visible, strict=True):
        headers = {"Authorization": f"Bearer {token}"}
        times = []
        for n in range(requests + 5):
            started = time.perf_counter()
            response = client.get("/api/jobs/feed?page_size=20", headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"feed answered {response.status_code}: {response.get_json()}")
            total = json.loads(response.headers["X-Pagination"])["total"]
            if total != expected:
                raise RuntimeError(f"{name}: the feed counted {total} jobs, {expected} were made")
            if n >= 5:  # the first few prepare the statements
                times.append(elapsed)
        times.sort()
        figures[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "visible_jobs": expected,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-jobs", type=int, default=3000)
    parser.add_argument("--finished", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database", default="recycle_feed", help="scratch (dropped, created)")
    parser.add_argument("--smoke", action="store_true", help="200 open over 2,000, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.open_jobs, args.finished, args.requests = 200, 2000, 10
    from sqlalchemy import create_engine, text

    from api import create_app

    url = recreate_database(args.database)
    started = time.perf_counter()
    data = prepare(url, args.open_jobs, args.finished)
    seeded_s = round(time.perf_counter() - started, 1)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"})
    base = {"open_jobs": args.open_jobs, "finished": args.finished, "seeded_s": seeded_s}
    stale = measure(app, data["tokens"], data["visible"], args.requests)
    print(json.dumps({"scenario": "feed", "statistics": "stale", **base, **stale}), flush=True)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("analyze"))
    engine.dispose()
    fresh = measure(app, data["tokens"], data["visible"], args.requests)
    print(json.dumps({"scenario": "feed", "statistics": "fresh", **base, **fresh}), flush=True)
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
