"""What many processes do to one library: two ingests at once into PostgreSQL + Chroma server lose nothing and
duplicate nothing; an ingest killed mid-way and run again leaves the store and the index with the same reports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.config import Settings
from service.library import ingest, open_library
from tests.conftest import ROOT, SAMPLES, Engine


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """130 text reports (~2,000 chunks: more than one commit of ~1,000): the text samples, each copied with a
    different note (so every file is another report)."""
    folder = tmp_path_factory.mktemp("corpus")
    texts = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")
    for i in range(130):
        source = texts[i % len(texts)]
        body = source.read_text(encoding="utf-8")
        (folder / f"{i:03d}_{source.name}").write_text(body + f"\n附注：第{i}号副本。\n", encoding="utf-8")
    return folder


def _ingest(settings: Settings, engine: Engine, folder: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "service", "ingest", str(folder), "--no-progress"]
    env = os.environ | engine.env(settings)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _contents(settings: Settings) -> dict[str, object]:
    store, index = open_library(settings)
    with store.reader() as db:
        counts = {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("reports", "cells", "findings", "sections", "chunks")
        }
    contents = {
        "counts": counts,
        "reports": sorted((r.report_id, r.issuer, r.year, r.status) for r in store.reports()),
        "findings": sorted((f["report_id"], f["rule"], f["message"]) for f in store.findings()),
        "chunks": sorted(row[0] for row in store.chunks()),
        "vectors": sorted(index.vectors.ids()),
    }
    store.close()
    return contents


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What one ingest of the corpus stores (embedded)."""
    settings = Settings(home=tmp_path_factory.mktemp("reference"), embedding="hash")
    ingest([corpus], settings, progress=False)
    return _contents(settings)


def test_two_ingests_at_once_into_one_postgres_library(
    servers: object, corpus: Path, reference: dict[str, object], tmp_path: Path
) -> None:
    engine = Engine("servers", servers)  # type: ignore[arg-type]
    settings = engine.settings(tmp_path / "home", embedding="hash")
    first = _ingest(settings, engine, corpus)
    second = _ingest(settings.model_copy(update={"home": tmp_path / "other"}), engine, corpus)  # another machine
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    got = _contents(settings)
    assert got["vectors"] == got["chunks"]
    assert got == reference


def test_an_ingest_killed_midway_and_run_again(
    engine: Engine, corpus: Path, reference: dict[str, object], tmp_path: Path
) -> None:
    settings = engine.settings(tmp_path / "home", embedding="hash")
    store, _ = open_library(settings)
    process = _ingest(settings, engine, corpus)
    deadline = time.monotonic() + 120
    while store.state()[0] == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = store.state()[0]
    store.close()
    assert 0 < stored < 130  # killed mid-way
    rerun = _ingest(settings, engine, corpus)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"unchanged: {stored}" in out
    got = _contents(settings)
    assert got["vectors"] == got["chunks"]
    assert got == reference
