"""The real langchain-openai/openai path against the scripted fake server on 127.0.0.1.

Scripts: (a) right answers, (b) an answer that breaks an identity and is fixed after the re-ask, (c) invalid
JSON, (d) a number whose quote is not in the source, (e) 429 then success, (f) a timeout; plus a dead
endpoint, the token budget, the three structured-output methods and the cache. Assertions are on the
requests the fake received.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evals.fake_openai import Answer, FakeOpenAI, RawText, Reply, Slow, Status, schema_name
from evals.oracle import is_repair, oracle, prose_answer, requested_cells, sent_text
from service.batch import extract_file, extract_file_llm
from service.errors import ConfigError
from service.llm import open_llm
from tests.llm.conftest import FULL, GRANTED, PINGTAN, PINGTAN_TRUTH, llm_settings

Serve = Callable[[Callable[[dict[str, Any]], Reply]], FakeOpenAI]


def calls(home: Path) -> list[dict[str, Any]]:
    path = home / "llm" / "calls.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_a_right_answers_fill_the_ambiguous_cells_sending_only_section_two(serve: Serve, tmp_path: Path) -> None:
    fake = serve(oracle(PINGTAN_TRUTH))
    settings = llm_settings(tmp_path, fake.base_url)
    record = extract_file_llm(PINGTAN, settings, open_llm(settings))
    template = extract_file(PINGTAN, settings)
    assert [schema_name(r.body) for r in fake.requests] == ["TableAnswer", "TableAnswer", "ProseAnswer"]
    table = fake.requests[0].body
    assert requested_cells(fake.requests[1].body) == list(reversed(PINGTAN_TRUTH))  # table 二: read twice
    assert requested_cells(table) == list(PINGTAN_TRUTH)
    section = sent_text(table)
    assert section.startswith("第二十条第(一)项") and "行政规范性文件77132470" in section
    assert "本年新收政府信息公开申请数量" not in section and "总体情况" not in section
    prose = sent_text(fake.requests[2].body)
    assert "总体情况" in prose and "存在的主要问题" in prose and "行政规范性文件77132470" not in prose
    values = record.values()
    assert {p: values[p] for p in PINGTAN_TRUTH} == PINGTAN_TRUTH
    assert {p: v for p, v in values.items() if p not in PINGTAN_TRUTH} == {
        p: v for p, v in template.values().items() if p not in PINGTAN_TRUTH
    }
    ev = record.evidence["active_disclosure.normative_documents.in_force"]
    assert (ev.method, ev.prompt, ev.model, ev.confirmed) == ("llm", "extract_cells@2", "fake-chat-1", "second-read")
    assert record.status == "ok"
    log = calls(tmp_path)
    assert [(c["prompt"], c["model"], c["ok"], c["retries"]) for c in log] == [
        ("extract_cells@2", "fake-chat-1", True, 0),
        ("extract_cells@2", "fake-chat-1", True, 0),
        ("extract_prose@1", "fake-chat-1", True, 0),
    ]
    assert all(c["input_hash"] and c["tokens_in"] > 0 and c["latency_ms"] >= 0 for c in log)
    assert [c["tokens_in"] for c in log] == [r.tokens_in for r in fake.requests]


def test_a_fully_read_report_costs_one_prose_call_under_6000_tokens(serve: Serve, tmp_path: Path) -> None:
    fake = serve(oracle({}))
    settings = llm_settings(tmp_path, fake.base_url)
    record = extract_file_llm(FULL, settings, open_llm(settings))
    assert [schema_name(r.body) for r in fake.requests] == ["ProseAnswer"]
    assert fake.requests[0].tokens_in <= 6000
    assert record.values() == extract_file(FULL, settings).values()
    usage = (record.meta.model_extra or {})["llm"]
    assert usage["calls"] == 1 and usage["tokens_in"] == fake.requests[0].tokens_in


def test_b_an_identity_broken_by_the_answer_is_named_in_the_re_ask(
    serve: Serve, tmp_path: Path, extra_cells_doc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.extract.llm_reader.check", lambda *_: ("", 2))  # the re-ask guards what passes it
    shifted = dict(zip(GRANTED, [0, 0, 0, 0, 3, 0, 0], strict=True))

    def script(body: dict[str, Any]) -> Reply:
        if schema_name(body) == "ProseAnswer":
            return Answer(prose_answer(sent_text(body)))
        truth = GRANTED if is_repair(body) else shifted
        return oracle(truth)(body)

    fake = serve(script)
    settings = llm_settings(tmp_path, fake.base_url)
    record = extract_file_llm(extra_cells_doc, settings, open_llm(settings))
    assert [schema_name(r.body) for r in fake.requests] == ["TableAnswer", "TableAnswer", "ProseAnswer"]
    first, reask = fake.requests[0].body, fake.requests[1].body
    assert requested_cells(first) == list(GRANTED)  # nothing asked about the cells the template read
    assert sent_text(first) == sent_text(reask) and "三、收到和处理政府信息公开申请情况" not in sent_text(first)
    assert "主动公开政府信息情况" not in sent_text(first) and "本年新收政府信息公开申请数量" in sent_text(first)
    text = reask["messages"][-1]["content"]
    assert "T3-ROW 表三 三（一）予以公开：六类申请人之和 3 ≠ 总计 0" in text
    assert "T3-SUM 表三 自然人列：办理结果各项之和 16 ≠（七）总计 19" in text
    assert {p: record.values()[p] for p in GRANTED} == GRANTED
    assert {record.evidence[p].method for p in GRANTED} == {"llm-repair"}
    assert record.evidence["applications.granted.total"].prompt == "repair_cells@2"
    assert record.status == "ok"


def test_c_invalid_json_after_the_retries_keeps_the_template_record(serve: Serve, tmp_path: Path) -> None:
    fake = serve(lambda _: RawText("好的，以下是结果：{cells: [1, 2"))
    settings = llm_settings(tmp_path, fake.base_url, llm_retries=2)
    record = extract_file_llm(PINGTAN, settings, open_llm(settings))
    assert len(fake.requests) == 3
    assert "上面的回答不是符合要求的 JSON" in fake.requests[1].body["messages"][-1]["content"]
    assert record.values() == extract_file(PINGTAN, settings).values()
    assert record.status == "needs_review"
    assert record.findings[-1].rule == "LLM" and "invalid JSON after 3 attempts" in record.findings[-1].message
    assert [c["ok"] for c in calls(tmp_path)] == [False, False, False]


def test_d_a_number_whose_quote_is_not_in_the_source_is_refused(
    serve: Serve, tmp_path: Path, garbage_doc: Path
) -> None:
    def script(body: dict[str, Any]) -> Reply:
        if schema_name(body) == "ProseAnswer":
            return Answer(prose_answer(sent_text(body)))
        cells = [{"path": p, "value": v, "quote": f"（一）予以公开 3 0 0 0 0 0 3 [{p}]"} for p, v in GRANTED.items()]
        return Answer({"cells": cells})

    fake = serve(script)
    settings = llm_settings(tmp_path, fake.base_url)
    record = extract_file_llm(garbage_doc, settings, open_llm(settings))
    assert all(record.values()[p] is None for p in GRANTED)
    assert not any(e.method.startswith("llm") for p, e in record.evidence.items() if p.startswith("applications."))
    refused = [f for f in record.findings if f.rule == "LLM"]
    assert [f.cells for f in refused] == [[p] for p in GRANTED]
    assert all("引文不在原文中" in f.message for f in refused)
    assert record.status == "needs_review"
    assert any(f.rule == "SHAPE" and set(GRANTED) <= set(f.cells) for f in record.findings)


@pytest.mark.parametrize(
    ("status", "headers", "wait"), [(429, {"retry-after": "0.3"}, 0.3), (503, {"retry-after-ms": "100"}, 0.1)]
)
def test_e_429_or_5xx_then_success_is_retried_after_retry_after(
    serve: Serve, tmp_path: Path, status: int, headers: dict[str, str], wait: float
) -> None:
    seen: list[int] = []

    def script(body: dict[str, Any]) -> Reply:
        seen.append(1)
        return Status(status, headers) if len(seen) == 1 else oracle({})(body)

    fake = serve(script)
    settings = llm_settings(tmp_path, fake.base_url)
    start = time.perf_counter()
    record = extract_file_llm(FULL, settings, open_llm(settings))
    assert time.perf_counter() - start >= wait
    assert [r.status for r in fake.requests] == [status, 200]
    assert fake.requests[1].headers.get("x-stainless-retry-count") == "1"
    assert record.status == "ok"
    assert [(c["ok"], c["retries"]) for c in calls(tmp_path)] == [(True, 1)]


def test_f_a_timeout_becomes_needs_review_with_the_reason(serve: Serve, tmp_path: Path) -> None:
    fake = serve(lambda _: Slow(10, Answer(prose_answer(""))))
    settings = llm_settings(tmp_path, fake.base_url, llm_timeout_s=0.2, llm_retries=1)
    record = extract_file_llm(FULL, settings, open_llm(settings))
    assert len(fake.requests) == 2
    assert record.status == "needs_review"
    assert record.findings[-1].rule == "LLM"
    assert "timeout after 0.2 s (2 attempts)" in record.findings[-1].message
    assert record.values() == extract_file(FULL, settings).values()


def test_a_dead_endpoint_becomes_needs_review_with_the_reason(tmp_path: Path) -> None:
    with FakeOpenAI(oracle({})) as gone:
        url = gone.base_url
    settings = llm_settings(tmp_path, url, llm_retries=0)
    record = extract_file_llm(FULL, settings, open_llm(settings))
    assert record.status == "needs_review"
    assert "endpoint unreachable" in record.findings[-1].message


def test_tests_cannot_reach_a_remote_endpoint(tmp_path: Path) -> None:
    for url in ("https://api.openai.com/v1", None):
        settings = llm_settings(tmp_path, "http://127.0.0.1:9/v1", openai_base_url=url)
        with pytest.raises(ConfigError, match="remote LLM endpoints are disabled"):
            open_llm(settings)


def test_the_token_budget_stops_before_sending(serve: Serve, tmp_path: Path) -> None:
    fake = serve(oracle({}))
    settings = llm_settings(tmp_path, fake.base_url, llm_token_budget=500)
    record = extract_file_llm(FULL, settings, open_llm(settings))
    assert fake.requests == []
    assert record.status == "needs_review" and "token budget exceeded" in record.findings[-1].message


@pytest.mark.parametrize(
    ("method", "shape"),
    [
        ("json_schema", lambda b: b["response_format"]["type"] == "json_schema"),
        ("function_calling", lambda b: b["tool_choice"]["function"]["name"] == b["tools"][0]["function"]["name"]),
        ("json_mode", lambda b: b["response_format"] == {"type": "json_object"} and "JSON Schema" in str(b)),
    ],
)
def test_every_structured_output_method_works(
    serve: Serve, tmp_path: Path, method: str, shape: Callable[[dict[str, Any]], bool]
) -> None:
    fake = serve(oracle(PINGTAN_TRUTH))
    settings = llm_settings(tmp_path, fake.base_url, structured_output=method)
    record = extract_file_llm(PINGTAN, settings, open_llm(settings))
    assert all(shape(r.body) for r in fake.requests)
    assert record.status == "ok" and {p: record.values()[p] for p in PINGTAN_TRUTH} == PINGTAN_TRUTH


def test_answers_are_cached_by_input_prompt_model_and_schema(serve: Serve, tmp_path: Path) -> None:
    fake = serve(oracle(PINGTAN_TRUTH))
    settings = llm_settings(tmp_path, fake.base_url)
    first = extract_file_llm(PINGTAN, settings, open_llm(settings))
    again = extract_file_llm(PINGTAN, settings, open_llm(settings))
    assert len(fake.requests) == 3
    assert again.values() == first.values() and again.evidence == first.evidence
    assert (again.meta.model_extra or {})["llm"] | {"cached": 0} == {
        "model": "fake-chat-1",
        "calls": 0,
        "cached": 0,
        "tokens_in": 0,
        "tokens_out": 0,
    }
    assert [c["cached"] for c in calls(tmp_path)] == [False, False, False, True, True, True]
    other = llm_settings(tmp_path, fake.base_url, chat_model="fake-chat-2")
    extract_file_llm(PINGTAN, other, open_llm(other))
    assert len(fake.requests) == 6
