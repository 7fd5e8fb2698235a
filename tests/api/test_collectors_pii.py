"""National ID numbers: the MOD 11-2 check, encryption at rest, the keyed digest, the mask."""

from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken

from api.collectors.pii import (
    decrypt_national_id,
    encrypt_national_id,
    id_check_char,
    mask_national_id,
    national_id_digest,
    national_id_problem,
)

KEY = "test-pii-key-of-reasonable-length-0001"
# The worked example of GB 11643-1999: check character X.
EXAMPLE = "11010519491231002X"


def test_the_published_example_checks_out():
    """The standard's example body gives check character X; lower-case x is accepted."""
    assert id_check_char(EXAMPLE[:17]) == "X"
    assert national_id_problem(EXAMPLE) is None
    assert national_id_problem(EXAMPLE.lower()) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "check character"),
        ("11010519491331002X", "birth date"),
        ("11010518491231002X", "out of range"),
        ("01010519491231002X", "17 digits"),
        ("1101051949123100", "17 digits"),
        ("11010519491231002Y", "17 digits"),
    ],
)
def test_bad_numbers_say_why(raw, reason):
    """A wrong check character, an impossible birth date or a bad shape each name the problem."""
    assert reason in national_id_problem(raw)


def test_encryption_round_trips_and_never_repeats():
    """Two encryptions differ (random IV) but both decrypt; another key cannot read them."""
    first, second = encrypt_national_id(KEY, EXAMPLE), encrypt_national_id(KEY, EXAMPLE)
    assert first != second and EXAMPLE not in first
    assert decrypt_national_id(KEY, first) == decrypt_national_id(KEY, second) == EXAMPLE
    with pytest.raises(InvalidToken):
        decrypt_national_id(KEY + "-other", first)


def test_digest_is_stable_keyed_and_case_insensitive():
    """Equal numbers give equal digests under one key, different ones under another."""
    assert national_id_digest(KEY, EXAMPLE) == national_id_digest(KEY, EXAMPLE.lower())
    assert national_id_digest(KEY, EXAMPLE) != national_id_digest(KEY + "x", EXAMPLE)
    assert mask_national_id(EXAMPLE[-4:]) == "**************002X"
