"""One build at a time per warehouse file.

DuckDB lets one process open a file for writing, and refuses readers while it does, so
builds are serialised. Embedded deployments use ``FileLock`` (``fcntl.flock`` on
``<warehouse>.lock``, released by the kernel if the process dies); deployments with Redis
pass ``redis.Redis(...).lock("warehouse-build", timeout=...)``, which has the same
``acquire(blocking=..., blocking_timeout=...)`` / ``release()`` interface.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import Protocol


class BuildLock(Protocol):
    """What ``build_warehouse`` needs from a lock (FileLock, or a redis-py Lock)."""

    def acquire(self, blocking: bool = True, blocking_timeout: float | None = None) -> bool: ...

    def release(self) -> None: ...


class WarehouseBusyError(RuntimeError):
    """Another build holds the warehouse lock."""


class FileLock:
    """An exclusive ``flock`` on a file next to the warehouse."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @classmethod
    def for_warehouse(cls, warehouse_path: str | os.PathLike) -> FileLock:
        """The lock guarding ``warehouse_path`` (``<path>.lock``)."""
        return cls(f"{warehouse_path}.lock")

    def acquire(self, blocking: bool = True, blocking_timeout: float | None = None) -> bool:
        """Take the lock; wait up to ``blocking_timeout`` seconds (forever with None)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = None if blocking_timeout is None else time.monotonic() + blocking_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not blocking or (deadline is not None and time.monotonic() >= deadline):
                    os.close(fd)
                    return False
                time.sleep(0.1)
                continue
            self._fd = fd
            return True

    def release(self) -> None:
        """Give the lock back."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
