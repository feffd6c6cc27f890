"""Batches on Ray (a local Ray with 2 CPUs, started once): the same records, store and index as the local workers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.batch import run_batch
from service.cli import main
from service.cluster import ActorEmbedder
from service.config import Settings
from service.index.embeddings import HashEmbedder
from service.library import ingest, open_library
from tests.conftest import SAMPLES, Engine


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


def _contents(settings: Settings) -> dict[str, object]:
    store, index = open_library(settings)
    contents = {
        "reports": [(r.report_id, r.status, r.issuer, r.year, r.findings) for r in store.reports()],
        "cells": [
            (c.report_id, c.path, c.value, c.page) for c in store.query_cells(["applications.new_received.total"])
        ],
        "chunks": [row[:4] for row in store.chunks()],
        "vectors": sorted(index.vectors.ids()),
    }
    store.close()
    return contents


@pytest.mark.usefixtures("local_ray")
def test_ingest_on_ray_stores_what_a_local_ingest_stores(engine: Engine, tmp_path: Path) -> None:
    local = Settings(home=tmp_path / "local", embedding="hash")
    on_ray = engine.settings(tmp_path / "ray", embedding="hash", ray="local")
    ingest([SAMPLES], local, progress=False)
    result = ingest([SAMPLES], on_ray, progress=False)
    assert len(result.added) == 10 and result.embedded == result.chunks > 50
    want, got = _contents(local), _contents(on_ray)
    assert got == want and len(got["vectors"]) == len(got["chunks"])  # type: ignore[arg-type]
    again = ingest([SAMPLES], on_ray, progress=False)  # resumable as a local run: stored reports are skipped
    assert again.added == [] and again.skipped == 10 and again.embedded == 0
    assert _contents(on_ray) == want


@pytest.mark.usefixtures("local_ray")
def test_extract_on_ray_writes_the_records_the_local_workers_write(tmp_path: Path) -> None:
    run_batch([SAMPLES], tmp_path / "local", Settings(jobs=2), progress=False)
    assert main(["extract", str(SAMPLES), "--out", str(tmp_path / "ray"), "--no-progress", "--ray"]) == 0
    local, on_ray = (
        (tmp_path / name / "records.jsonl").read_text(encoding="utf-8").splitlines() for name in ("local", "ray")
    )
    assert len(on_ray) == 10 and sorted(map(json.loads, on_ray), key=str) == sorted(map(json.loads, local), key=str)


@pytest.mark.usefixtures("local_ray")
def test_a_lost_embedding_actor_is_restarted_and_its_work_done_once(tmp_path: Path) -> None:
    import ray

    pool = ActorEmbedder(Settings(home=tmp_path, embedding="hash", ray="local"), "hash")
    texts = [f"第{i}段：本年度共收到政府信息公开申请{i}件。" for i in range(40)]
    assert len(pool.actors) == 2
    ray.kill(pool.actors[0], no_restart=False)  # its worker process is gone; Ray starts it again
    vectors = pool.passages(texts)
    pool.close()
    assert vectors.shape == (40, 384) and (vectors == HashEmbedder().passages(texts)).all()


def _slow_or_fast(path: str, _settings_json: str) -> str:
    import time

    if path.endswith("slow"):
        time.sleep(60)
    return path.upper()


@pytest.mark.usefixtures("local_ray")
def test_a_file_past_the_time_limit_is_cancelled_and_the_batch_goes_on() -> None:
    from service.cluster import ray_jobs

    settings = Settings(ray="local", file_timeout_s=2)
    outcomes = {o.path: o for o in ray_jobs(_slow_or_fast, ["a/slow", "b/fast", "c/fast"], settings)}
    assert outcomes["b/fast"].value == "B/FAST" and outcomes["c/fast"].value == "C/FAST"
    assert outcomes["a/slow"].value is None and outcomes["a/slow"].error == "took longer than 2 s to read (the limit)"
