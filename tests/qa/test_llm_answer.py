"""Q&A in LLM mode: the model fills the same Query as the parser; code queries, computes and checks every number.

At our own seam (FakeLLM) and through the real client against the fake OpenAI-compatible server."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from evals.fake_openai import Answer, FakeOpenAI, schema_name, user_text
from service.config import Settings
from service.errors import LLMError
from service.library import ingest, open_library
from service.llm import open_llm
from service.qa.llm_answer import answer_with_llm
from tests.conftest import SAMPLES, Engine
from tests.fakes.llm import FakeLLM


@pytest.fixture(scope="module")
def library(engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("in")
    for name in ("003_9da54bdadbdcae0a.txt", "pingtan-zone-2023.txt", "hebei-kjt-2023.txt", "hongze-district-2024.pdf"):
        shutil.copy(SAMPLES / name, folder / name)
    settings = engine.settings(tmp_path_factory.mktemp("home"), embedding="hash")
    ingest([folder], settings, progress=False)
    store, index = open_library(settings)
    yield store, index
    store.close()


def scripted(query: dict[str, Any] | Exception, written: str | Exception) -> FakeLLM:
    def respond(prompt: Any, _variables: dict[str, str], _schema: Any) -> Any:
        if prompt.id == "qa_plan":
            return query
        return written if isinstance(written, Exception) else {"answer": written}

    return FakeLLM(respond)


REVIEW = {"row": "行政复议", "column": "总计"}


def test_numbers_come_from_the_query_and_the_model_only_words_them(library) -> None:
    store, index = library
    llm = scripted(
        {"subjects": [REVIEW], "bodies": ["巨各庄镇"], "years": [2023]}, "巨各庄镇2023年共有行政复议5件 [1]。"
    )
    result = answer_with_llm("巨各庄镇去年被申请了几次复议？", store=store, index=index, llm=llm)
    assert result.mode == "llm" and result.value == 5
    assert result.answer == "按：巨各庄镇 · 2023 · 行政复议 · 总计\n巨各庄镇2023年共有行政复议5件 [1]。"
    assert [c.path for c in result.citations] == ["reviews.administrative_review.total"]
    (plan_ref, plan_vars), (answer_ref, answer_vars) = llm.calls
    assert (plan_ref, answer_ref) == ("qa_plan@2", "qa_answer@2")
    assert "巨各庄镇" in plan_vars["issuers"] and "表四（列：结果维持" in plan_vars["subjects"]
    assert "[1] 巨各庄镇 2023年 表四 行政复议 总计 = 5" in answer_vars["sources"]
    assert answer_vars["facts"] == "5、2023"


def test_sums_and_short_names_the_model_writes_are_resolved_by_code(library) -> None:
    store, index = library
    llm = scripted(
        {"subjects": [{"row": "本年新收"}], "bodies": ["洪泽区", "平潭"], "operation": "sum"},
        "两份报告合计收到 176 件申请 [1][2]。",
    )
    result = answer_with_llm("洪泽区和平潭一共收到多少申请", store=store, index=index, llm=llm)
    assert result.value == 176 and result.mode == "llm"
    assert {c.issuer for c in result.citations} == {"淮安市洪泽区人民政府", "平潭综合实验区"}
    assert "176" in llm.calls[1][1]["facts"]


def test_a_number_that_is_only_in_a_quoted_row_is_refused(library) -> None:
    store, index = library
    # the cited row prints "3 0 2 0 5": 3 is in the quote, but not a value computed for this answer
    llm = scripted({"subjects": [REVIEW], "bodies": ["巨各庄镇"], "years": [2023]}, "巨各庄镇2023年行政复议3件 [1]。")
    result = answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=llm)
    assert "3 0 2 0 5" in result.citations[0].quote
    assert result.mode == "offline" and "行政复议3件" not in result.answer
    assert "行政复议：5件" in result.answer and "不是程序为本题算出的数字" in result.answer
    wrong = scripted({"subjects": [REVIEW], "bodies": ["巨各庄镇"], "years": [2023]}, "行政复议共六件 [1]。")
    assert answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=wrong).mode == "offline"


def test_findings_and_review_queries(library) -> None:
    store, index = library
    llm = scripted({"findings": ["正文与表格"]}, "洪泽区2024年的报告正文称收到17件，表格为95件 [1]。")
    result = answer_with_llm("哪些报告前后说法不一样", store=store, index=index, llm=llm)
    assert result.route == "findings" and result.mode == "llm"
    assert {c.issuer for c in result.citations} == {"淮安市洪泽区人民政府"}
    copies = scripted({"findings": ["照抄"]}, "没有发现照抄。")
    result = answer_with_llm("谁抄了去年的", store=store, index=index, llm=copies)
    assert result.route == "findings" and result.found and not result.citations


def test_unknown_bodies_are_named_and_failures_fall_back(library) -> None:
    store, index = library
    invented = scripted({"subjects": [REVIEW], "bodies": ["上海市人民政府"]}, "x")
    result = answer_with_llm("上海市人民政府行政复议多少件", store=store, index=index, llm=invented)
    assert not result.found and "没有找到“上海市人民政府”" in result.answer
    empty = scripted({}, "x")
    fallback = answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=empty)
    assert fallback.mode == "offline" and fallback.value == 5 and len(empty.calls) == 1
    broken = scripted(LLMError("timeout"), "x")
    offline = answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=broken)
    assert offline.mode == "offline" and offline.value == 5
    invalid = scripted({"operation": "divide"}, "x")
    assert answer_with_llm("巨各庄镇2023年行政复议多少件", store=store, index=index, llm=invalid).value == 5
    words_fail = scripted({"subjects": [REVIEW], "bodies": ["巨各庄镇"]}, LLMError("timeout"))
    coded = answer_with_llm("巨各庄镇行政复议多少件", store=store, index=index, llm=words_fail)
    assert coded.mode == "offline" and coded.value == 5


def test_text_questions_search_then_word(library) -> None:
    store, index = library
    llm = scripted(
        {"bodies": ["巨各庄镇"], "text": "不足", "section": "五", "aspect": "problems"},
        "主要问题是信息公开内容不够全面、目录尚需完善 [1]。",
    )
    result = answer_with_llm("巨各庄镇有什么短板", store=store, index=index, llm=llm)
    assert result.mode == "llm" and result.citations[0].section == "五"
    assert "信息公开内容不够全面" in llm.calls[1][1]["sources"]


def test_through_the_real_client_and_the_fake_server(library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, index = library

    def script(body: dict[str, Any]) -> Answer:
        if schema_name(body) == "Query":
            return Answer({"subjects": [{"row": "行政诉讼", "column": "总计"}], "bodies": ["平潭综合实验区"]})
        return Answer({"answer": "平潭综合实验区2023年行政诉讼7件 [1][2]。"})

    monkeypatch.delenv("NIANBAO_LLM")
    with FakeOpenAI(script) as fake:
        llm = open_llm(Settings(home=tmp_path, openai_base_url=fake.base_url, llm=True))
        result = answer_with_llm("平潭打了几场官司", store=store, index=index, llm=llm)
        plan, words = fake.chat_requests
    assert result.mode == "llm" and result.value == 7
    assert result.answer.endswith("平潭综合实验区2023年行政诉讼7件 [1][2]。")
    assert "平潭打了几场官司" in user_text(plan.body) and "可以用的数字：2、5、7、2023" in user_text(words.body)


def test_services_use_the_llm_only_when_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.app import Services

    monkeypatch.delenv("NIANBAO_LLM")  # the autouse guard sets it to false
    assert Services(Settings(home=tmp_path)).mode == "offline"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert Services(Settings(home=tmp_path)).mode == "llm"
    assert Services(Settings(home=tmp_path, llm=False)).mode == "offline"
