"""Tests for the pricing package itself: its public API and its import boundary."""

import ast
from pathlib import Path

import pytest

import pricing
import pricing.auctions

FORBIDDEN = {"flask", "flask_smorest", "sqlalchemy", "celery", "api"}
SOURCES = sorted(Path(pricing.__file__).parent.rglob("*.py"))


@pytest.mark.parametrize("package", [pricing, pricing.auctions], ids=lambda p: p.__name__)
def test_every_exported_name_exists(package):
    """Each name in __all__ is importable from the package."""
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []


def test_auction_api_is_re_exported_at_top_level():
    """Everything pricing.auctions exports is also available from pricing."""
    assert set(pricing.auctions.__all__) <= set(pricing.__all__)


def imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_pricing_stays_pure(path):
    """No pricing module imports Flask, SQLAlchemy, Celery or the api package."""
    assert set(imported_roots(path)) & FORBIDDEN == set()


def test_boundary_scan_sees_the_modules():
    """The boundary scan covers the auctions subpackage, so the check above is not vacuous."""
    names = {path.name for path in SOURCES}
    assert {"money.py", "deductions.py", "tariffs.py", "settlement.py", "bidding.py"} <= names
