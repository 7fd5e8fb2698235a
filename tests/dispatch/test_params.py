"""SolveParams rejects unknown strategies and computes drop penalties."""

from __future__ import annotations

import pytest

from dispatch import DropPenaltyPolicy, SolveParams


def test_unknown_strategy_is_rejected():
    """A typo in a strategy name fails at construction, not deep in the solver."""
    with pytest.raises(ValueError, match="first_solution"):
        SolveParams(first_solution="FASTEST")


def test_penalty_grows_with_priority_and_value():
    """Higher priority and value make a pickup costlier to drop."""
    policy = DropPenaltyPolicy()
    assert policy.penalty(2, 0) > policy.penalty(1, 0) > policy.penalty(0, 0)
    assert policy.penalty(0, 500) - policy.penalty(0, 0) == 5_000
