"""Every error a phone can receive reads in the user's language (zh-CN or English)."""

from __future__ import annotations

import re
from pathlib import Path

from api.errors import HTTP_CODES
from api.i18n import MESSAGES
from pricing.auctions import bidding
from tests.api.market_helpers import new_user, token_headers
from tests.api.test_plants import _body

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r"""\bcode\s*=\s*"([a-z_]+)\"""")


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for package in ("api", "pricing"):
        for path in (ROOT / package).rglob("*.py"):
            codes.update(RAISED.findall(path.read_text(encoding="utf-8")))
    codes.update(
        value
        for name, value in vars(bidding).items()
        if name.isupper() and isinstance(value, str) and re.fullmatch(r"[a-z_]+", value)
    )
    return codes | set(HTTP_CODES.values())


def test_every_error_code_has_both_languages():
    """A new error code without an English and a Chinese message fails here."""
    codes = _codes_in_source()
    assert {"already_claimed", "below_minimum", "manifest_tampered"} <= codes
    missing = sorted(
        code
        for code in codes
        if code != "code" and not {"en", "zh-CN"} <= set(MESSAGES.get(code, {}))
    )
    assert missing == []


def test_a_conflict_reads_in_chinese_for_a_chinese_phone(city, client):
    """zh-CN readers get the translated message; English readers keep the detailed one."""
    headers = token_headers(city, user_id=new_user(city, "+8613900004099", "plant"), role="plant")
    first = client.post("/api/plants", json=_body(), headers=headers)
    assert first.status_code == 201, first.get_json()
    again = _body(licence_number="OTHER-0001")
    zh = client.post(
        "/api/plants", json=again, headers={**headers, "Accept-Language": "zh-CN,zh;q=0.9"}
    )
    en = client.post("/api/plants", json=again, headers={**headers, "Accept-Language": "en"})
    assert zh.status_code == en.status_code == 409
    assert zh.get_json()["code"] == en.get_json()["code"] == "already_registered"
    assert zh.get_json()["message"] == "您已隶属于一家回收厂。"
    assert en.get_json()["message"] == "you already belong to a plant"
