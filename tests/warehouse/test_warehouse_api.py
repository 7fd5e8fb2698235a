"""api.warehouse_api: read-only HTTP access to the marts, by role."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

MARTS_DDL = (
    "create schema marts",
    "create table marts.price_indices (series varchar, material_group varchar, "
    "frequency varchar, period varchar, index_value double, n_products integer, "
    "is_published boolean)",
    "insert into marts.price_indices values "
    "('resident_paid', 'plastic', 'month', '2026-10', 1.0, 4, true), "
    "('resident_paid', 'plastic', 'month', '2026-11', 1.05, 5, false), "
    "('resident_paid', 'paper', 'month', '2026-10', 1.0, 2, true)",
    "create table marts.collector_credit_scores (collector_key varchar, as_of_date date, "
    "is_latest boolean, credit_score integer, score_band varchar, "
    "probability_of_default double, reason_code_1 varchar, reason_code_2 varchar, "
    "reason_code_3 varchar, is_thin_file boolean, net_earnings_cents_per_month bigint, "
    "confirmed_receivables_cents bigint, credit_limit_cents bigint)",
    "insert into marts.collector_credit_scores values "
    "('abc', date '2026-10-31', false, 590, 'C', 0.03, 'R04', null, null, false, 1, 1, 0), "
    "('abc', date '2026-11-24', true, 610, 'C', 0.02, null, null, null, false, 1, 1, 10000)",
)


@pytest.fixture
def warehouse_path(tmp_path):
    """A warehouse file with two small marts (the API only reads marts)."""
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    for statement in MARTS_DDL:
        con.execute(statement)
    con.close()
    return path


@pytest.fixture
def app_config(app_config, warehouse_path):
    """The test app reading the small warehouse file."""
    return {**app_config, "WAREHOUSE_PATH": str(warehouse_path)}


def test_price_indices_for_everyone_signed_in(app, client, login):
    """Analysts read the indices with filters and paging; residents may read them too."""
    headers = login("+8613900000005", role="analyst")
    response = client.get("/api/warehouse/price-indices?material_group=plastic", headers=headers)
    assert response.status_code == 200
    assert [r["period"] for r in response.get_json()] == ["2026-10", "2026-11"]
    assert response.headers["X-Pagination"]
    resident = login("+8613800000001")
    assert client.get("/api/warehouse/price-indices", headers=resident).status_code == 200


def test_credit_scores_show_the_latest_snapshot_and_a_history(app, client, login):
    """Analysts see current scores; the history lists every snapshot of one collector.

    Lenders do not list scores: they read one collector's, with consent (tests/api/test_credit).
    """
    lender = login("+8613900000006", role="lender")
    assert client.get("/api/warehouse/credit-scores", headers=lender).status_code == 403
    headers = login("+8613900000005", role="analyst")
    current = client.get("/api/warehouse/credit-scores", headers=headers).get_json()
    assert [(r["credit_score"], r["as_of_date"]) for r in current] == [(610, "2026-11-24")]
    history = client.get("/api/warehouse/credit-scores/abc", headers=headers).get_json()
    assert [r["as_of_date"] for r in history] == [date(2026, 10, 31).isoformat(), "2026-11-24"]
    assert client.get("/api/warehouse/credit-scores/nope", headers=headers).status_code == 404


def test_busy_or_missing_warehouse_is_503(app, client, login, warehouse_path):
    """While a build writes the file, or before the first build, readers get a 503."""
    headers = login("+8613900000005", role="analyst")
    writer = duckdb.connect(str(warehouse_path))
    try:
        response = client.get("/api/warehouse/price-indices", headers=headers)
        assert response.status_code == 503
        assert response.get_json()["code"] == "warehouse_busy"
    finally:
        writer.close()
    warehouse_path.unlink()
    response = client.get("/api/warehouse/price-indices", headers=headers)
    assert response.status_code == 503 and response.get_json()["code"] == "warehouse_not_built"
