"""Worker processes that read files: one file at a time each, stopped past a time limit, never outliving the batch.

Workers are forked from a fork server, a clean process that imported the readers once: starting a worker is
cheap and copies no thread or lock of the process that runs the batch (the app has many). Each worker:

* reads one file at a time and sends back the job's result;
* is killed and replaced when a file takes longer than ``file_timeout_s``, or restarted when it crashes; the file
  gets a one-line reason and the batch goes on;
* may use at most ``worker_memory_mb`` of heap (``RLIMIT_DATA``): past it, allocations fail with MemoryError;
* dies with the batch: the fork server exits when the batch process dies (even by ``kill -9``); on Linux the kernel
  then kills the worker (``PR_SET_PDEATHSIG``), and a watchdog thread exits it wherever its parent changes.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Generic, TypeVar

from service.config import Settings

T = TypeVar("T")
# imported once by the fork server, so that a new worker starts in milliseconds
PRELOAD = ["service.library", "service.ingest.html", "service.ingest.docx", "service.ingest.pdf", "pdfplumber", "docx"]
PR_SET_PDEATHSIG = 1
NEAR_LIMIT = 0.8  # a failure with resident memory at 80% of the heap limit is reported as the limit


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A path and what the job returned for it, or why it returned nothing (``error``, one line).

    ``peak_mb`` is the worker's peak resident memory while it read this file (on Linux; elsewhere: so far).
    """

    path: str
    value: T | None
    error: str | None = None
    peak_mb: float | None = None


def run_jobs(job: Callable[[str, str], T], paths: list[str], settings: Settings) -> Iterator[Outcome[T]]:
    """``job(path, settings_json)`` for every path on ``settings.jobs`` workers; outcomes as they finish.

    ``job`` must be a module-level function that catches what a file can raise (a record is data). With
    ``settings.ray``, the jobs run as Ray tasks instead (service/cluster.py).
    """
    if not paths:
        return
    if settings.ray is not None:
        from service.cluster import ray_jobs

        yield from ray_jobs(job, paths, settings)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    setup = (job, settings.model_dump_json(), os.getcwd(), settings.worker_memory_mb)
    todo = list(reversed(paths))
    workers = [_Worker(context, setup) for _ in range(min(settings.jobs, len(paths)))]
    try:
        for worker in workers:
            worker.give(todo.pop(), settings.file_timeout_s)
        while any(w.path is not None for w in workers):
            busy = [w for w in workers if w.path is not None]
            left = min(w.deadline for w in busy) - time.monotonic()
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, left))
            for worker in busy:
                outcome = worker.poll(settings.file_timeout_s)
                if outcome is None:
                    continue
                yield outcome
                if todo:
                    worker.give(todo.pop(), settings.file_timeout_s)
    finally:
        for worker in workers:
            worker.stop()


class _Worker:
    """One worker process and the file it is reading."""

    def __init__(self, context: BaseContext, setup: tuple[Any, ...]) -> None:
        self.context = context
        self.setup = setup
        self.path: str | None = None
        self.deadline = 0.0
        self._start()

    def _start(self) -> None:
        self.conn, child = self.context.Pipe()
        self.process: BaseProcess = self.context.Process(target=_serve, args=(child, *self.setup), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()

    def give(self, path: str, timeout_s: float) -> None:
        self.path = path
        self.deadline = time.monotonic() + timeout_s
        self.conn.send(path)

    def poll(self, timeout_s: float) -> Outcome[Any] | None:
        """The outcome of the current file if there is one now (a result, a crash or the time limit), else None."""
        assert self.path is not None
        path = self.path
        if self.conn.poll():
            try:
                status, value, peak_mb = self.conn.recv()
            except (EOFError, OSError):
                return self._replace(path, self._crash_reason())
            self.path = None
            if status == "ok":
                return Outcome(path, value, peak_mb=peak_mb)
            return Outcome(path, None, str(value), peak_mb=peak_mb)
        if not self.process.is_alive():
            return self._replace(path, self._crash_reason())
        if time.monotonic() >= self.deadline:
            peak_mb = _peak_mb(self.process.pid)
            outcome = self._replace(path, f"took longer than {timeout_s:g} s to read (the limit)")
            return Outcome(path, None, outcome.error, peak_mb)
        return None

    def _crash_reason(self) -> str:
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            return f"the reader crashed ({name})"
        return f"the reader crashed (exit code {code})"

    def _replace(self, path: str, reason: str) -> Outcome[Any]:
        self._kill()
        self.path = None
        self._start()
        return Outcome(path, None, reason)

    def _kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()

    def stop(self) -> None:
        """Ask the worker to finish; kill it if it does not."""
        try:
            if self.path is None:
                self.conn.send(None)
                self.process.join(timeout=5)
        except OSError:
            pass
        self._kill()


def _serve(conn: Connection, job: Callable[[str, str], Any], settings_json: str, cwd: str, memory_mb: int) -> None:
    """The worker's loop: a path in, ("ok", result) or ("error", reason) out, until told to stop."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle; it stops the workers
    os.chdir(cwd)
    _limit_memory(memory_mb)
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        _reset_peak()
        try:
            reply: tuple[str, Any] = ("ok", job(path, settings_json))
        except MemoryError:
            reply = ("error", f"needs more than {memory_mb} MB of memory to read (the limit)")
        except Exception as exc:  # a job catches what a file can raise; this is a bug, reported as the reason
            reply = ("error", f"internal error while reading ({type(exc).__name__})")
        conn.send((*reply, _peak_mb(os.getpid()) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _peak_mb(pid: int | None) -> float | None:
    """A running process's peak resident memory (Linux), read before it is killed."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "")
    return int(line.split()[1]) / 1024 if line else None


def _reset_peak() -> None:
    """Start the peak of resident memory afresh (Linux), so that it measures one file."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="utf-8")
    except OSError:
        pass


def near_memory_limit() -> bool:
    """Whether this process runs under a heap limit and its memory came near it while reading the current file.

    A C library that cannot allocate under the limit may not raise MemoryError (lxml reports an "unknown error");
    the reader calls this to give such a failure its real reason.
    """
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    peak_mb = _peak_mb(os.getpid())
    return soft != resource.RLIM_INFINITY and peak_mb is not None and peak_mb * 1024 * 1024 >= NEAR_LIMIT * soft


def _die_with_parent() -> None:
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
