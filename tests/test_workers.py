"""Worker processes: the time limit, crashes, the memory limit, and no worker outliving a killed batch."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from service.batch import load_records, run_batch
from service.config import Settings
from service.workers import run_jobs
from tests.conftest import ROOT, SAMPLES


def slow_or_bad(path: str, _settings_json: str) -> str:
    """A job for the tests: sleeps, crashes or allocates, as the path says."""
    if path == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if path == "greedy":
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB, past any worker limit
        return str(len(blocks))
    time.sleep(float(path))
    return f"slept {path}"


def test_a_file_past_the_time_limit_is_stopped_and_the_rest_goes_on() -> None:
    settings = Settings(jobs=2, file_timeout_s=2)
    outcomes = {o.path: o for o in run_jobs(slow_or_bad, ["600", "0", "0.1", "600", "0"], settings)}
    assert outcomes["0"].value == "slept 0" and outcomes["0.1"].value == "slept 0.1"
    assert outcomes["600"].value is None and outcomes["600"].error == "took longer than 2 s to read (the limit)"


def test_a_crash_or_a_memory_hog_fails_one_file_only() -> None:
    settings = Settings(jobs=1, worker_memory_mb=512)
    outcomes = [(o.path, o.value, o.error) for o in run_jobs(slow_or_bad, ["segfault", "0", "greedy", "0"], settings)]
    assert outcomes == [
        ("segfault", None, "the reader crashed (SIGSEGV)"),
        ("0", "slept 0", None),
        ("greedy", None, "needs more than 512 MB of memory to read (the limit)"),
        ("0", "slept 0", None),
    ]


def test_a_timed_out_file_gets_a_failed_record(tmp_path: Path) -> None:
    pdf = tmp_path / "slow.pdf"
    shutil.copy(SAMPLES / "hongze-district-2024.pdf", pdf)
    shutil.copy(SAMPLES / "003_9da54bdadbdcae0a.txt", tmp_path / "ok.txt")
    result = run_batch([pdf], tmp_path / "out", Settings(file_timeout_s=0.01), progress=False)
    record = result.records[0]
    assert record["status"] == "failed" and record["error"] == "took longer than 0.01 s to read (the limit)"
    assert record["source"]["format"] == "pdf" and len(record["source"]["sha256"]) == 64


def _marked(marker: str) -> list[int]:
    """Processes whose environment holds the marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _wait_for(condition: object, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_kill_9_of_extract_leaves_no_worker_and_a_rerun_finishes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(16):
        shutil.copy(SAMPLES / "hongze-district-2024.pdf", folder / f"{n:02d}.pdf")
    out = tmp_path / "out"
    marker = f"NIANBAO_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, "NIANBAO_TEST_MARK": marker.split("=")[1], "NIANBAO_LLM": "false"}
    command = [sys.executable, "-m", "service", "extract", str(folder), "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen([*command, "--no-progress"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    # the batch, its fork server and two workers, with some records written
    started = _wait_for(lambda: len(_marked(marker)) >= 4 and len(load_records(out / "records.jsonl")) >= 2)
    proc.kill()
    proc.wait()
    assert started
    assert _wait_for(lambda: not _marked(marker)), f"left behind: {_marked(marker)}"
    again = subprocess.run([*command, "--no-progress"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    records = load_records(out / "records.jsonl")
    assert sorted(Path(r["source"]["file"]).name for r in records) == sorted(p.name for p in folder.iterdir())
    assert all(r["status"] != "failed" for r in records)
    assert len({json.dumps(r["source"]) for r in records}) == 16
