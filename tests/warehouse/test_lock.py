"""warehouse.lock and the build's use of it: one build at a time per warehouse file."""

from __future__ import annotations

import threading
import time

import pytest

from warehouse.build import build_warehouse
from warehouse.lock import FileLock, WarehouseBusyError


@pytest.fixture
def lock_path(tmp_path):
    """Where the warehouse file would be; the lock file sits next to it."""
    return tmp_path / "warehouse.duckdb"


def test_second_holder_is_refused_while_the_first_holds_the_lock(lock_path):
    """A non-blocking acquire fails while another holder (another open file) has it."""
    first, second = FileLock.for_warehouse(lock_path), FileLock.for_warehouse(lock_path)
    assert first.acquire(blocking=False)
    try:
        assert not second.acquire(blocking=False)
        assert not second.acquire(blocking=True, blocking_timeout=0.2)
    finally:
        first.release()
    assert second.acquire(blocking=False)
    second.release()


def test_a_waiting_holder_gets_the_lock_when_it_is_released(lock_path):
    """A blocking acquire waits for the running build and then proceeds."""
    first, second = FileLock.for_warehouse(lock_path), FileLock.for_warehouse(lock_path)
    assert first.acquire()
    releaser = threading.Timer(0.3, first.release)
    releaser.start()
    started = time.monotonic()
    assert second.acquire(blocking=True, blocking_timeout=5)
    assert time.monotonic() - started >= 0.25
    second.release()
    releaser.join()


def test_build_refuses_to_start_during_another_build(lock_path):
    """build_warehouse raises WarehouseBusyError (without touching any database) when the
    lock is held and it was told not to wait."""
    held = FileLock.for_warehouse(lock_path)
    assert held.acquire()
    try:
        with pytest.raises(WarehouseBusyError):
            build_warehouse(
                "sqlite:///does-not-matter.sqlite3", lock_path, "k" * 32, wait_seconds=0
            )
        with pytest.raises(WarehouseBusyError):
            build_warehouse(
                "sqlite:///does-not-matter.sqlite3", lock_path, "k" * 32, wait_seconds=0.2
            )
    finally:
        held.release()
    assert not lock_path.exists()


def test_build_accepts_any_lock_with_acquire_and_release(lock_path):
    """A Redis lock (redis-py ``Lock``) fits: the build only calls acquire() and release()."""

    class BusyRedisLock:
        calls: list = []

        def acquire(self, blocking=True, blocking_timeout=None):
            self.calls.append((blocking, blocking_timeout))
            return False

        def release(self):  # pragma: no cover - never acquired
            raise AssertionError("released a lock it does not hold")

    lock = BusyRedisLock()
    with pytest.raises(WarehouseBusyError):
        build_warehouse("sqlite:///x.sqlite3", lock_path, "k" * 32, lock=lock, wait_seconds=30)
    assert lock.calls == [(True, 30)]
