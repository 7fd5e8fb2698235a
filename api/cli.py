"""The ``recycle`` command (also reachable as ``flask --app api ...``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from api import migrate


@click.group("db")
def db_group() -> None:
    """Database migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a revision from the models."""
    migrate.autogenerate(current_app.config["DATABASE_URL"], message)


@click.command("seed")
@click.option("--days", default=7, show_default=True)
@with_appcontext
def seed_command(days: int) -> None:
    """Seed materials, zones, tariffs, slots and demo people."""
    from api.db import session_scope
    from api.seed import seed_city

    with session_scope(current_app) as session:
        seed_city(session, days=days, cutoff_minutes=current_app.config["SLOT_CUTOFF_MINUTES"])
    click.echo("seeded")


@click.command("create-staff")
@click.option("--phone", required=True)
@click.option("--role", required=True)
@click.option("--name", default=None)
@with_appcontext
def create_staff_command(phone: str, role: str, name: str | None) -> None:
    """Create a staff account (station, plant, lender, admin, regulator, analyst, collector)."""
    from api.auth.service import create_staff_user
    from api.db import session_scope
    from api.errors import DomainError

    try:
        with session_scope(current_app) as session:
            user = create_staff_user(session, phone=phone, role=role, display_name=name)
            click.echo(f"created {user.role} user {user.user_id}")
    except DomainError as error:
        raise click.ClickException(f"{error.message or error.code} {error.errors or ''}") from error


@click.command("demo")
@click.option("--serve/--no-serve", default=True, help="serve the API after the simulation")
@click.option("--port", default=5000, show_default=True)
@click.option("--quick", is_flag=True, help="a small city and two busy days (CI smoke)")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="where to write the HTML report [default: instance/demo-report.html]",
)
@with_appcontext
def demo_command(serve: bool, port: int, quick: bool, report: Path | None) -> None:
    """Simulate a city on a fresh demo database, report on it, and serve on 127.0.0.1."""
    from api.demo import run_demo

    run_demo(current_app, serve=serve, port=port, quick=quick, report=report)


@click.command("warehouse")
@click.option("--full-refresh", is_flag=True, help="reload every table, rebuild every model")
@click.option("--wait", default=0.0, help="seconds to wait for a running build")
@with_appcontext
def warehouse_command(full_refresh: bool, wait: float) -> None:
    """Build the DuckDB warehouse (extract-load + dbt), one writer at a time."""
    from api.warehouse_api.tasks import refresh_warehouse

    result = refresh_warehouse(current_app.config, full=full_refresh, wait_seconds=wait)
    click.echo(
        f"warehouse built at {current_app.config['WAREHOUSE_PATH']}: "
        f"{result.rows_loaded} rows loaded, {result.dbt_nodes} dbt nodes, "
        f"extract {result.extract_seconds:.1f}s, dbt {result.dbt_seconds:.1f}s"
    )


def register_cli(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    for command in (db_group, seed_command, create_staff_command, demo_command, warehouse_command):
        app.cli.add_command(command)
    from api.custody.cli import register_custody_cli

    register_custody_cli(app)


def main() -> None:
    """Entry point of the ``recycle`` console script."""
    from api import create_app

    FlaskGroup(create_app=create_app, add_default_commands=True)()
