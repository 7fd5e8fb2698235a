"""Pluggable SMS senders for login codes."""

from __future__ import annotations

import importlib
import sys
from typing import Protocol

from api.privacy import mask_phone


class SmsSender(Protocol):
    """Sends a login code to a phone; a real provider implements this."""

    def send_code(self, phone: str, code: str, *, language: str) -> None:
        """Deliver ``code`` to ``phone``."""


class ConsoleSmsSender:
    """Prints codes to stderr for the demo (the phone is masked, the code is not)."""

    def send_code(self, phone: str, code: str, *, language: str) -> None:
        print(f"[sms] login code for {mask_phone(phone)}: {code}", file=sys.stderr, flush=True)


class CapturingSmsSender:
    """Keeps sent codes in memory so tests can read them."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send_code(self, phone: str, code: str, *, language: str) -> None:
        self.sent.append((phone, code))

    def last_code(self, phone: str) -> str:
        """The last code sent to ``phone``."""
        return next(code for p, code in reversed(self.sent) if p == phone)


def make_sms_sender(name: str) -> SmsSender:
    """``console``, ``capture`` or ``package.module:ClassName`` of a provider."""
    if name == "console":
        return ConsoleSmsSender()
    if name == "capture":
        return CapturingSmsSender()
    module_name, _, class_name = name.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
