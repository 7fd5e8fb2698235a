"""Collector credit: the collector sees their score; a lender only with recorded consent."""

from __future__ import annotations

from datetime import date

import pytest

from api.credit import service as credit_service
from tests.api.collector_helpers import enrol_approved_collector
from warehouse.extract.pseudonymise import pseudonym

LENDER = "+8613711115001"
OTHER_LENDER = "+8613711115002"


@pytest.fixture
def scores(monkeypatch):
    """The warehouse's credit mart, stubbed: one snapshot for whichever key is asked."""
    asked = []

    def history(*, collector_key):
        asked.append(collector_key)
        return [{"as_of_date": date(2026, 11, 1), "is_latest": True, "credit_score": 612,
                 "score_band": "C", "probability_of_default": 0.021, "is_thin_file": False,
                 "reason_code_1": "low_tenure", "credit_limit_cents": 250_000}]  # fmt: skip

    monkeypatch.setattr(credit_service, "get_credit_history_or_raise", history)
    return asked


def _user_id(client, headers) -> int:
    return client.get("/api/auth/me", headers=headers).get_json()["user_id"]


def test_collector_sees_own_score_and_lender_needs_consent(city, client, login, scores):
    """Without consent a lender gets 404; after consent 200; after revocation 404 again."""
    collector, collector_id = enrol_approved_collector(client, login)
    lender = login(LENDER, role="lender")
    path = f"/api/collectors/{collector_id}/credit"
    own = client.get(path, headers=collector)
    assert own.status_code == 200 and own.get_json()[0]["credit_score"] == 612
    assert client.get(path, headers=lender).status_code == 404
    granted = client.post(
        "/api/collectors/me/credit-consents",
        json={"lender_user_id": _user_id(client, lender)},
        headers=collector,
    )
    assert granted.status_code == 201
    assert client.get(path, headers=lender).status_code == 200
    consent_id = granted.get_json()["credit_consent_id"]
    revoked = client.post(
        f"/api/collectors/me/credit-consents/{consent_id}/revocation", headers=collector
    )
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"] is not None
    assert client.get(path, headers=lender).status_code == 404
    expected_key = pseudonym(city.config["WAREHOUSE_HMAC_KEY"], "collector", collector_id)
    assert set(scores) == {expected_key}


def test_consent_is_per_lender_and_only_to_lenders(city, client, login, scores):
    """Consent to one lender does not open the score to another; non-lenders are refused."""
    collector, collector_id = enrol_approved_collector(client, login)
    lender = login(LENDER, role="lender")
    other = login(OTHER_LENDER, role="lender")
    client.post(
        "/api/collectors/me/credit-consents",
        json={"lender_user_id": _user_id(client, lender)},
        headers=collector,
    )
    assert client.get(f"/api/collectors/{collector_id}/credit", headers=other).status_code == 404
    plant = login("+8613711115003", role="plant")
    refused = client.post(
        "/api/collectors/me/credit-consents",
        json={"lender_user_id": _user_id(client, plant)},
        headers=collector,
    )
    assert refused.status_code == 422 and "lender_user_id" in refused.get_json()["errors"]
    twice = client.post(
        "/api/collectors/me/credit-consents",
        json={"lender_user_id": _user_id(client, lender)},
        headers=collector,
    )
    assert twice.status_code == 409


def test_another_collector_cannot_read_a_score(city, client, login, scores):
    """A collector asking for someone else's score gets 404."""
    _, collector_id = enrol_approved_collector(client, login)
    intruder, _ = enrol_approved_collector(client, login, phone="+8613711115009")
    assert client.get(f"/api/collectors/{collector_id}/credit", headers=intruder).status_code == 404
