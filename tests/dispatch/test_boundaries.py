"""dispatch/ and pricing/ stay pure: no web, database or task-queue imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"flask", "flask_smorest", "sqlalchemy", "celery", "alembic", "api"}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports only)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["dispatch", "pricing"])
def test_pure_packages_import_nothing_from_the_app(package):
    """Every module of the package is checked; a forbidden import fails with its path."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN)
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}


def test_checker_sees_forbidden_imports(tmp_path):
    """The walker itself catches `from api.x import y` and `import flask`."""
    module = tmp_path / "bad.py"
    module.write_text("import flask\nfrom api.bookings import service\n")
    assert imported_roots(module) & FORBIDDEN == {"flask", "api"}
