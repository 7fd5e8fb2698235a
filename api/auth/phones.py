"""Phone number validation (E.164; mainland China numbers must be mobile numbers)."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType


def normalise_phone(raw: str) -> str | None:
    """The E.164 form of ``raw``, or None when it is not a valid number to text.

    Numbers must start with ``+``; +86 numbers must be valid mainland mobile numbers.
    """
    if not isinstance(raw, str) or not raw.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(raw, None)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if number.country_code == 86 and kind not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
