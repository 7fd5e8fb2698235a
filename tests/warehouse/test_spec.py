"""warehouse.extract.spec: the allow-list, and the dbt sources that mirror it."""

from __future__ import annotations

from pathlib import Path

import yaml

from api import models  # noqa: F401
from api.db import Base
from warehouse.extract.spec import ALL_TABLES, TRANSFORMS

SOURCES = (
    Path(__file__).resolve().parents[2]
    / "warehouse/dbt_project/models/staging/_platform__sources.yml"
)
# operational columns that identify or locate a person: they may only enter transformed
PERSONAL = {
    "phone",
    "display_name",
    "full_name",
    "national_id_encrypted",
    "national_id_last4",
    "id_photo_refs",
    "latitude",
    "longitude",
    "home_latitude",
    "home_longitude",
    "text",
    "building",
    "floor",
    "access_notes",
    "label",
    "notes",
    "comment",
    "reason",
    "memo",
    "status_reason",
    "company_name",
    "licence_number",
    "provider_reference",
    "sender_ref",
    "receiver_ref",
    "place_ref",
}
USER_IDS = {
    "user_id",
    "resident_id",
    "collector_id",
    "owner_user_id",
    "rater_user_id",
    "ratee_user_id",
    "issued_to_collector_id",
}


def test_sources_yml_lists_every_raw_column_with_its_type():
    """dbt's source columns (used to build empty relations) match the extract exactly."""
    tables = yaml.safe_load(SOURCES.read_text())["sources"][0]["tables"]
    in_yml = {t["name"]: [(c["name"], c["data_type"]) for c in t["columns"]] for t in tables}
    in_spec = {s.name: [(c.name, c.type.lower()) for c in s.columns] for s in ALL_TABLES}
    assert in_yml == in_spec


def test_personal_columns_never_enter_in_clear():
    """No listed column copies a personal field; user ids only enter as keyed hashes."""
    for spec in ALL_TABLES:
        for column in spec.columns:
            assert column.transform in TRANSFORMS
            if column.transform == "copy":
                assert not set(column.sources) & (PERSONAL | USER_IDS), (spec.name, column)
            if set(column.sources) & {"latitude", "longitude"}:
                assert column.transform == "coarse_cell"


def test_shipped_tables_have_the_listed_keys():
    """Every listed table that the models define has its primary key where the spec says."""
    tables = Base.metadata.tables
    for spec in ALL_TABLES:
        if spec.name in tables:
            assert spec.primary_key in tables[spec.name].columns, spec.name
            assert [c.name for c in tables[spec.name].primary_key.columns] == [spec.primary_key]


def test_sensitive_tables_are_not_listed():
    """Login codes, tokens, location pings and idempotency records never enter."""
    listed = {spec.name for spec in ALL_TABLES}
    assert not listed & {
        "login_codes",
        "refresh_tokens",
        "token_families",
        "location_pings",
        "idempotency_records",
        "fake_payout_transfers",
    }
