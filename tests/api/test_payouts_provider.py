"""The payout provider interface: the fake provider is idempotent by our payout id."""

from __future__ import annotations

from sqlalchemy import select

from api.db import session_scope
from api.payouts.models import FakePayoutTransfer
from api.payouts.provider import FakePayoutProvider, get_payout_provider, make_payout_provider


class RecordingProvider:
    """A stand-in real provider built by a dotted factory."""

    def __init__(self, app):
        self.app = app

    def send(self, payout_id, amount_cents, account_ref):
        raise NotImplementedError


def recording_provider(app):
    """Factory named in a test's PAYOUT_PROVIDER."""
    return RecordingProvider(app)


def test_same_key_pays_once_and_returns_the_first_answer(app):
    """A repeated key records one transfer, counts the request, and answers the same."""
    provider = FakePayoutProvider(app.extensions["db_sessionmaker"])
    first = provider.send("41", 1200, "user:7")
    second = provider.send("41", 1200, "user:7")
    other = provider.send("42", 300, "user:7")
    assert first == second and first.status == "paid"
    assert other.provider_reference != first.provider_reference
    with session_scope(app) as session:
        rows = session.scalars(select(FakePayoutTransfer).order_by("idempotency_key")).all()
        assert [(r.idempotency_key, r.request_count) for r in rows] == [("41", 2), ("42", 1)]


def test_transfers_above_the_limit_fail_and_stay_failed(app):
    """Above the single-transfer limit the answer is failed, and a retry does not change it."""
    provider = FakePayoutProvider(app.extensions["db_sessionmaker"], limit_cents=1000)
    assert provider.send("9", 1001, "user:1").status == "failed"
    provider.limit_cents = 10_000
    result = provider.send("9", 1001, "user:1")
    assert (result.status, result.failure_reason) == ("failed", "above the single-transfer limit")


def test_config_selects_the_provider(app_config):
    """PAYOUT_PROVIDER=fake builds the fake with its config; a dotted path calls the factory."""
    from api import create_app

    fake = create_app({**app_config, "FAKE_PAYOUT_DELAY_S": "1.5"})
    provider = make_payout_provider(fake)
    assert isinstance(provider, FakePayoutProvider) and provider.delay_s == 1.5
    real = create_app(
        {**app_config, "PAYOUT_PROVIDER": "tests.api.test_payouts_provider:recording_provider"}
    )
    built = get_payout_provider(real)
    assert isinstance(built, RecordingProvider) and built.app is real
    assert get_payout_provider(real) is built
    for each in (fake, real):
        each.extensions["db_engine"].dispose()
