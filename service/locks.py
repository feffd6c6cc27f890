"""Locks between processes on one folder (the library under NIANBAO_HOME, or an extract's output folder).

Three lock files, each taken with ``flock(2)`` (the kernel releases a lock when its process dies, even by kill -9):

* ``writer.lock``: held by a writer (``nianbao ingest``, ``review``, an upload the app adds) for its whole run,
  so there is one writer at a time. A second one waits up to ``wait_s`` with a message, then fails with one.
* ``data.lock``: shared while a question is answered, exclusive while a writer commits a batch (store and index
  together). A reader never sees a commit half done, and a commit waits only for the questions in flight.
* ``gate.lock``: a writer holds it while it waits for ``data.lock``, and readers pass through it first, so a steady
  stream of questions cannot keep a commit waiting.

Locks are taken per call with a file descriptor of their own, so threads of one process exclude each other too.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from service.errors import LibraryBusyError

POLL_S = 0.05


class FolderLock:
    """The locks of one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def writer(self, wait_s: float, on_wait: Callable[[str], object] | None = None) -> Iterator[None]:
        """The one writer of the folder, for a whole run."""
        fd = self._open("writer.lock")
        try:
            if not _try(fd, fcntl.LOCK_EX):
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                if on_wait is not None:
                    on_wait(f"{self.folder} is being written by {holder}; waiting up to {wait_s:g} s")
                if not _wait(fd, fcntl.LOCK_EX, wait_s):
                    raise LibraryBusyError(
                        f"{self.folder} is being written by {holder}; gave up after {wait_s:g} s "
                        "(NIANBAO_LOCK_WAIT_S), run again when it is done"
                    )
            now = dt.datetime.now().isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {now}".encode(), 0)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    @contextmanager
    def exclusive(self, wait_s: float | None = None) -> Iterator[None]:
        """No reader and no other commit while inside (a writer's commit, or opening the index)."""
        with self._data(fcntl.LOCK_EX, wait_s):
            yield

    @contextmanager
    def shared(self, wait_s: float | None = None) -> Iterator[None]:
        """Readers together; never during a commit."""
        with self._data(fcntl.LOCK_SH, wait_s):
            yield

    @contextmanager
    def _data(self, mode: int, wait_s: float | None) -> Iterator[None]:
        """``data.lock`` in this mode, entered through ``gate.lock`` (a waiting writer holds the gate)."""
        gate = self._open("gate.lock")
        data = self._open("data.lock")
        try:
            self._take(gate, fcntl.LOCK_EX, wait_s)
            try:
                self._take(data, mode, wait_s)
            finally:
                fcntl.flock(gate, fcntl.LOCK_UN)
            yield
        finally:
            os.close(data)
            os.close(gate)

    def _open(self, name: str) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        return os.open(self.folder / name, os.O_RDWR | os.O_CREAT, 0o644)

    def _take(self, fd: int, mode: int, wait_s: float | None) -> None:
        if wait_s is None:
            fcntl.flock(fd, mode)
        elif not _wait(fd, mode, wait_s):
            raise LibraryBusyError(f"{self.folder} is busy (a commit took longer than {wait_s:g} s); try again")


class NoLocks:
    """FolderLock's interface, locking nothing: a library on the servers (PostgreSQL and a Chroma server)."""

    @contextmanager
    def writer(self, wait_s: float, on_wait: Callable[[str], object] | None = None) -> Iterator[None]:  # noqa: ARG002
        """Many writers at once."""
        yield

    @contextmanager
    def exclusive(self, wait_s: float | None = None) -> Iterator[None]:  # noqa: ARG002
        """Commits and readers at once (the store is transactional)."""
        yield

    @contextmanager
    def shared(self, wait_s: float | None = None) -> Iterator[None]:  # noqa: ARG002
        """Readers at once."""
        yield


def _try(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(fd: int, mode: int, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while not _try(fd, mode):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True
