"""Time a given visit order of the integer model: earliest service, breaks placed.

For routes from an engine that knows no breaks (PyVRP). Each break is tried after
every departure in turn (and before leaving, and after getting home); where pausing
makes a later job miss its window, that job is dropped from the route rather than
served late. The placement dropping the least penalty, then getting home earliest,
wins. A route whose breaks fit nowhere, even with drops, cannot be timed (None).
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.core import VrpBreak, VrpModel, VrpRoute, VrpVehicle, VrpVisit


@dataclass(frozen=True)
class TimedRoute:
    """A timed route and the job nodes dropped to make room for its breaks."""

    route: VrpRoute
    dropped: tuple[int, ...]


@dataclass(frozen=True)
class _Run:
    positions: tuple[int, ...]
    times: tuple[int, ...]
    breaks: tuple[tuple[int, int], ...]
    dropped: tuple[int, ...]
    penalty: int
    paused_at_home: bool


def time_route(model: VrpModel, v: int, nodes: list[int], depart: int) -> TimedRoute | None:
    """Times of `nodes` (start ... end) for vehicle `v` leaving at `depart`."""
    vehicle = model.vehicles[v]
    chosen: list[tuple[VrpBreak, int]] = []
    best = _simulate(model, vehicle, nodes, depart, chosen)
    for brk in sorted(vehicle.breaks, key=lambda b: b.earliest_start):
        trials = []
        for after in range(-1, len(nodes)):
            run = _simulate(model, vehicle, nodes, depart, [*chosen, (brk, after)])
            if run is not None:
                trials.append(((run.penalty, run.times[-1], after), run, after))
        if not trials:
            return None
        _, best, after = min(trials, key=lambda t: t[0])
        chosen.append((brk, after))
    if best is None:
        return None
    times = list(best.times)
    if len(times) > 2 and not best.paused_at_home:
        # Leave home just in time for the first job (no waiting at the door).
        first = nodes[best.positions[1]]
        times[0] = max(times[0], times[1] - model.travel_time[vehicle.profile][nodes[0]][first])
    kept = [nodes[p] for p in best.positions]
    loads = _loads(model, kept)
    visits = tuple(VrpVisit(*row) for row in zip(kept, times, loads, strict=True))
    return TimedRoute(VrpRoute(v, visits, tuple(sorted(best.breaks))), best.dropped)


def _simulate(
    model: VrpModel,
    vehicle: VrpVehicle,
    nodes: list[int],
    depart: int,
    plan: list[tuple[VrpBreak, int]],
) -> _Run | None:
    """Forward pass; a break planned `after` position p is taken on the first departure
    from a kept position >= p (-1: before leaving home; past the end: after getting home)."""
    travel = model.travel_time[vehicle.profile]
    taken: list[tuple[int, int]] = []
    todo = []
    for brk, after in plan:
        if after == -1:
            if brk.earliest_start + brk.duration > depart:
                return None
            taken.append((brk.earliest_start, brk.duration))
        else:
            todo.append((brk, after))
    positions, times, dropped, penalty = [0], [depart], [], 0
    paused_at_home = False
    clock = leave = depart + model.service[nodes[0]]
    pause = 0
    for k in range(1, len(nodes)):
        here = positions[-1]
        for brk, after in [t for t in todo if t[1] <= here]:
            todo.remove((brk, after))
            start = max(brk.earliest_start, clock)
            if start > brk.latest_start:
                return None
            taken.append((start, brk.duration))
            clock, pause = start + brk.duration, pause + brk.duration
            paused_at_home = paused_at_home or here == 0
        node = nodes[k]
        arrive = max(leave + travel[nodes[here]][node] + pause, clock)
        if k == len(nodes) - 1:
            if arrive > vehicle.shift[1]:
                return None
        else:
            opening, closing = model.windows[node]
            arrive = max(arrive, opening)
            if arrive > closing:
                if node in model.reload_nodes or model.penalties[node] is None:
                    return None
                dropped.append(node)
                penalty += model.penalties[node]
                continue
        positions.append(k)
        times.append(arrive)
        clock = leave = arrive + model.service[node]
        pause = 0
    end = times[-1]
    for brk, _ in todo:  # after getting home
        start = max(brk.earliest_start, end)
        if start > brk.latest_start:
            return None
        taken.append((start, brk.duration))
        end = start + brk.duration
    if vehicle.max_duration is not None and times[-1] - depart > vehicle.max_duration:
        return None
    return _Run(
        tuple(positions), tuple(times), tuple(taken), tuple(dropped), penalty, paused_at_home
    )


def _loads(model: VrpModel, nodes: list[int]) -> list[tuple[int, ...]]:
    """Loads on arrival at each node; a reload node empties the vehicle after arrival."""
    load = [0] * len(model.demands)
    out = []
    for node in nodes:
        out.append(tuple(load))
        if node in model.reload_nodes:
            load = [0] * len(model.demands)
        else:
            load = [x + int(d[node]) for x, d in zip(load, model.demands, strict=True)]
    return out
