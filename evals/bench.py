"""``make bench``: speed and memory figures of the offline extractor (printed, never asserted)."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

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
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MB (this process), {children:.0f} MB (largest worker) (target ≤ 500 MB)")


if __name__ == "__main__":
    main()
