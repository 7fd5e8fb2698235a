"""The platform's routine around the pickups: Monday tariff versions, Sunday withdrawals,
and (on the busy days) the nightly custody checkpoint and mass balance."""

from __future__ import annotations

from datetime import date

from api.custody.tasks import run_mass_balance, sign_checkpoint
from api.payouts.service import create_payout
from api.simulation.prices import publish_tariffs
from api.simulation.world import World
from api.wallets.service import get_wallet_summary

MIN_RESIDENT_WITHDRAWAL = 2_000  # 20 CNY
MIN_COLLECTOR_WITHDRAWAL = 10_000


def schedule_routine(world: World, day: date) -> None:
    """Diary the day's routine jobs."""
    add = world.agenda.add
    if day.weekday() == 0:
        add(world.at(day, 0, 5), lambda a: _new_tariffs(world, day), label="tariffs")
    if day.weekday() == 6 or day == world.last_day:
        add(world.at(day, 21, 45), lambda a: withdrawals(world), label="withdrawals")
    if day == world.last_day:  # verifying the whole chain is a long read: once, last night
        add(world.at(day, 0, 10), lambda a: sign_checkpoint.delay(), label="checkpoint", task=True)
    if day in world.busy_days:
        add(
            world.at(day, 2, 30),
            lambda a: run_mass_balance.delay(None),
            label="mass_balance",
            task=True,
        )


def _new_tariffs(world: World, day: date) -> None:
    world.market.step_week()
    publish_tariffs(
        world.agenda.session, market=world.market, valid_from=day, admin_id=world.city.admin_user_id
    )


def withdrawals(world: World) -> None:
    """Some residents and collectors with money in their wallet withdraw it.

    Each withdrawal is its own diary entry, committed at once: the payout is sent to the
    (fake) provider after the commit.
    """
    rng = world.rng
    people = [(r.user_id, "resident", MIN_RESIDENT_WITHDRAWAL) for r in world.city.residents]
    people += [(c.user_id, "collector", MIN_COLLECTOR_WITHDRAWAL) for c in world.city.collectors]
    for index, (user_id, role, minimum) in enumerate(people):
        if rng.random() >= world.params.payout_share:
            continue
        summary = get_wallet_summary(world.agenda.session, user_id=user_id, role=role)
        if summary.available_cents < minimum:
            continue
        amount = summary.available_cents if role == "resident" else summary.available_cents * 4 // 5

        def withdraw(agenda, user_id=user_id, role=role, amount=amount) -> None:
            create_payout(agenda.session, user_id=user_id, role=role, amount_cents=amount)

        at = world.later(minutes=1 + index / 60)
        world.agenda.add(at, withdraw, label="payout", commit_after=True)
