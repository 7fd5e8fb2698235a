"""gunicorn entry point for ``load.py --gc-probe``: the app of ``api.wsgi`` (or, with
``GC_PROBE_FREEZE=0``, the same app without ``gc.freeze``), with every pause of the cyclic
garbage collector timed. Each worker writes its totals by generation to
``$GC_PROBE_DIR/<pid>.json`` after every collection of generation 1 or 2; only collections
made while ``$GC_PROBE_DIR/measuring`` exists count (the warm-up does not)."""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

if os.environ.get("GC_PROBE_FREEZE", "1") == "1":
    from api.wsgi import app
else:
    from api import create_app

    app = create_app()

_started: list[float] = []
_pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}


def _write() -> None:
    totals = {
        str(generation): {
            "collections": len(times),
            "total_ms": round(1000 * sum(times), 1),
            "max_ms": round(1000 * max(times), 2) if times else 0.0,
        }
        for generation, times in _pauses.items()
    }
    (_MEASURING.parent / f"{os.getpid()}.json").write_text(json.dumps(totals))


_MEASURING = Path(os.environ["GC_PROBE_DIR"]) / "measuring"


def _timer(phase: str, info: dict) -> None:
    if phase == "start":
        _started[:] = [time.perf_counter()]
        return
    if not _MEASURING.exists():
        return
    _pauses[info["generation"]].append(time.perf_counter() - _started[0])
    if info["generation"] >= 1:
        _write()


gc.callbacks.append(_timer)
