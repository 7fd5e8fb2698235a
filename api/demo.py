"""``make demo``: a simulated city on the embedded default, its report, then the API.

Step by step: a fresh SQLite database (``instance/demo.sqlite3``, deleted and re-created on
every run), a city seeded through the services, weeks of history and a busy week simulated
on a simulated clock (``api.simulation``), the warehouse built into its own DuckDB file, a
summary printed and an HTML report written, then the API and the mobile stub served with
the demo's sign-in phones printed.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask
from werkzeug.serving import run_simple

from api.config import INSTANCE_DIR
from api.db import session_scope
from api.report.data import ReportData, gather
from api.report.html import write_report
from api.report.text import summary_lines
from api.simulation.city import (
    ADMIN_PHONE,
    COLLECTOR_PHONE,
    PLANT_PHONE,
    REGULATOR_PHONE,
    RESIDENT_PHONE,
    STATION_PHONE,
)
from api.simulation.params import SimulationParams
from api.simulation.progress import StepTimer
from api.simulation.runner import SimulationResult, run_simulation

DEMO_DATABASE = INSTANCE_DIR / "demo.sqlite3"
DEMO_WAREHOUSE = INSTANCE_DIR / "demo-warehouse.duckdb"
DEFAULT_REPORT = INSTANCE_DIR / "demo-report.html"
DEMO_LOGINS = (
    ("resident", RESIDENT_PHONE),
    ("collector", COLLECTOR_PHONE),
    ("station staff", STATION_PHONE),
    ("plant", PLANT_PHONE),
    ("admin", ADMIN_PHONE),
    ("regulator", REGULATOR_PHONE),
)


@dataclass
class CityRun:
    """What one run of the city produced."""

    simulation: SimulationResult
    report: ReportData
    report_path: Path
    timings: list[tuple[str, float]]
    seconds: float


def demo_app(app: Flask, *, database: Path = DEMO_DATABASE, warehouse: Path = DEMO_WAREHOUSE):
    """An app like ``app`` but on the demo's own SQLite file and warehouse, tasks eager.

    The demo deletes its database first, so it never touches the one ``DATABASE_URL`` names.
    """
    from api import create_app
    from api.config import load_config

    overrides = {
        "DATABASE_URL": f"sqlite:///{database}",
        "WAREHOUSE_PATH": str(warehouse),
        "CELERY_BROKER_URL": None,
        "CELERY_RESULT_BACKEND": None,
        "DISPATCH_REPLAN_ON_CHANGE": False,
    }
    keep = {k: app.config[k] for k in load_config() if k in app.config and k not in overrides}
    return create_app({**keep, **overrides})


def build_warehouse_for(app: Flask, *, echo) -> bool:
    """A full warehouse build into a fresh DuckDB file; False (with a note) if it fails."""
    from warehouse import WarehouseBuildError, build_warehouse

    path = Path(app.config["WAREHOUSE_PATH"])
    path.unlink(missing_ok=True)
    shutil.rmtree(f"{path}.dbt", ignore_errors=True)
    try:
        result = build_warehouse(
            app.config["DATABASE_URL"],
            path,
            app.config["WAREHOUSE_HMAC_KEY"],
            full=True,
            wait_seconds=60,
        )
    except WarehouseBuildError as error:
        echo(f"  note: the warehouse build failed ({error}); the report uses the operational data")
        return False
    echo(
        f"  {result.rows_loaded:,} rows loaded in {result.extract_seconds:.1f} s, "
        f"{result.dbt_nodes} dbt nodes in {result.dbt_seconds:.1f} s -> {path}"
    )
    return True


def run_city(
    app: Flask, params: SimulationParams, *, report_path: Path, echo=click.echo
) -> CityRun:
    """Simulate the city, build the warehouse, print the summary and write the report."""
    started = time.monotonic()
    timer = StepTimer(echo)
    simulation = run_simulation(app, params, echo=echo, timer=timer)
    with timer.step("warehouse: extract-load and dbt build"):
        simulation.warehouse_built = build_warehouse_for(app, echo=echo)
    with timer.step("report"), app.app_context(), session_scope(app) as session:
        data = gather(
            session,
            database_url=app.config["DATABASE_URL"],
            warehouse_path=app.config["WAREHOUSE_PATH"],
        )
        data.notes = simulation.notes + data.notes
        write_report(report_path, data, timings=timer.timings)
    seconds = time.monotonic() - started
    echo(f"\nSummary ({seconds:.0f} s in all)")
    for name, step_seconds in timer.timings:
        echo(f"  {name:<72} {step_seconds:6.1f} s")
    for line in summary_lines(data):
        echo(f"  {line}")
    echo(f"  {refusals_line(simulation.outcomes)}")
    for note in data.notes:
        echo(f"  note: {note}")
    echo(f"\nReport: {report_path}")
    return CityRun(simulation, data, report_path, timer.timings, seconds)


def refusals_line(outcomes: dict[str, int]) -> str:
    """What the services refused during the run (each a 4xx a phone would have shown)."""
    refused = sorted(
        ((n, key) for key, n in outcomes.items() if not key.endswith(":ok")), reverse=True
    )
    shown = ", ".join(f"{key.replace(':', ' ')} {n}" for n, key in refused[:8])
    return f"refused by the services' rules (action code count): {shown or 'nothing'}"


def sign_in_help(base: str) -> str:
    """How to sign in as each demo user (the console SMS sender prints the code)."""
    phones = "\n".join(f"    {role:<14} {phone}" for role, phone in DEMO_LOGINS)
    return f"""
Recycle platform demo
  Mobile app: {base}/app
  API docs:   {base}/api/docs     (OpenAPI JSON: {base}/api/openapi.json)
  Demo logins (ask for a code; it is printed on this console by the SMS sender):
{phones}
  From a shell, e.g. as the resident:
    curl -s -X POST {base}/api/auth/codes -H 'Content-Type: application/json' \\
         -d '{{"phone": "{RESIDENT_PHONE}"}}'
    curl -s -X POST {base}/api/auth/tokens -H 'Content-Type: application/json' \\
         -d '{{"grant_type": "phone_code", "phone": "{RESIDENT_PHONE}", "code": "<code>"}}'
"""


def run_demo(
    app: Flask,
    *,
    serve: bool,
    port: int,
    quick: bool = False,
    report: Path | None = None,
) -> CityRun:
    """Simulate the demo city on its own fresh database, report, and (optionally) serve."""
    params = SimulationParams.quick() if quick else SimulationParams.full()
    city_app = demo_app(app)
    click.echo(
        f"Simulating a {'small (--quick) ' if quick else ''}city: {params.residents} residents, "
        f"{params.collectors} collectors, {params.plants} plants; {params.history_weeks} weeks "
        f"of history and {params.days} busy days up to today"
    )
    run = run_city(city_app, params, report_path=report or DEFAULT_REPORT)
    base = f"http://127.0.0.1:{port}"
    click.echo(sign_in_help(base))
    if serve:
        # Flask's app.run() refuses to start inside a ``flask``/``recycle`` CLI command; the
        # same development server, started directly:
        run_simple("127.0.0.1", port, city_app, use_reloader=False, threaded=True)
    return run
