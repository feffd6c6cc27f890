"""Q&A with an LLM: the model picks a tool and writes the answer; code runs the tools and checks every number.

1. ``qa_plan``: the model chooses ``query_cells`` (a subject from the fixed list, bodies and years from the
   store's own lists, an operation) or ``search_text`` or ``none``. It never writes SQL: the plan is turned into
   the same read-only, parameterised cell query the offline path uses, and sums or rankings are computed by code.
2. ``qa_answer``: the model writes a short answer from the tool results, which are passed as data.
3. Every number in the written answer must appear in the tool results; otherwise the offline answer is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from service.errors import LLMError
from service.index.search import Index
from service.llm import LLM, Tally
from service.prompts import load_prompt
from service.qa.answer import NOT_FOUND, Answer, answer, answer_numbers, answer_text, unsupported_numbers
from service.qa.parse import COLUMNS, CONCEPTS, Question
from service.store import Store

SUBJECTS = [name for _, _, _, name in CONCEPTS]
QA_BUDGET = 8000


class Plan(BaseModel):
    """Which tool answers the question, with which parameters."""

    tool: Literal["query_cells", "search_text", "none"] = Field(
        description="query_cells 查数字；search_text 查原文；none 无法回答"
    )
    subject: str | None = Field(default=None, description="query_cells 时：可查指标之一，原样照抄")
    applicant: str | None = Field(default=None, description="只问某类申请人时：申请人类别之一，否则 null")
    issuers: list[str] = Field(default_factory=list, description="库中单位名称，原样照抄；未指明为空列表")
    years: list[int] = Field(default_factory=list, description="问题写明的年度；未写明为空列表")
    operation: Literal["value", "max", "min", "sum", "count", "rank", "list"] = Field(default="value")
    search: str | None = Field(default=None, description="search_text 时：检索关键词")


class Written(BaseModel):
    """The answer the model writes from the tool results."""

    answer: str = Field(description="简洁的中文回答，只用资料中的数字，用 [n] 标注来源")


def _data_block(result: Answer) -> str:
    lines = []
    if result.value is not None:
        lines.append(f"程序计算结果：{result.value:g}")
    for n, c in enumerate(result.citations, 1):
        what = f"{c.label} = {c.value:g}" if c.label and c.value is not None else (c.label or "")
        lines.append(f"[{n}] {c.issuer or ''} {c.year or ''}年 第{c.section}部分 {what}；原文：{c.quote[:300]}")
    return "\n".join(lines) if lines else "（没有查到资料）"


def answer_with_llm(
    question: str,
    *,
    store: Store,
    index: Index | None,
    llm: LLM,
    history: Sequence[str] = (),
    issuer: str | None = None,
    year: int | None = None,
) -> Answer:
    """Answer with the model's plan and wording; numbers always from the cells; offline answer as the fallback."""
    offline = answer(question, store=store, index=index, history=history, issuer=issuer, year=year)
    issuers = sorted(store.issuers())
    years = sorted(store.years())
    tally = Tally(budget=QA_BUDGET, label=question[:40])
    try:
        plan = llm.ask(
            load_prompt("qa_plan"),
            {
                "issuers": "、".join(issuers),
                "years": "、".join(map(str, years)),
                "subjects": "、".join(SUBJECTS),
                "applicants": "、".join(COLUMNS),
                "history": "\n".join(history) or "（无）",
                "question": question,
            },
            Plan,
            tally=tally,
        )
        result = _run(plan, question, store, index, issuers, issuer, year) or offline
        if not result.found:
            return result
        written = llm.ask(
            load_prompt("qa_answer"), {"question": question, "data": _data_block(result)}, Written, tally=tally
        )
    except LLMError:
        return offline
    checked = result.model_copy(update={"answer": written.answer.strip(), "mode": "llm"})
    if unsupported_numbers(checked):
        note = "\n（大模型的回答中有无法与数据核对的数字，以下为程序根据数据给出的回答。）"
        return result.model_copy(update={"answer": result.answer + note})
    return checked


def _run(
    plan: Plan,
    question: str,
    store: Store,
    index: Index | None,
    issuers: list[str],
    issuer: str | None,
    year: int | None,
) -> Answer | None:
    """Run the planned tool with validated parameters; None when the plan cannot be used."""
    if plan.tool == "none":
        return Answer(
            answer=f"{NOT_FOUND}：报告库中没有能回答这个问题的数据。", citations=[], route="none", found=False
        )
    chosen = [i for i in plan.issuers if i in issuers]
    if plan.issuers and not chosen:
        return None
    q = Question(
        text=question,
        issuers=[issuer] if issuer in issuers else chosen,
        years=[year] if year else [y for y in plan.years if y > 0],
    )
    if plan.tool == "search_text":
        q.text = plan.search or question
        q.route = "text"
        return answer_text(q, store, index)
    if plan.subject not in SUBJECTS:
        return None
    q.concept = SUBJECTS.index(plan.subject)
    q.column = COLUMNS.get(plan.applicant or "")
    q.op = plan.operation
    q.route = "numbers"
    return answer_numbers(q, store)
