"""Helpers that keep personal data out of logs and responses."""

from __future__ import annotations

import hashlib
import hmac


def mask_phone(phone: str) -> str:
    """``+8613812345678`` -> ``+86138****5678``."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:6] + "****" + phone[-4:]


def keyed_hash(key: str, value: str) -> str:
    """A keyed SHA-256 (HMAC) hex digest: stable pseudonym, not reversible without the key."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
