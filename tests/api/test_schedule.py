"""The beat schedule only names tasks a worker actually registers."""

from __future__ import annotations


def test_every_scheduled_task_is_registered(app):
    """A typo in a task name would make beat send messages no worker can run."""
    celery = app.extensions["celery"]
    scheduled = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert scheduled, "the schedule should not be empty"
    missing = scheduled - set(celery.tasks)
    assert missing == set()


def test_nightly_jobs_are_scheduled(app):
    """Dispatch, auction closing, payouts, custody checkpoints and mass balance all run."""
    names = set(app.extensions["celery"].conf.beat_schedule)
    assert {
        "route_plans.plan_day",
        "auctions.close_ended",
        "payouts.resend_stuck",
        "custody.sign_checkpoint",
        "custody.run_mass_balance",
    } <= names
