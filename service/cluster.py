"""Ray, for batches that outgrow one machine (``--ray [ADDRESS]``): the only module that imports ray.

* Files are read in Ray tasks (the job the local workers run: ``job(path, settings_json)``); as many are in flight
  as the cluster has CPUs, and their results come back here as they finish.
* Embeddings are computed by a pool of Ray actors, one per CPU of the cluster, each loading the model once.
* Only this process writes (the store, the index, records.jsonl), once per report: a task Ray runs again after a
  worker was lost returns the same result and cannot write twice, and a run stopped half-way resumes like a local one.

Every node needs nianbao installed (``pip install '.[scale]'``) and the input files at the same paths (a shared
folder). A task takes 1/4 CPU and an embedding actor 3/4, so each CPU runs an actor and still reads files.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np

from service.config import Settings
from service.errors import ClusterError
from service.index.embeddings import DIM
from service.workers import Outcome

T = TypeVar("T")

READ_CPUS = 0.25
EMBED_CPUS = 0.75
PER_CALL = 16  # texts per call to an actor (the local embedder's batch)
RETRIES = 3  # Ray runs a task (or restarts an actor) again this often when its worker process is lost


def connect(settings: Settings) -> int:
    """Start a local Ray (``local``: ``--jobs`` CPUs, default all) or join one (``auto`` or an address); its CPUs."""
    try:
        import ray
    except ImportError as exc:
        raise ClusterError("--ray needs the Ray client: pip install -e '.[scale]'") from exc
    if not ray.is_initialized():
        quiet: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
        try:
            if settings.ray == "local":
                cpus = settings.jobs if "jobs" in settings.model_fields_set else os.cpu_count()
                ray.init(num_cpus=cpus, _node_ip_address="127.0.0.1", **quiet)
            else:
                ray.init(address=settings.ray, **quiet)
        except Exception as exc:  # ray raises ConnectionError, RuntimeError, ValueError … with long messages
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ClusterError(f"cannot start or join Ray at {settings.ray} ({first})") from exc
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def ray_jobs(job: Callable[[str, str], T], paths: list[str], settings: Settings) -> Iterator[Outcome[T]]:
    """``job(path, settings_json)`` for every path as Ray tasks, outcomes as they finish (one per CPU in flight).

    A file that takes longer than ``file_timeout_s`` is cancelled (its worker killed) and gets the reason; so does
    one whose task Ray lost after its retries. Memory is bounded by Ray's own monitor, not per file.
    """
    import ray

    cpus = connect(settings)
    task = ray.remote(num_cpus=READ_CPUS, max_retries=RETRIES)(job)
    settings_json = ray.put(settings.model_dump_json())
    todo = list(reversed(paths))
    running: dict[Any, tuple[str, float]] = {}  # task -> (path, deadline)
    while todo or running:
        while todo and len(running) < cpus:
            path = todo.pop()
            running[task.remote(path, settings_json)] = (path, time.monotonic() + settings.file_timeout_s)
        left = min(deadline for _, deadline in running.values()) - time.monotonic()
        done, _ = ray.wait(list(running), num_returns=1, timeout=max(0.0, left))
        if not done:
            late = [ref for ref, (_, deadline) in running.items() if deadline <= time.monotonic()]
            for ref in late:
                ray.cancel(ref, force=True)
                reason = f"took longer than {settings.file_timeout_s:g} s to read (the limit)"
                yield Outcome(running.pop(ref)[0], None, reason)
            continue
        path, _ = running.pop(done[0])
        try:
            outcome = Outcome(path, ray.get(done[0]))
        except ray.exceptions.RayError as exc:
            reason = f"the Ray task reading it failed after {RETRIES} retries ({type(exc).__name__})"
            outcome = Outcome(path, None, reason)
        yield outcome


class _Embedder:
    """A Ray actor: one embedding model, loaded once, on one CPU."""

    def __init__(self, settings_json: str) -> None:
        from service.index.embeddings import make_inner

        settings = Settings.model_validate_json(settings_json)
        self.inner = make_inner(settings.model_copy(update={"embedding_threads": 1}))

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.passages(texts)

    def query(self, text: str) -> np.ndarray:
        return self.inner.query(text)


class ActorEmbedder:
    """An embedder whose vectors come from a pool of Ray actors (one per CPU of the cluster)."""

    def __init__(self, settings: Settings, name: str) -> None:
        import ray

        self.name = name
        size = connect(settings)
        actor = ray.remote(num_cpus=EMBED_CPUS, max_restarts=RETRIES, max_task_retries=RETRIES)(_Embedder)
        self.actors = [actor.remote(settings.model_dump_json()) for _ in range(size)]
        self.batch = PER_CALL * size * 4  # texts the cache hands over at once: four calls per actor

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of the texts, computed across the actors, in order."""
        import ray

        calls = [
            self.actors[i % len(self.actors)].passages.remote(texts[start : start + PER_CALL])
            for i, start in enumerate(range(0, len(texts), PER_CALL))
        ]
        try:
            parts = ray.get(calls)
        except ray.exceptions.RayError as exc:
            raise ClusterError(f"the embedding actors failed after {RETRIES} restarts ({type(exc).__name__})") from exc
        return np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        """A question's vector (from the first actor)."""
        import ray

        return np.asarray(ray.get(self.actors[0].query.remote(text)))

    def close(self) -> None:
        """Stop the actors."""
        import ray

        for actor in self.actors:
            ray.kill(actor)
