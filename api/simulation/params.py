"""How big the simulated city is and how long it runs: the full demo and the CI-sized one."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SimulationParams:
    """Sizes, rates and time limits of one simulation run (all counts are per city).

    ``days`` are the busy days just before today, each with a nightly dispatch; the
    ``history_weeks`` before them are thinner (``history_rate`` of the busy booking rate)
    and are worked without dispatch so the warehouse has several weeks and months of prices.
    """

    residents: int = 2000
    collectors: int = 60
    plants: int = 8
    days: int = 7
    # 8 weeks: with the busy week, collectors enrolled at the start reach the 60 days of
    # tenure the credit scorecard wants, and the indices span three calendar months
    history_weeks: int = 8
    # share of residents booking a pickup on a busy day (about one pickup in three weeks)
    booking_rate: float = 0.045
    history_rate: float = 0.09
    # outcomes at the door and before it
    cancel_rate: float = 0.04
    late_cancel_rate: float = 0.01
    no_show_rate: float = 0.015
    refuse_rate: float = 0.3  # of the weighings that fall below the acceptance threshold
    dispute_rate: float = 0.01
    rating_rate: float = 0.3
    # the evening solve per zone (seconds) and how many lots a station needs to auction
    dispatch_time_limit_s: float = 1.0
    lot_min_grams: int = 40_000
    lot_weekdays: tuple[int, ...] = (0, 3)  # busy days: Monday and Thursday evenings
    history_lot_weekdays: tuple[int, ...] = (0,)  # history: Monday evenings
    max_bidders: int = 4
    payout_share: float = 0.25  # of residents with money in their wallet, who withdraw it
    seed: int = 20261124

    @classmethod
    def full(cls) -> SimulationParams:
        """``make demo``: about 2,000 residents, 60 collectors, 8 plants, a week plus history."""
        return cls()

    @classmethod
    def quick(cls) -> SimulationParams:
        """``make demo-quick`` and the test: a small city, two busy days, one history week."""
        return cls(
            residents=200,
            collectors=8,
            plants=2,
            days=2,
            history_weeks=1,
            booking_rate=0.12,
            history_rate=0.5,
            dispatch_time_limit_s=1.0,
            lot_min_grams=20_000,
            lot_weekdays=(0, 1, 2, 3, 4, 5, 6),
            history_lot_weekdays=(0, 2, 4),
        )

    def with_seed(self, seed: int) -> SimulationParams:
        """The same run with another random seed."""
        return replace(self, seed=seed)
