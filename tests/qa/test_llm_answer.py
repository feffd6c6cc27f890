"""Q&A in LLM mode: the model plans and words; code queries, computes and checks every number (FakeLLM seam)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from service.config import Settings
from service.errors import LLMError
from service.library import ingest, open_library
from service.qa.llm_answer import answer_with_llm
from tests.conftest import SAMPLES
from tests.fakes.llm import FakeLLM


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("in")
    for name in ("003_9da54bdadbdcae0a.txt", "pingtan-zone-2023.txt", "hebei-kjt-2023.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    settings = Settings(home=tmp_path_factory.mktemp("home"), embedding="hash")
    ingest([folder], settings, progress=False)
    store, index = open_library(settings)
    yield store, index
    store.close()


def scripted(plan: dict[str, Any], written: str | Exception) -> FakeLLM:
    def respond(prompt: Any, _variables: dict[str, str], _schema: Any) -> Any:
        if prompt.id == "qa_plan":
            return plan
        return written if isinstance(written, Exception) else {"answer": written}

    return FakeLLM(respond)


def test_numbers_come_from_the_query_and_the_model_only_words_them(library) -> None:
    store, index = library
    llm = scripted(
        {
            "tool": "query_cells",
            "subject": "行政复议总数",
            "issuers": ["巨各庄镇"],
            "years": [2023],
            "operation": "value",
        },
        "巨各庄镇2023年共有行政复议5件 [1]。",
    )
    result = answer_with_llm("巨各庄镇去年被申请了几次复议？", store=store, index=index, llm=llm)
    assert result.mode == "llm" and result.value == 5
    assert result.answer == "巨各庄镇2023年共有行政复议5件 [1]。"
    assert [c.path for c in result.citations] == ["reviews.administrative_review.total"]
    (plan_ref, plan_vars), (answer_ref, answer_vars) = llm.calls
    assert (plan_ref, answer_ref) == ("qa_plan@1", "qa_answer@1")
    assert "巨各庄镇" in plan_vars["issuers"] and "行政复议总数" in plan_vars["subjects"]
    assert "[1] 巨各庄镇 2023年 第四部分 行政复议 / 总计 = 5" in answer_vars["data"]


def test_sums_are_computed_by_code(library) -> None:
    store, index = library
    llm = scripted(
        {"tool": "query_cells", "subject": "本年新收政府信息公开申请数", "operation": "sum"},
        "三份报告合计收到 118 件申请 [1][2][3]。",
    )
    result = answer_with_llm("一共收到多少申请", store=store, index=index, llm=llm)
    assert result.value == 118 and result.mode == "llm"
    assert "程序计算结果：118" in llm.calls[1][1]["data"]


def test_a_number_the_data_does_not_hold_is_never_shown(library) -> None:
    store, index = library
    llm = scripted(
        {"tool": "query_cells", "subject": "行政复议总数", "issuers": ["巨各庄镇"], "years": [2023]},
        "巨各庄镇2023年共有行政复议6件 [1]。",
    )
    result = answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=llm)
    assert result.mode == "offline" and "6件" not in result.answer
    assert "行政复议总数：5件" in result.answer and "无法与数据核对" in result.answer


def test_a_body_outside_the_store_is_declined_and_failures_fall_back(library) -> None:
    store, index = library
    none = scripted({"tool": "none"}, "不会被调用")
    result = answer_with_llm("上海市的复议有多少", store=store, index=index, llm=none)
    assert not result.found and len(none.calls) == 1
    invented = scripted({"tool": "query_cells", "subject": "行政复议总数", "issuers": ["上海市人民政府"]}, "x")
    fallback = answer_with_llm("上海市人民政府行政复议多少件", store=store, index=index, llm=invented)
    assert fallback.mode == "offline" and not fallback.found
    broken = scripted({"tool": "query_cells", "subject": "行政复议总数", "issuers": ["巨各庄镇"]}, LLMError("timeout"))
    offline = answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=broken)
    assert offline.mode == "offline" and offline.value == 5


def test_text_questions_search_then_word(library) -> None:
    store, index = library
    llm = scripted(
        {"tool": "search_text", "issuers": ["巨各庄镇"], "search": "存在问题 改进"},
        "主要问题是信息公开内容不够全面、目录尚需完善 [1]。",
    )
    result = answer_with_llm("巨各庄镇有什么不足", store=store, index=index, llm=llm)
    assert result.mode == "llm" and result.citations[0].section == "五"
    assert "信息公开内容不够全面" in llm.calls[1][1]["data"]


def test_services_use_the_llm_only_when_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.app import Services

    monkeypatch.delenv("NIANBAO_LLM")  # the autouse guard sets it to false
    assert Services(Settings(home=tmp_path)).mode == "offline"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert Services(Settings(home=tmp_path)).mode == "llm"
    assert Services(Settings(home=tmp_path, llm=False)).mode == "offline"
