"""LLM mode in a batch and at the command line, against the scripted fake server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from evals.fake_openai import Answer, FakeOpenAI, Reply, Slow
from evals.oracle import oracle, prose_answer, sent_text
from service.batch import collect_inputs, run_batch
from service.cli import main
from service.config import Settings
from service.extract.llm_reader import IDENTITY_RULES, unread_cells
from service.extract.reader import read_record
from service.ingest import format_of, read_document
from service.ingest.document import Document
from service.llm import open_llm
from service.schema.record import Record, Source
from tests.conftest import ROOT, SAMPLES
from tests.llm.conftest import FULL, PINGTAN, PINGTAN_TRUTH, llm_settings

Serve = Callable[[Callable[[dict[str, Any]], Reply]], FakeOpenAI]
VARIANTS = SAMPLES.parent / "variants"
TABLES = ("active_disclosure", "applications", "reviews")


def by_file(records: list[dict[str, Any]]) -> dict[str, Record]:
    return {Path(r["source"]["file"]).name: Record.model_validate(r) for r in records}


def _ingest(path: Path) -> tuple[str, Document, str]:
    document = read_document(path, path.read_bytes(), Settings(_env_file=None))
    record = read_record(document, Source(file=str(path), sha256="-", format=format_of(path)))
    return str(path), document, json.dumps(record.to_json_dict(), ensure_ascii=False)


@pytest.fixture
def templates(monkeypatch: pytest.MonkeyPatch) -> dict[str, Record]:
    """Each sample and variant ingested and read by the template reader once, on two processes (the PDFs
    dominate); the batch reuses the documents instead of parsing the PDFs again."""
    with ProcessPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(_ingest, collect_inputs([SAMPLES, VARIANTS])))
    docs = {path: document for path, document, _ in done}
    monkeypatch.setattr("service.batch.read_document", lambda path, *_: docs[str(path)])
    return {Path(path).name: Record.model_validate_json(record) for path, _, record in done}


def _undecided() -> dict[str, set[str]]:
    """Per file, the cells its gold (or the variants' manifest) lists as ambiguous, except pingtan-2023's."""
    out = {e["file"]: set(e["ambiguous"]) for e in json.loads((VARIANTS / "manifest.json").read_text("utf-8"))}
    for gold in (ROOT / "evals" / "gold").glob("*.json"):
        source = next(SAMPLES.glob(gold.stem + ".*"))
        out[source.name] = set(json.loads(gold.read_text("utf-8")).get("ambiguous", {}))
    out[PINGTAN.name] = set()
    return {k: v if not k.startswith(PINGTAN.stem) else v - set(PINGTAN_TRUTH) for k, v in out.items()}


def test_bars_on_the_samples_and_their_variants(serve: Serve, tmp_path: Path, templates: dict[str, Record]) -> None:
    """The LLM fills exactly the cells the template reader could not and never a confident one; a report read
    fully costs one prose call under 6,000 input tokens; a re-run costs nothing."""
    undecided = _undecided()
    fake = serve(oracle(PINGTAN_TRUTH))
    settings = llm_settings(tmp_path / "home", fake.base_url, llm_concurrency=4)
    offline = templates
    result = run_batch([SAMPLES, VARIANTS], tmp_path / "l", settings, progress=False, llm=open_llm(settings))
    records = by_file(result.records)
    assert records.keys() == offline.keys() and len(records) == 144
    for name, record in records.items():
        template = offline[name]
        unread = unread_cells(template)
        truth = PINGTAN_TRUTH if name == PINGTAN.name else {}
        assert set(truth) <= set(unread) and set(unread) - set(truth) <= undecided[name], name  # never a gold cell
        by_llm = {p for p, e in record.evidence.items() if e.method != "template" and p.split(".")[0] in TABLES}
        assert by_llm == set(unread) & set(truth), name
        values = record.values()
        assert {p: v for p, v in values.items() if p not in by_llm} == {
            p: v for p, v in template.values().items() if p not in by_llm
        }, name
        for finding in record.findings:  # no accepted value breaks an identity
            assert not (finding.rule in IDENTITY_RULES and set(finding.cells) & by_llm), (name, finding)
        usage = (record.meta.model_extra or {})["llm"]
        second = any(record.evidence[p].confirmed == "second-read" for p in by_llm)  # table 二: read twice
        assert usage["calls"] + usage["cached"] == 1 + bool(unread) + second, name  # variants may share answers
        assert usage["tokens_in"] <= (12000 if unread else 6000), name
        filled = bool(unread) and set(unread) <= set(truth)
        assert record.status == ("ok" if filled else template.status), name
    calls = [(r.meta.model_extra or {})["llm"] for r in records.values()]
    assert len(fake.requests) == sum(u["calls"] for u in calls)
    assert sum(r.tokens_in for r in fake.requests) == sum(u["tokens_in"] for u in calls)
    summary = result.summary()
    assert f"llm (fake-chat-1): {len(fake.requests)} calls" in summary
    assert "pingtan-zone-2023.txt: 3 calls (0 cached)" in summary  # prose, table 二, table 二 read again
    sent = len(fake.requests)
    again = run_batch([SAMPLES], tmp_path / "l2", settings, progress=False, llm=open_llm(settings))
    assert len(fake.requests) == sent  # every answer came from the cache
    assert {n: r.values() for n, r in by_file(again.records).items()} == {
        n: r.values() for n, r in records.items() if n in {p.name for p in SAMPLES.iterdir()}
    }
    firsts = [(r.meta.model_extra or {})["llm"] for n, r in records.items() if (SAMPLES / n).exists()]
    answers = sum(u["calls"] + u["cached"] for u in firsts)
    assert f"llm (fake-chat-1): 0 calls, {answers} answered from the cache" in again.summary()
    same = run_batch([SAMPLES], tmp_path / "l2", settings, progress=False, llm=open_llm(settings))
    assert same.skipped == 10 and len(fake.requests) == sent


def test_a_batch_sends_at_most_k_requests_at_once(serve: Serve, tmp_path: Path) -> None:
    fake = serve(lambda body: Slow(0.2, Answer(prose_answer(sent_text(body)))))
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):  # six different reports (identical ones would share one cached answer)
        (folder / f"report_{i}.txt").write_text(
            FULL.read_text(encoding="utf-8") + f"\n附注：第{i}号。\n", encoding="utf-8"
        )
    settings = llm_settings(tmp_path / "home", fake.base_url, llm_concurrency=2)
    result = run_batch([folder], tmp_path / "out", settings, progress=False, llm=open_llm(settings))
    assert len(fake.requests) == 6
    assert fake.max_in_flight == 2
    assert all(r["status"] == "ok" for r in result.records)


def test_a_failing_endpoint_loses_no_record_and_the_next_run_retries_those_files(serve: Serve, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FULL, folder / "a.txt")
    shutil.copy(PINGTAN, folder / "b.txt")
    (folder / "empty.txt").write_bytes(b"")
    with FakeOpenAI(oracle(PINGTAN_TRUTH)) as gone:
        dead = llm_settings(tmp_path / "home", gone.base_url, llm_retries=0)
    first = run_batch([folder], tmp_path / "out", dead, progress=False, llm=open_llm(dead))
    status = {Path(r["source"]["file"]).name: r["status"] for r in first.records}
    assert status == {"a.txt": "needs_review", "b.txt": "needs_review", "empty.txt": "failed"}
    assert "failed: endpoint unreachable" in first.summary()
    fake = serve(oracle(PINGTAN_TRUTH))
    live = llm_settings(tmp_path / "home", fake.base_url)
    second = run_batch([folder], tmp_path / "out", live, progress=False, llm=open_llm(live))
    assert second.skipped == 1  # the failed file; the two whose LLM step failed are read again
    assert {Path(r["source"]["file"]).name: r["status"] for r in second.records} == {
        "a.txt": "ok",
        "b.txt": "ok",
        "empty.txt": "failed",
    }
    assert len(fake.requests) == 4  # a: the prose; b: table 二, table 二 read again, the prose


def test_cli_llm_is_on_when_an_endpoint_is_configured_and_off_with_no_llm(
    serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = serve(oracle(PINGTAN_TRUTH))
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.delenv("NIANBAO_LLM")  # the default: on because an endpoint is configured
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path / "home"))
    assert main(["extract", str(PINGTAN), "--out", "-"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == "ok" and record["meta"]["llm"]["calls"] == 3
    assert main(["extract", str(PINGTAN), "--out", str(tmp_path / "o"), "--no-progress", "--no-llm"]) == 0
    assert "llm (" not in capsys.readouterr().out and len(fake.requests) == 3
    assert main(["extract", str(FULL), "--out", str(tmp_path / "o2"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "llm (gpt-4o-mini): 1 calls" in out and "003_9da54bdadbdcae0a.txt: 1 calls" in out


def test_cli_llm_without_an_endpoint_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["extract", str(FULL), "--out", "-", "--llm"]) == 1  # --llm wins over NIANBAO_LLM=false
    assert capsys.readouterr().err.strip() == (
        "nianbao: the LLM reader needs OPENAI_API_KEY or OPENAI_BASE_URL (see README, LLM mode)"
    )


def test_offline_default_imports_nothing_llm_related(tmp_path: Path) -> None:
    code = (
        "import sys; from service.cli import main; "
        f"rc = main(['extract', {str(PINGTAN)!r}, '--out', {str(tmp_path / 'out')!r}, '--no-progress']); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('openai', 'langchain_openai', 'langchain_core', "
        "'httpx2', 'service') and (m.startswith(('openai', 'langchain', 'httpx2')) or m in ('service.llm', "
        "'service.extract.llm_reader', 'service.prompts'))); print(rc, bad)"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("OPENAI_", "NIANBAO_"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        text=True,
        capture_output=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "0 []"
    assert "needs_review: 1" in out.stdout  # the template result, as before LLM mode existed
