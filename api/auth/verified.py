"""Access tokens verified once per process, not on every request.

flask-jwt-extended parses a token three times per request (claims unverified, header, then
with the signature) and PyJWT checks every character of each segment in Python: about a
tenth of an API process's CPU under the load benchmark. A phone sends the same token on
every request for its lifetime, so each process remembers the claims of a token whose
signature it has checked, keyed by the whole token text: another signature or any other
change is another key and is verified in full. A remembered token is used only before its
``exp``; after that the full check runs again and refuses it as expired. Sign-outs are not
affected: revocation is checked on every request after decoding (``api.auth.revocation``).
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config

# Bounded: when full, it starts again empty (one signature check per active phone).
MAX_REMEMBERED = 20_000


def _seconds(leeway: int | float | timedelta) -> float:
    return leeway.total_seconds() if isinstance(leeway, timedelta) else float(leeway)


class RememberingJWTManager(JWTManager):
    """``JWTManager`` that verifies each distinct access token once per process."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._verified: dict[tuple[str, str], dict] = {}

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value=None, allow_expired: bool = False
    ) -> dict:
        if csrf_value is not None or allow_expired:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        key = (config.decode_key, encoded_token)  # checked with this app's key, not another's
        claims = self._verified.get(key)
        if claims is not None and time.time() < claims["exp"] + _seconds(config.leeway):
            return dict(claims)
        claims = super()._decode_jwt_from_config(encoded_token)
        if "exp" in claims:  # a token without an expiry is never remembered
            if len(self._verified) >= MAX_REMEMBERED:
                self._verified.clear()
            self._verified[key] = dict(claims)
        return claims

    def forget_verified_tokens(self) -> None:
        """Drop every remembered token (a new signing key, tests)."""
        self._verified.clear()
