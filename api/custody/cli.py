"""``recycle custody ...``: verify the chain (against kept checkpoints), sign a checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from api.db import session_scope


@click.group("custody")
def custody_group() -> None:
    """Chain of custody: verification and signed checkpoints."""


@custody_group.command("verify")
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON checkpoints kept outside the database (GET /api/custody/checkpoints)",
)
@click.option("--public-key", default=None, help="trusted base64 Ed25519 public key")
@with_appcontext
def verify_command(checkpoints_file: Path | None, public_key: str | None) -> None:
    """Recompute every link; with --checkpoints also check the kept heads (exit 1 if broken)."""
    from api.custody.chain import verify_chain
    from api.custody.checkpoints import verify_against_checkpoints

    with session_scope(current_app) as session:
        result = verify_chain(session)
        problems = []
        if not result.ok:
            problems.append(f"chain broken at seq {result.first_bad_seq}: {result.problem}")
        if checkpoints_file is not None:
            documents = _read_checkpoints(checkpoints_file)
            problems += verify_against_checkpoints(
                session, documents, trusted_public_key=public_key
            )
    click.echo(f"checked {result.checked} events, head seq {result.head_seq} {result.head_hash}")
    if problems:
        for problem in problems:
            click.echo(f"BROKEN: {problem}", err=True)
        raise SystemExit(1)
    click.echo("ok")


def _read_checkpoints(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from error
    documents = data if isinstance(data, list) else [data]
    if not all(isinstance(d, dict) for d in documents):
        raise click.ClickException(f"{path} is not a list of checkpoint objects")
    return documents


@custody_group.command("checkpoint")
@with_appcontext
def checkpoint_command() -> None:
    """Verify the chain and sign its head now; prints the checkpoint as JSON."""
    from api.custody.checkpoints import checkpoint_document, sign_checkpoint
    from api.errors import DomainError

    try:
        with session_scope(current_app) as session:
            document = checkpoint_document(sign_checkpoint(session, app=current_app))
    except DomainError as error:
        raise click.ClickException(error.message or error.code) from error
    click.echo(json.dumps(document, indent=2))


@custody_group.command("mass-balance")
@click.option("--day", default=None, help="local date YYYY-MM-DD (default: yesterday)")
@with_appcontext
def mass_balance_command(day: str | None) -> None:
    """Raise the day's mass-balance, bag and route alerts now."""
    from api.custody.tasks import run_mass_balance

    click.echo(f"{run_mass_balance.run(day)} new alerts")


def register_custody_cli(app: Flask) -> None:
    """Attach ``custody`` to the app's CLI."""
    app.cli.add_command(custody_group)
