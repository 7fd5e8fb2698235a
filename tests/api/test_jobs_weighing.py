"""Weighing at the door and the resident's decision: deductions, tags, the acceptance threshold."""

from __future__ import annotations

from sqlalchemy import func, select

from api.custody.models import Tag
from api.custody.tags import make_tag_code
from api.db import session_scope
from api.ledger.models import LedgerTransaction
from tests.api.collector_helpers import (
    arrive,
    claimed_job,
    enrol_approved_collector,
    issue_tags,
    weigh,
    weighed_and_completed_job,
)

ALICE = "+8613811140001"
BOB = "+8613811140002"
WANG = "+8613711140001"
ZHAO = "+8613711140002"


def _at_the_door(client, login, **options):
    job = claimed_job(client, login, resident_phone=ALICE, collector_phone=WANG, **options)
    arrive(client, job)
    return job


def _post(client, job, lines):
    return client.post(
        f"/api/jobs/{job.booking_id}/weighing", json={"lines": lines}, headers=job.collector
    )


def _decide(client, job, decision, headers=None):
    return client.post(
        f"/api/bookings/{job.booking_id}/weighing-decision",
        json={"decision": decision},
        headers=headers or job.resident,
    )


def _status(client, job) -> str:
    return client.get(f"/api/jobs/{job.booking_id}", headers=job.collector).get_json()["status"]


def _tag_status(app, code: str) -> str:
    with session_scope(app) as session:
        return session.get(Tag, code).status


def test_deductions_set_the_net_weight_and_the_locked_price_sets_the_amount(city, client, login):
    """10 kg cardboard less 500 g tare, 3 % water, 2 % dirt nets 9,025 g at the quote's 140 c/kg."""
    job = _at_the_door(client, login)
    deductions = [
        {"kind": "tare", "grams": 500, "reason": "wet sack"},
        {"kind": "moisture", "percent": "3", "reason": "rained on", "photo_ref": "uploads/w.jpg"},
        {"kind": "contamination", "percent": 2, "reason": "plastic film"},
    ]
    lines = [
        {"material": "cardboard", "grade": "A", "gross_grams": 10_000, "deductions": deductions},
        {"material": "pet", "grade": "clear", "gross_grams": 3000},
    ]
    weighing = weigh(client, job, lines)
    cardboard, pet = weighing["lines"]
    assert cardboard["net_grams"] == 9025 and cardboard["unit_price_cents"] == 140
    assert cardboard["amount_cents"] == 1264  # 1263.5 rounds half up, once
    assert [d["percent"] for d in cardboard["deductions"]] == [None, "3", "2"]
    assert pet["amount_cents"] == 660
    assert weighing["total_cents"] == 1924 and weighing["quoted_total_cents"] == 1360
    assert weighing["status"] == "recorded"
    assert _status(client, job) == "weighed"
    assert {_tag_status(city, code) for code in job.tag_codes} == {"attached"}


def test_a_deduction_breaking_its_rule_is_named_and_nothing_is_written(city, client, login):
    """Each broken rule is a 422 naming lines.i.deductions.j.<field>; the job stays arrived."""
    job = _at_the_door(client, login)
    [tag] = issue_tags(client, job.collector_id, 1)
    base = {"material": "cardboard", "grade": "A", "gross_grams": 10_000, "tag_code": tag}
    tare = {"kind": "tare", "grams": 500, "reason": "sack"}
    cases = [
        ([tare, {"kind": "moisture", "percent": "20", "reason": "soaked"}], "deductions.1.percent"),
        ([{"kind": "tare", "percent": "5", "reason": "sack"}], "deductions.0.percent"),
        ([dict(tare, grams=1500)], "deductions.0.grams"),
        ([tare, dict(tare, grams=100)], "deductions.1.kind"),
        ([{"kind": "moisture", "grams": 300, "reason": "wet"}], "deductions.0.grams"),
        ([{"kind": "rust", "percent": "1", "reason": "rusty"}], "deductions.0.kind"),
        ([{"kind": "moisture", "percent": "1"}], "deductions.0.reason"),
    ]
    for deductions, field in cases:
        response = _post(client, job, [dict(base, deductions=deductions)])
        assert response.status_code == 422, (field, response.get_json())
        assert f"lines.0.{field}" in response.get_json()["errors"], (field, response.get_json())
    assert _status(client, job) == "arrived"
    assert _tag_status(city, tag) == "issued"
    assert _post(client, job, [base]).status_code == 201


def test_lines_must_match_the_quote_and_the_unit(city, client, login):
    """Unquoted materials, wrong grades, pieces for kg goods and system fields are 422s."""
    job = _at_the_door(client, login)
    [tag] = issue_tags(client, job.collector_id, 1)
    good = {"material": "pet", "grade": "clear", "gross_grams": 3000, "tag_code": tag}
    cases = [
        (dict(good, material="copper", grade="bright"), "lines.0.material"),
        (dict(good, material="unobtainium"), "lines.0.material"),
        (dict(good, grade="golden"), "lines.0.grade"),
        (
            {k: v for k, v in good.items() if k != "gross_grams"} | {"pieces": 3},
            "lines.0.gross_grams",
        ),
        (dict(good, gross_grams=-5), "lines.0.gross_grams"),
        (dict(good, gross_grams=2.5), "lines.0.gross_grams"),
        (dict(good, amount_cents=1), "lines.0.amount_cents"),
    ]
    for line, field in cases:
        response = _post(client, job, [line])
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    empty = _post(client, job, [])
    assert empty.status_code == 422 and "lines" in empty.get_json()["errors"]


def test_tag_codes_are_checked_malformed_unknown_foreign_and_reused(city, client, login):
    """Malformed, never-issued and another collector's tags are 422; a used tag is a 409."""
    job = _at_the_door(client, login)
    mine = issue_tags(client, job.collector_id, 2)
    _zhao, zhao_id = enrol_approved_collector(client, login, ZHAO)
    [theirs] = issue_tags(client, zhao_id, 1)
    line = {"material": "pet", "grade": "clear", "gross_grams": 3000}
    typo = mine[0][:-1] + str((int(mine[0][-1]) + 1) % 10)
    cases = [("RC123", "malformed_tag"), (typo, "malformed_tag"), (make_tag_code(1), "unknown_tag")]
    for code, reason in cases:
        response = _post(client, job, [dict(line, tag_code=code)])
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["code"] == reason
        assert "lines.0.tag_code" in response.get_json()["errors"]
    foreign = _post(client, job, [dict(line, tag_code=theirs)])
    assert foreign.status_code == 422 and "lines.0.tag_code" in foreign.get_json()["errors"]
    twice = _post(client, job, [dict(line, tag_code=mine[0]), dict(line, tag_code=mine[0])])
    assert twice.status_code == 409 and "lines.1.tag_code" in twice.get_json()["errors"]
    assert _post(client, job, [dict(line, tag_code=mine[0])]).status_code == 201
    other = claimed_job(
        client, login, resident=job.resident, collector=(job.collector, job.collector_id)
    )
    arrive(client, other)
    reused = _post(client, other, [dict(line, tag_code=mine[0])])
    assert reused.status_code == 409 and reused.get_json()["code"] == "tag_reused"


def test_a_low_weighing_waits_and_a_refusal_leaves_the_material(city, client, login):
    """Far below the quote: pending; completion is 409; refusing ends the booking, voids tags."""
    job = _at_the_door(client, login)
    lines = [{"material": "pet", "grade": "clear", "gross_grams": 1000}]
    weighing = weigh(client, job, lines)
    assert weighing["status"] == "pending_acceptance"
    done = client.post(f"/api/jobs/{job.booking_id}/completion", headers=job.collector)
    assert done.status_code == 409 and done.get_json()["code"] == "awaiting_acceptance"
    seen = client.get(f"/api/bookings/{job.booking_id}/weighing", headers=job.resident)
    assert seen.get_json()["total_cents"] == 220
    assert _decide(client, job, "confirm").status_code == 409
    refused = _decide(client, job, "refuse")
    assert refused.status_code == 200 and refused.get_json()["status"] == "refused"
    booking = client.get(f"/api/bookings/{job.booking_id}", headers=job.resident).get_json()
    assert booking["status"] == "refused"
    assert _tag_status(city, job.tag_codes[0]) == "void"
    assert client.get("/api/jobs", headers=job.collector).get_json() == []
    kinds = [
        e["kind"]
        for e in client.get(f"/api/bookings/{job.booking_id}/events", headers=job.resident).json
    ]
    assert kinds[-3:] == ["weighed", "weighing_refused", "refused"]
    with session_scope(city) as session:
        assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0


def test_the_threshold_is_exclusive_and_a_reweighing_supersedes(city, client, login):
    """1,223 c of 1,360 quoted (10.07 % below) waits; re-weighed to 1,224 (10 %) it does not."""
    job = _at_the_door(client, login)
    cardboard = {"material": "cardboard", "grade": "A", "gross_grams": 5000}
    first = weigh(
        client, job, [{"material": "pet", "grade": "clear", "gross_grams": 2377}, cardboard]
    )
    assert (first["total_cents"], first["status"]) == (1223, "pending_acceptance")
    tags = job.tag_codes
    lines = [
        {"material": "pet", "grade": "clear", "gross_grams": 2382, "tag_code": tags[0]},
        dict(cardboard, tag_code=tags[1]),
    ]
    second = _post(client, job, lines)
    assert second.status_code == 201, second.get_json()
    assert (second.get_json()["total_cents"], second.get_json()["status"]) == (1224, "recorded")
    current = client.get(f"/api/bookings/{job.booking_id}/weighing", headers=job.resident).json
    assert current["weighing_id"] == second.get_json()["weighing_id"]
    events = client.get(f"/api/bookings/{job.booking_id}/events", headers=job.resident).json
    assert [e["kind"] for e in events][-2:] == ["weighed", "reweighed"]


def test_accepting_a_low_weighing_allows_completion_which_pays_once(city, client, login):
    """Accepted, the job completes, the resident is credited once; a retry of completion is 409."""
    job = _at_the_door(client, login)
    weigh(client, job, [{"material": "pet", "grade": "clear", "gross_grams": 1000}])
    accepted = _decide(client, job, "accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert _decide(client, job, "refuse").status_code == 409
    done = client.post(f"/api/jobs/{job.booking_id}/completion", headers=job.collector)
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    again = client.post(f"/api/jobs/{job.booking_id}/completion", headers=job.collector)
    assert again.status_code == 409
    [tag] = issue_tags(client, job.collector_id, 1)
    line = {"material": "pet", "grade": "clear", "gross_grams": 9, "tag_code": tag}
    reweigh = _post(client, job, [line])
    assert reweigh.status_code == 409
    with session_scope(city) as session:
        credits = session.scalars(
            select(LedgerTransaction).where(LedgerTransaction.kind == "weighing_credit")
        ).all()
        assert [t.reference for t in credits] == [f"weighing:{job.weighing['weighing_id']}"]
        assert sum(e.amount_cents for e in credits[0].entries if e.amount_cents > 0) == 220


def test_only_the_resident_decides_and_a_fair_weighing_is_confirmed(city, client, login):
    """Within the threshold: confirm works once; accept is 409; others get 404 or 403.

    Once the job is completed its collector no longer sees the door or the phone.
    """
    job = weighed_and_completed_job(client, login, resident_phone=ALICE, collector_phone=WANG)
    assert _decide(client, job, "confirm", headers=login(BOB)).status_code == 404
    assert _decide(client, job, "confirm", headers=job.collector).status_code == 403
    assert _decide(client, job, "accept").status_code == 409
    finished = client.get(f"/api/jobs/{job.booking_id}", headers=job.collector).get_json()
    assert finished["status"] == "completed"
    assert finished["address"] is None and finished["resident_phone"] is None
    confirmed = _decide(client, job, "confirm")
    assert confirmed.status_code == 200 and confirmed.get_json()["resident_decided_at"]
    assert _decide(client, job, "confirm").status_code == 409
    bad = _decide(client, job, "maybe")
    assert bad.status_code == 422 and "decision" in bad.get_json()["errors"]
