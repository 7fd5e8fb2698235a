"""Solver parameters: time limit, engines and strategies, portfolio workers, drop penalties."""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_SOLUTION_STRATEGIES = (
    "AUTOMATIC",
    "PATH_CHEAPEST_ARC",
    "SAVINGS",
    "SWEEP",
    "CHRISTOFIDES",
    "PARALLEL_CHEAPEST_INSERTION",
    "SEQUENTIAL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_COST_INSERTION",
    "GLOBAL_CHEAPEST_ARC",
    "LOCAL_CHEAPEST_ARC",
)
METAHEURISTICS = (
    "AUTOMATIC",
    "GREEDY_DESCENT",
    "GUIDED_LOCAL_SEARCH",
    "SIMULATED_ANNEALING",
    "TABU_SEARCH",
)
ENGINES = ("ortools", "pyvrp")


@dataclass(frozen=True)
class DropPenaltyPolicy:
    """What leaving a pickup undone costs, in the objective's unit (metres driven).

    penalty = base + per_priority * priority + expected_value_cents * per_value_cent.
    With the defaults a priority-0 pickup worth nothing is still worth a 100 km detour,
    so pickups are dropped only when they cannot be fitted at all.
    """

    base: int = 100_000
    per_priority: int = 50_000
    per_value_cent: int = 10

    def penalty(self, priority: int, expected_value_cents: int) -> int:
        """Drop penalty of one pickup."""
        return self.base + self.per_priority * priority + self.per_value_cent * expected_value_cents


@dataclass(frozen=True)
class Strategy:
    """One engine run; a portfolio runs several. For OR-Tools, a (first solution,
    metaheuristic) pair; PyVRP ignores both (its iterated local search has no such knobs)."""

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    engine: str = "ortools"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}")
        if self.first_solution not in FIRST_SOLUTION_STRATEGIES:
            raise ValueError(f"unknown first_solution {self.first_solution!r}")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"unknown metaheuristic {self.metaheuristic!r}")

    @property
    def name(self) -> str:
        """How plans and benchmarks name this run."""
        if self.engine == "pyvrp":
            return "pyvrp"
        return f"ortools:{self.first_solution}+{self.metaheuristic}"


@dataclass(frozen=True)
class SolveParams:
    """How long and how to search.

    `num_workers > 1` runs every strategy of `portfolio` in `num_workers` processes,
    sharing the time limit (4 strategies on 2 workers: two rounds of half the limit), and
    keeps the best solution that passes the re-check (both engines' searches are
    single-threaded). The default portfolio is OR-Tools next to PyVRP: on Solomon R1/RC1
    PyVRP is far closer to the best-known values, OR-Tools is the only engine for
    re-plans with started routes. Keep `num_workers` at 1 inside a Celery prefork worker,
    whose daemonic children may not start processes; `in_series=True` then runs the
    portfolio one strategy after another in-process, each for its share of the limit.
    `seed` seeds PyVRP; `pyvrp_iterations` caps PyVRP's iterations (with a seed, a capped
    run is reproducible whatever the machine load). `bandit_operators` lets OR-Tools pick
    local search operators by a multi-armed bandit; off by default: on Solomon R1/RC1 at
    30 s it cost 0.4 points of mean gap (4.216 % on, 3.788 % off, benchmarks/RESULTS.md).
    OR-Tools' search is deterministic for a given problem and parameters (up to the time
    limit).
    """

    time_limit_s: float = 10.0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    num_workers: int = 1
    portfolio: tuple[Strategy, ...] = (
        Strategy("PARALLEL_CHEAPEST_INSERTION", "GUIDED_LOCAL_SEARCH"),
        Strategy(engine="pyvrp"),
    )
    in_series: bool = False
    seed: int = 1
    pyvrp_iterations: int | None = None
    drop_penalty: DropPenaltyPolicy = field(default_factory=DropPenaltyPolicy)
    guided_local_search_lambda: float = 0.1
    bandit_operators: bool = False
    station_copies: int | None = None
    vehicle_fixed_cost: int = 0
    log_search: bool = False

    def __post_init__(self) -> None:
        if self.first_solution not in FIRST_SOLUTION_STRATEGIES:
            raise ValueError(f"unknown first_solution {self.first_solution!r}")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"unknown metaheuristic {self.metaheuristic!r}")
        if self.time_limit_s <= 0 or self.num_workers < 1:
            raise ValueError("time_limit_s must be positive and num_workers at least 1")
        if not self.portfolio:
            raise ValueError("portfolio must name at least one strategy")

    def strategies(self) -> tuple[Strategy, ...]:
        """Strategies to run: the main OR-Tools one alone, or the whole portfolio."""
        if self.num_workers == 1 and not self.in_series:
            return (Strategy(self.first_solution, self.metaheuristic),)
        return self.portfolio
