"""Access tokens are verified once per process and remembered only until they expire."""

from __future__ import annotations

from flask_jwt_extended import JWTManager

import api.auth.verified as verified
from api import create_app
from api.extensions import jwt

ALICE = "+8613811116001"


def _count_full_checks(monkeypatch) -> list[str]:
    checks: list[str] = []
    full_check = JWTManager._decode_jwt_from_config

    def counting(self, encoded_token, csrf_value=None, allow_expired=False):
        checks.append(encoded_token)
        return full_check(self, encoded_token, csrf_value, allow_expired)

    monkeypatch.setattr(JWTManager, "_decode_jwt_from_config", counting)
    return checks


def test_a_token_is_verified_once_then_remembered(city, client, login, monkeypatch):
    """Ten requests with one token: one signature check; the answers are the same."""
    headers = login(ALICE)
    jwt.forget_verified_tokens()
    checks = _count_full_checks(monkeypatch)
    profiles = [client.get("/api/residents/me", headers=headers) for _ in range(10)]
    assert {r.status_code for r in profiles} == {200}
    assert len({r.get_json()["user_id"] for r in profiles}) == 1
    assert len(checks) == 1


def test_a_changed_signature_is_checked_and_refused(city, client, login):
    """A remembered token with its signature altered is another key: verified, refused."""
    headers = login(ALICE)
    assert client.get("/api/residents/me", headers=headers).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    body, signature = token.rsplit(".", 1)
    forged = body + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    answer = client.get("/api/residents/me", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401


def test_a_remembered_token_past_its_expiry_is_checked_again(city, client, login, monkeypatch):
    """After ``exp`` the remembered claims are not used: the full check runs again."""
    headers = login(ALICE)
    jwt.forget_verified_tokens()
    checks = _count_full_checks(monkeypatch)
    assert client.get("/api/residents/me", headers=headers).status_code == 200
    real_time = verified.time.time

    class Later:
        @staticmethod
        def time() -> float:
            return real_time() + 10 * 24 * 3600  # past any access token's expiry

    monkeypatch.setattr(verified, "time", Later)
    assert client.get("/api/residents/me", headers=headers).status_code == 200
    assert len(checks) == 2  # PyJWT's own clock still says valid, so it is accepted


def test_a_token_remembered_by_one_app_is_not_trusted_by_another_key(
    city, client, login, app_config
):
    """Two apps in one process with different signing keys: a token verified by the first
    is still refused by the second."""
    headers = login(ALICE)
    assert client.get("/api/residents/me", headers=headers).status_code == 200
    other = create_app({**app_config, "JWT_SECRET_KEY": "another-key-" + "x" * 40})
    try:
        answer = other.test_client().get("/api/residents/me", headers=headers)
        assert answer.status_code == 401
    finally:
        other.extensions["db_engine"].dispose()


def test_the_memory_is_bounded(city, client, login, monkeypatch):
    """When full, the memory starts again empty rather than growing."""
    monkeypatch.setattr(verified, "MAX_REMEMBERED", 2)
    jwt.forget_verified_tokens()
    for n in range(5):
        headers = login(f"+86138111170{n:02d}")
        assert client.get("/api/residents/me", headers=headers).status_code == 200
        assert len(jwt._verified) <= 2
