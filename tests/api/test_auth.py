"""Login by phone code, token rotation and revocation, through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from api.auth.models import LoginCode, TokenFamily
from api.db import session_scope, utcnow

PHONE = "+8613812345678"


def _code(app, phone=PHONE) -> str:
    return app.extensions["sms_sender"].last_code(phone)


def _tokens(client, phone, code):
    return client.post(
        "/api/auth/tokens", json={"grant_type": "phone_code", "phone": phone, "code": code}
    )


def test_login_flow_signs_up_a_resident(app, client):
    """A new phone gets a code, exchanges it for tokens and is a resident."""
    response = client.post("/api/auth/codes", json={"phone": PHONE})
    assert response.status_code == 201
    assert response.get_json()["expires_in"] == 300
    tokens = _tokens(client, PHONE, _code(app))
    assert tokens.status_code == 201
    body = tokens.get_json()
    assert body["role"] == "resident"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.get_json()["role"] == "resident"


@pytest.mark.parametrize(
    "phone",
    ["13812345678", "+86123", "+8601012345678", "+861381234567a", "", "+8610 6552 9988"],
)
def test_invalid_phone_is_422_naming_the_field(client, phone):
    """Numbers that are not valid E.164 mobile numbers are refused with the field named."""
    response = client.post("/api/auth/codes", json={"phone": phone})
    assert response.status_code == 422
    assert "phone" in response.get_json()["errors"]


def test_unknown_field_is_rejected(client):
    """Bodies with fields the API does not know are refused."""
    response = client.post("/api/auth/codes", json={"phone": PHONE, "role": "admin"})
    assert response.status_code == 422
    assert "role" in response.get_json()["errors"]


def test_codes_are_stored_hashed(app, client):
    """The plain code never reaches the database."""
    client.post("/api/auth/codes", json={"phone": PHONE})
    with session_scope(app) as session:
        row = session.query(LoginCode).one()
        assert _code(app) not in row.code_hash
        assert len(row.code_hash) == 64


def test_expired_code_is_refused(app, client):
    """A code older than five minutes no longer signs in."""
    client.post("/api/auth/codes", json={"phone": PHONE})
    with session_scope(app) as session:
        session.execute(update(LoginCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = _tokens(client, PHONE, _code(app))
    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid_code"


def test_five_wrong_attempts_burn_the_code(app, client):
    """After five wrong codes even the right code is refused; attempts are counted durably."""
    client.post("/api/auth/codes", json={"phone": PHONE})
    right = _code(app)
    wrong = "000000" if right != "000000" else "111111"
    statuses = [_tokens(client, PHONE, wrong).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    assert _tokens(client, PHONE, right).status_code == 422


def test_resend_is_throttled_per_phone(app_config, database_url):
    """A second code within the resend interval is refused with Retry-After."""
    from api import create_app

    app_config["LOGIN_CODE_RESEND_SECONDS"] = 60
    app = create_app(app_config)
    client = app.test_client()
    assert client.post("/api/auth/codes", json={"phone": PHONE}).status_code == 201
    again = client.post("/api/auth/codes", json={"phone": PHONE})
    assert again.status_code == 429
    assert int(again.headers["Retry-After"]) > 0
    from tests.conftest import _empty_tables

    _empty_tables(app.extensions["db_engine"])


def test_codes_are_rate_limited_per_client_address(client):
    """One client address cannot ask for codes for many phones quickly."""
    statuses = [
        client.post("/api/auth/codes", json={"phone": f"+861381234{n:04d}"}).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [201] * 5
    assert statuses[5] == 429


def _login(app, client):
    client.post("/api/auth/codes", json={"phone": PHONE})
    return _tokens(client, PHONE, _code(app)).get_json()


def test_refresh_rotates_and_reuse_revokes_the_family(app, client):
    """A refresh token works once; presenting it again signs out the whole family."""
    first = _login(app, client)
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/api/auth/tokens", json=refresh)
    assert second.status_code == 201
    rotated = second.get_json()
    assert rotated["refresh_token"] != first["refresh_token"]
    reuse = client.post("/api/auth/tokens", json=refresh)
    assert reuse.status_code == 401 and reuse.get_json()["code"] == "token_reused"
    newest = {"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]}
    assert client.post("/api/auth/tokens", json=newest).status_code == 401
    headers = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_logout_revokes_access_and_refresh(app, client):
    """After sign-out neither the access token nor the refresh token works."""
    tokens = _login(app, client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/auth/revocations", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert client.post("/api/auth/tokens", json=refresh).status_code == 401


def test_grant_fields_are_required_per_grant(client):
    """A phone-code grant without a code names the missing field."""
    response = client.post("/api/auth/tokens", json={"grant_type": "phone_code", "phone": PHONE})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"code": ["required for grant_type phone_code"]}


def test_missing_token_is_401_in_the_error_shape(client):
    """Protected endpoints answer 401 in the one error shape."""
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert set(response.get_json()) == {"code", "message", "errors"}


def test_reuse_revocation_reaches_an_access_token_in_use_at_once(app, client):
    """A token this process has just accepted (and cached) is refused right after the
    refresh-token reuse that revokes its family commits."""
    first = _login(app, client)
    headers = {"Authorization": f"Bearer {first['access_token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    assert client.post("/api/auth/tokens", json=refresh).status_code == 201
    assert client.post("/api/auth/tokens", json=refresh).status_code == 401
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def _revoke_behind_the_apps_back(app) -> None:
    """Another API process signs the session out: a plain UPDATE, no ORM event here."""
    with session_scope(app) as session:
        session.execute(update(TokenFamily).values(revoked_at=utcnow(), revoked_reason="logout"))


def test_another_process_revocation_applies_once_the_cache_expires(app, client, monkeypatch):
    """Revoked elsewhere, a cached session is trusted at most TOKEN_REVOCATION_CACHE_SECONDS."""
    from api.auth import revocation

    tokens = _login(app, client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    clock = [1000.0]
    monkeypatch.setattr(revocation.time, "monotonic", lambda: clock[0])
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    _revoke_behind_the_apps_back(app)
    clock[0] += app.config["TOKEN_REVOCATION_CACHE_SECONDS"] / 2
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    clock[0] += app.config["TOKEN_REVOCATION_CACHE_SECONDS"]
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_without_the_cache_every_request_reads_the_revocation(app, client):
    """With the cache off, a revocation made by another process applies to the next request."""
    app.config["TOKEN_REVOCATION_CACHE_SECONDS"] = 0  # read when the first token is checked
    tokens = _login(app, client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    _revoke_behind_the_apps_back(app)
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def _family_reads(app):
    """A list that collects the statements reading ``token_families``."""
    from sqlalchemy import event

    seen: list[str] = []

    def _note(_conn, _cursor, statement, *_args):
        if "FROM token_families" in statement:
            seen.append(statement)

    event.listen(app.extensions["db_engine"], "before_cursor_execute", _note)
    return seen


def test_a_phone_calling_every_few_seconds_costs_one_poll_per_interval(app, client, monkeypatch):
    """Requests seconds apart reuse the process's knowledge of the session: the database is
    asked once for the session, then once per interval for recent sign-outs (all users)."""
    from api.auth import revocation

    tokens = _login(app, client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    clock = [1000.0]
    monkeypatch.setattr(revocation.time, "monotonic", lambda: clock[0])
    reads = _family_reads(app)
    interval = app.config["TOKEN_REVOCATION_CACHE_SECONDS"]
    for _ in range(10):  # ten requests, each a quarter interval after the last
        assert client.get("/api/auth/me", headers=headers).status_code == 200
        clock[0] += interval / 4
    polls = [s for s in reads if "revoked_at >=" in s]
    lookups = [s for s in reads if "token_family_id =" in s]
    assert len(lookups) == 1
    assert len(polls) == 2  # 2.5 intervals went by


def test_a_sign_out_committed_late_is_still_seen_by_the_next_poll(app, client, monkeypatch):
    """A revocation stamped before the previous poll (its transaction committed later, or the
    other host's clock is behind) is within the look-back, so the next poll still finds it."""
    from api.auth import revocation

    tokens = _login(app, client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    clock = [1000.0]
    monkeypatch.setattr(revocation.time, "monotonic", lambda: clock[0])
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    clock[0] += app.config["TOKEN_REVOCATION_CACHE_SECONDS"]
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # a poll: nothing
    stamped = utcnow() - revocation.REVOCATION_LOOKBACK / 2
    with session_scope(app) as session:
        session.execute(update(TokenFamily).values(revoked_at=stamped, revoked_reason="logout"))
    clock[0] += app.config["TOKEN_REVOCATION_CACHE_SECONDS"]
    assert client.get("/api/auth/me", headers=headers).status_code == 401
