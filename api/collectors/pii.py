"""National ID numbers: the PRC format check, encryption at rest and the masked form.

The number is personal data: it is stored Fernet-encrypted (for a reviewer who must read it
again, e.g. for a court order) plus a keyed hash (so one person enrols once) and its last four
characters (to show it masked). It is never logged and never returned in full.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$")
# ISO 7064 MOD 11-2 weights are 2**(17 - i) mod 11 for the 17 body digits.
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARS = "10X98765432"
MASK = "*" * 14


def id_check_char(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the 17-digit ``body``."""
    total = sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def national_id_problem(raw: str) -> str | None:
    """Why ``raw`` is not a valid 18-character PRC resident ID number, or None."""
    value = normalise_national_id(raw)
    if not ID_RE.match(value):
        return "18 characters: 17 digits and a digit or X"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "the birth date in the number is not a date"
    if born.year < 1900 or born > date.today():
        return "the birth date in the number is out of range"
    if id_check_char(value[:17]) != value[17]:
        return "check character does not match (mistyped?)"
    return None


def normalise_national_id(raw: str) -> str:
    """Trimmed, upper-case (the check character may be a lower-case x on a form)."""
    return raw.strip().upper()


def mask_national_id(last4: str) -> str:
    """``************1234``: what any response shows of the number."""
    return MASK + last4


def _derive(secret: str, purpose: bytes) -> bytes:
    # One configured secret, separate keys per use: HKDF makes them independent.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(secret, b"recycle:national-id:encrypt")))


def encrypt_national_id(secret: str, value: str) -> str:
    """The Fernet token (text) of the normalised number."""
    return _fernet(secret).encrypt(normalise_national_id(value).encode()).decode()


def decrypt_national_id(secret: str, token: str) -> str:
    """The number back from its token (for audited reviewer use only)."""
    return _fernet(secret).decrypt(token.encode()).decode()


def national_id_digest(secret: str, value: str) -> str:
    """A keyed SHA-256 of the number: equal numbers match without storing them in clear."""
    key = _derive(secret, b"recycle:national-id:hash")
    return hmac.new(key, normalise_national_id(value).encode(), hashlib.sha256).hexdigest()
