"""Q&A with an LLM: the model fills the same Query the offline parser fills, code runs it, the model words it.

1. ``qa_plan@2``: the model writes the question as a :class:`~service.qa.query.Query` (subjects from the
   catalogue, bodies and years from the store's own lists, an operation, finding kinds, which include the
   cross-report review's rules, or a text search). It never writes SQL and computes nothing.
2. The query is checked and run by :func:`service.qa.answer.run_query`, exactly as an offline query.
3. ``qa_answer@2``: the model words the result; every number in its wording must equal a value code computed
   or read for this answer (``Answer.facts``), else the code's own answer is shown. Any failure of the endpoint,
   or a plan that understood nothing, gives the offline answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field, ValidationError

from service.errors import LLMError
from service.index.search import Index
from service.llm import LLM, Tally
from service.names import normalize
from service.prompts import load_prompt
from service.qa.answer import answer, context_of, run_query
from service.qa.model import Answer, unverified
from service.qa.parse import Context
from service.qa.query import Query
from service.qa.subjects import APPLICANT_WORDS, REVIEW_WORDS, ROWS, columns_of
from service.store import Store

QA_BUDGET = 8000
MAX_LISTED = 150  # above this many bodies, only those the question seems to name are listed to the model


class Written(BaseModel):
    """The answer the model writes from the result."""

    answer: str = Field(description="简洁的中文回答，只用“可以用的数字”，用 [n] 标注来源")


def catalogue() -> str:
    """The rows and their columns, compactly, for the planner."""
    t3 = "、".join(r.name for r in ROWS if r.columns == "applicant")
    t4 = "、".join(r.name for r in ROWS if r.columns == "review")
    t2 = "；".join(f"{r.name}（{'、'.join(columns_of(r))}）" for r in ROWS if r.columns == "t2")
    prose = "、".join(r.name for r in ROWS if r.columns == "none")
    return (
        f"表三（列：{'、'.join(a[0] for a in APPLICANT_WORDS)}）：{t3}\n"
        f"表四（列：{'、'.join(r[0] for r in REVIEW_WORDS)}）：{t4}\n"
        f"表二：{t2}\n正文中的数字（无列）：{prose}"
    )


def _listed(context: Context, question: str, history: Sequence[str]) -> list[str]:
    directory = context.directory
    if len(directory.issuers) <= MAX_LISTED:
        return directory.issuers
    text = normalize(" ".join([*history, question]))
    return sorted({i for m in directory.find(text) for i in (*m.issuers, *m.region)})


def answer_with_llm(
    question: str,
    *,
    store: Store,
    index: Index | None,
    llm: LLM,
    history: Sequence[str] = (),
    issuer: str | None = None,
    year: int | None = None,
    aliases: dict[str, str] | None = None,
) -> Answer:
    """Answer with the model's query and wording; numbers always by code; the offline answer as the fallback."""
    offline = answer(question, store=store, index=index, history=history, issuer=issuer, year=year, aliases=aliases)
    context = context_of(store, aliases)
    tally = Tally(budget=QA_BUDGET, label=question[:40])
    try:
        query = llm.ask(
            load_prompt("qa_plan"),
            {
                "issuers": "、".join(_listed(context, question, history)) or "（无）",
                "years": "、".join(map(str, context.years)),
                "subjects": catalogue(),
                "history": "\n".join(history) or "（无）",
                "question": question,
            },
            Query,
            tally=tally,
        )
    except (LLMError, ValidationError):
        return offline
    if query.route == "none" and not (query.unmatched or query.unsupported):
        return offline  # the plan understood nothing: the parser's reading stands
    if issuer and offline.query is not None:
        query.bodies = offline.query.bodies
    if year:
        query.years = [year]
    result = run_query(_resolved(query, context), store, index, context)
    if not result.found:
        return result
    sources = "\n".join(
        f"[{n}] {c.issuer or ''} {c.year or ''}年 表{c.table or c.section} {c.row or ''} {c.column or ''} "
        f"{'= ' + c.printed if c.printed else ''}；原文：{c.quote[:200]}"
        for n, c in enumerate(result.citations[:20], 1)
    )
    facts = "、".join(f"{f:g}" for f in result.facts) or "（无）"
    try:
        written = llm.ask(
            load_prompt("qa_answer"),
            {"question": question, "result": result.answer, "sources": sources, "facts": facts},
            Written,
            tally=tally,
        )
    except (LLMError, ValidationError):
        return result
    text = written.answer.strip()
    if unverified(text, result.facts):
        note = "\n（大模型的回答中有不是程序为本题算出的数字，以下为程序根据数据给出的回答。）"
        return result.model_copy(update={"answer": result.answer + note})
    return result.model_copy(update={"answer": f"{result.understood}\n{text}", "mode": "llm"})


def _resolved(query: Query, context: Context) -> Query:
    """Body names the model wrote as people say them (洪泽区) become the stored names; the rest are unmatched."""
    directory = context.directory
    bodies: list[str] = []
    for name in query.bodies:
        if name in directory.issuers:
            bodies.append(name)
            continue
        text = normalize(name)
        whole = [m for m in directory.find(text) if m.end - m.start == len(text) and m.issuers]
        if whole:
            bodies += whole[0].issuers
        else:
            query.unmatched.append(name)
    query.bodies = list(dict.fromkeys(bodies))
    return query
