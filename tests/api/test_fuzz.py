"""Schemathesis against the app's own OpenAPI document, in-process, signed in as each role.

Every generated request must get no 5xx, a status the document declares, and a body that
matches the documented schema. Roles fuzz the operations the authorization matrix lets them
call (anonymous fuzzes everything). ``FUZZ_EXAMPLES`` sets examples per operation and role.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from api.auth.models import ROLES
from tests.api.test_authz import EXPECTATIONS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


@schemathesis.check
def no_server_error_but_an_unbuilt_warehouse(ctx, response, case):
    """5xx fails, except the warehouse endpoints' documented 503 before the first build."""
    if response.status_code == 503 and case.path.startswith("/api/warehouse"):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    no_server_error_but_an_unbuilt_warehouse,
    status_code_conformance,
    response_schema_conformance,
]
# Signing out would revoke the fuzzing role's own token half-way through.
SKIP_FOR_ROLES = {("POST", "/api/auth/revocations")}


@pytest.fixture
def app_config(app_config):
    """Rate limits off: the fuzzer sends far more requests per minute than a phone."""
    return {**app_config, "RATELIMIT_ENABLED": False}


def _allowed(role: str, method: str, path: str, rules: dict[tuple[str, str], str]) -> bool:
    rule = rules.get((method, path))
    if rule is None:
        return role == "anonymous"
    if role != "anonymous" and (method, rule) in SKIP_FOR_ROLES:
        return False
    return role in EXPECTATIONS.get((method, rule), frozenset())


def _openapi_to_rule(app) -> dict[tuple[str, str], str]:
    """Map (METHOD, openapi path) to the Flask rule string."""
    import re

    mapping = {}
    for rule in app.url_map.iter_rules():
        openapi_path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            mapping[(method, openapi_path)] = rule.rule
    return mapping


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_no_server_errors_and_documented_responses(city, login, role):
    """No generated request, as any role, gets a 5xx or an undocumented response."""
    headers = {} if role == "anonymous" else login("+8613500000001", role=role)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", city)
    rules = _openapi_to_rule(city)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        if not _allowed(role, method, operation.path, rules):
            continue

        @settings(
            max_examples=EXAMPLES,
            suppress_health_check=list(HealthCheck),
            deadline=None,
            database=None,
            # CI replays the same examples every run; developers' runs explore new ones
            derandomize=os.environ.get("CI") == "true",
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            fuzz()
        except Exception as error:  # collect every operation's failure, then report all
            failures.append(f"{method} {operation.path}: {str(error)[:800]}")
    assert failures == [], "\n\n".join(failures)
