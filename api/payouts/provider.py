"""The payout provider interface, and a fake provider that behaves like an idempotent one."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.payouts.models import FakePayoutTransfer

# A single transfer above this is refused by the fake provider, as real ones cap transfers.
DEFAULT_FAKE_LIMIT_CENTS = 5_000_000


@dataclass(frozen=True)
class ProviderResult:
    """The provider's final answer for one transfer: ``paid`` or ``failed``."""

    status: str
    provider_reference: str | None = None
    failure_reason: str | None = None


class PayoutProviderUnavailableError(Exception):
    """The provider could not be reached or answered neither paid nor failed: retry later."""


class PayoutProvider(Protocol):
    """Sends money to a user's bound account; idempotent by ``payout_id``."""

    def send(self, payout_id: str, amount_cents: int, account_ref: str) -> ProviderResult:
        """Pay ``amount_cents`` once for ``payout_id``; a repeat returns the first result."""
        ...


class FakePayoutProvider:
    """Records each transfer in its own table and transaction, keyed by our payout id.

    A repeated call with the same key returns the first result and pays nothing more, like a
    real provider given an idempotency key. ``delay_s`` makes it answer slowly *after* it
    has recorded the transfer: the window in which a crashing worker has paid but not noted it.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        delay_s: float = 0,
        limit_cents: int = DEFAULT_FAKE_LIMIT_CENTS,
    ) -> None:
        self._factory = factory
        self.delay_s = delay_s
        self.limit_cents = limit_cents

    def send(self, payout_id: str, amount_cents: int, account_ref: str) -> ProviderResult:
        """Pay once per ``payout_id``; see the class docstring."""
        transfer = self._record(payout_id, amount_cents, account_ref)
        if self.delay_s:
            time.sleep(self.delay_s)
        if transfer.amount_cents != amount_cents:
            # a real provider refuses a reused idempotency key with another body
            raise ValueError(f"idempotency key {payout_id} reused with another amount")
        return ProviderResult(
            status=transfer.status,
            provider_reference=transfer.provider_reference,
            failure_reason=transfer.failure_reason,
        )

    def _record(self, key: str, amount_cents: int, account_ref: str) -> FakePayoutTransfer:
        refused = amount_cents > self.limit_cents
        with self._factory() as session:
            try:
                session.add(
                    FakePayoutTransfer(
                        idempotency_key=key,
                        amount_cents=amount_cents,
                        account_ref=account_ref,
                        status="failed" if refused else "paid",
                        provider_reference=f"FAKE-{key}",
                        failure_reason="above the single-transfer limit" if refused else None,
                    )
                )
                session.commit()
            except IntegrityError:
                session.rollback()
                session.execute(
                    update(FakePayoutTransfer)
                    .where(FakePayoutTransfer.idempotency_key == key)
                    .values(request_count=FakePayoutTransfer.request_count + 1)
                )
                session.commit()
            return session.scalar(
                select(FakePayoutTransfer).where(FakePayoutTransfer.idempotency_key == key)
            )


def make_payout_provider(app: Flask) -> PayoutProvider:
    """The provider named by ``PAYOUT_PROVIDER``: ``fake`` or ``package.module:factory``.

    A dotted factory is called with the Flask app and returns a :class:`PayoutProvider`.
    """
    name = app.config.get("PAYOUT_PROVIDER") or "fake"
    if name == "fake":
        return FakePayoutProvider(
            app.extensions["db_sessionmaker"],
            delay_s=float(app.config.get("FAKE_PAYOUT_DELAY_S") or 0),
            limit_cents=int(app.config.get("FAKE_PAYOUT_LIMIT_CENTS", DEFAULT_FAKE_LIMIT_CENTS)),
        )
    module_name, _, attr = name.partition(":")
    return getattr(importlib.import_module(module_name), attr)(app)


def get_payout_provider(app: Flask) -> PayoutProvider:
    """The app's provider, built once."""
    if "payout_provider" not in app.extensions:
        app.extensions["payout_provider"] = make_payout_provider(app)
    return app.extensions["payout_provider"]
