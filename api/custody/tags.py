"""Bag tag codes: ``RC`` + 11 digits + a Luhn check digit, e.g. ``RC000000000018``.

Digits only after the prefix so a QR code or an RFID chip can carry it compactly and a
collector can type it; the check digit catches any single mistyped digit and most swaps.
"""

from __future__ import annotations

import re

PREFIX = "RC"
TAG_RE = re.compile(r"^RC(\d{11})(\d)$")


def luhn_check_digit(digits: str) -> int:
    """The Luhn digit that makes ``digits`` + digit valid."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def make_tag_code(serial: int) -> str:
    """The tag code for a serial number (0 <= serial < 10**11)."""
    if not 0 <= serial < 10**11:
        raise ValueError("serial out of range")
    body = f"{serial:011d}"
    return f"{PREFIX}{body}{luhn_check_digit(body)}"


def tag_format_problem(code: str) -> str | None:
    """Why ``code`` is not a well-formed tag code, or None when it is."""
    if not isinstance(code, str):
        return "a tag code is a string"
    match = TAG_RE.match(code.strip().upper())
    if match is None:
        return "tag codes look like RC + 12 digits"
    body, check = match.groups()
    if luhn_check_digit(body) != int(check):
        return "check digit does not match (mistyped?)"
    return None


def normalise_tag_code(code: str) -> str:
    """Upper-case, trimmed form of a well-formed code."""
    return code.strip().upper()
