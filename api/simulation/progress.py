"""A tiny progress bar on stderr (no third-party dependency), and step timings."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
WIDTH = 28


class Progress:
    """``label [#####.......] done/total  12.3s`` redrawn in place on a terminal.

    Off a terminal (CI logs, pytest) it prints only the final line.
    """

    def __init__(self, label: str, total: int, *, stream=None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self.suffix = ""

    def advance(self, steps: int = 1, *, suffix: str | None = None) -> None:
        """Count ``steps`` more done and redraw (at most ten times a second)."""
        self.done = min(self.total, self.done + steps)
        if suffix is not None:
            self.suffix = suffix
        now = time.monotonic()
        if self.interactive and now - self._drawn_at > 0.1:
            self._draw("\r")
            self._drawn_at = now

    def close(self) -> None:
        """Draw the final state and end the line."""
        self._draw("\r" if self.interactive else "")
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, prefix: str) -> None:
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "." * (WIDTH - filled)
        elapsed = time.monotonic() - self.started
        text = f"  {self.label:<24} [{bar}] {self.done}/{self.total} {elapsed:6.1f}s {self.suffix}"
        self.stream.write(prefix + text.rstrip() + "   ")
        self.stream.flush()


def progress(items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while drawing a progress bar."""
    items = list(items) if total is None else items
    bar = Progress(label, len(items) if total is None else total)
    for item in items:
        yield item
        bar.advance()
    bar.close()


class StepTimer:
    """Times named steps, prints each when done and keeps them for the summary."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.timings: list[tuple[str, float]] = []
        self._started = time.monotonic()

    def step(self, name: str) -> _Step:
        """A context manager timing the step ``name``."""
        return _Step(self, name)

    @property
    def total_seconds(self) -> float:
        """Seconds since the timer was made."""
        return time.monotonic() - self._started


class _Step:
    def __init__(self, timer: StepTimer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> _Step:
        self.timer.echo(f"- {self.name}")
        self.started = time.monotonic()
        return self

    def __exit__(self, kind, _value, _tb) -> bool:
        seconds = time.monotonic() - self.started
        self.timer.timings.append((self.name, seconds))
        if kind is None:
            self.timer.echo(f"  ({seconds:.1f} s)")
        return False
