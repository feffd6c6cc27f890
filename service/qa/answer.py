"""Answers: numbers by code from the cells table, text from retrieved passages; every answer cites its sources."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

from service.index.search import Hit, Index
from service.locate.sections import SECTION_NAMES
from service.qa.parse import CONCEPTS, Question, aliases, parse
from service.store import CellRow, Store

NOT_FOUND = "报告中没有找到"
SECTION_OF = {"active_disclosure": "二", "applications": "三", "reviews": "四"}


class Citation(BaseModel):
    """Where a number or passage of an answer comes from."""

    issuer: str | None
    year: int | None
    section: str
    page: int | None
    quote: str
    path: str | None = None
    label: str | None = None
    value: float | None = None
    report_id: str


class Item(BaseModel):
    """One report's number in a numeric answer."""

    issuer: str | None
    year: int | None
    value: float | None


class Answer(BaseModel):
    """An answer in plain Chinese with its citations; numeric answers also carry their result as data."""

    answer: str
    citations: list[Citation]
    mode: Literal["offline", "llm"] = "offline"
    route: str
    found: bool = True
    value: float | None = None
    items: list[Item] = []


def _num(value: float | None) -> str:
    if value is None:
        return "未填报"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _section(path: str) -> str:
    head = path.split(".")[0]
    if head == "narrative":
        return "六" if path.endswith("fee_collected_yuan") else "一"
    return SECTION_OF.get(head, "")


def _who(issuer: str | None, year: int | None) -> str:
    return f"{issuer or '（未知单位）'}{f' {year}年' if year else ''}"


def answer(
    question: str,
    *,
    store: Store,
    index: Index | None,
    history: Sequence[str] = (),
    issuer: str | None = None,
    year: int | None = None,
) -> Answer:
    """Answer a question over every stored report (``history``: the earlier questions of the chat)."""
    issuers = store.issuers()
    previous = None
    for earlier in history:
        previous = parse(earlier, issuers, previous=previous)
    q = parse(question.strip(), issuers, previous=previous)
    if issuer:
        q.issuers = [i for i in issuers if issuer in i or i in issuer] or [issuer]
    if year:
        q.years = [year]
    if q.unknown_issuer and not q.issuers:
        return Answer(
            answer=f"{NOT_FOUND}：库中没有“{q.unknown_issuer}”的年报（已查找 {len(issuers)} 个单位）。",
            citations=[],
            route=q.route,
            found=False,
        )
    if q.years and not set(q.years) & set(store.years()):
        years = "、".join(str(y) for y in q.years)
        return Answer(answer=f"{NOT_FOUND}：库中没有 {years} 年的年报。", citations=[], route=q.route, found=False)
    if q.route == "findings":
        return _findings(q, store)
    if q.route == "numbers":
        return answer_numbers(q, store)
    return answer_text(q, store, index)


def _cite(cell: CellRow) -> Citation:
    return Citation(
        issuer=cell.issuer,
        year=cell.year,
        section=_section(cell.path),
        page=cell.page,
        quote=cell.quote or cell.raw or "",
        path=cell.path,
        label=cell.label,
        value=cell.value,
        report_id=cell.report_id,
    )


def answer_numbers(q: Question, store: Store) -> Answer:
    assert q.concept is not None
    _, _, unit, name = CONCEPTS[q.concept]
    cells = store.query_cells(q.paths, issuers=q.issuers or None, years=q.years or None)
    per_report: dict[str, list[CellRow]] = defaultdict(list)
    for cell in cells:
        per_report[cell.report_id].append(cell)
    names = (
        "、".join(q.issuers) if 0 < len(q.issuers) <= 3 else (f"{len(q.issuers)} 个单位" if q.issuers else "全部单位")
    )
    scope = f"{names}{'，' + '、'.join(map(str, q.years)) + '年' if q.years else ''}"
    if not per_report:
        return Answer(answer=f"{NOT_FOUND}：{scope}没有“{name}”的数据。", citations=[], route="numbers", found=False)
    rows: list[tuple[str | None, int | None, float | None, list[CellRow]]] = []
    for group in per_report.values():
        values = [c.value for c in group]
        total = None if any(v is None for v in values) else sum(v for v in values if v is not None)
        rows.append((group[0].issuer, group[0].year, total, group))
    rows.sort(key=lambda r: (r[0] or "", r[1] or 0))
    known = [(r[0], r[1], float(r[2]), r[3]) for r in rows if r[2] is not None]
    cited: list[CellRow] = []
    result: float | None = None
    items: Sequence[tuple[str | None, int | None, float | None, list[CellRow]]] = []
    op = "value" if len(rows) == 1 else q.op
    if op in ("max", "min") and known:
        best = (max if op == "max" else min)(r[2] for r in known)
        top = [r for r in known if r[2] == best]
        word = "最多" if op == "max" else "最少"
        names = "、".join(_who(r[0], r[1]) for r in top)
        text = f"在{scope}的 {len(rows)} 份报告中，{name}{word}的是 {names}：{_num(best)}{unit}。"
        cited = [c for r in top for c in r[3]]
        result, items = best, top
    elif op == "sum":
        total = sum(r[2] for r in known)
        parts = " + ".join(_num(r[2]) for r in known)
        text = f"{scope}共 {len(known)} 份报告的{name}合计 {_num(total)}{unit}（{parts}）。"
        cited = [c for r in known for c in r[3]]
        result, items = total, known
    elif op == "count":
        hits = [r for r in known if r[2] > 0]
        names = "、".join(_who(r[0], r[1]) for r in hits)
        text = f"{scope}共有 {len(hits)} 份报告的{name}大于 0" + (f"：{names}。" if hits else "。")
        cited = [c for r in hits for c in r[3]]
        result, items = float(len(hits)), hits
    elif len(rows) > 1:
        ordered = sorted(rows, key=lambda r: -(r[2] if r[2] is not None else -1)) if op == "rank" else rows
        lines = [
            f"{i}. {_who(r[0], r[1])}：{_num(r[2])}{unit if r[2] is not None else ''}" for i, r in enumerate(ordered, 1)
        ]
        text = f"{scope}各报告的{name}：\n" + "\n".join(lines)
        cited = [c for r in ordered for c in r[3]]
        result, items = None, ordered
    else:
        r = rows[0]
        if r[2] is None:
            text = f"{_who(r[0], r[1])} 的报告没有填报{name}（表格中为空或无法确定）。"
        else:
            detail = "（" + " + ".join(f"{c.label} {_num(c.value)}" for c in r[3]) + "）" if len(r[3]) > 1 else ""
            text = f"{_who(r[0], r[1])} {name}：{_num(r[2])}{unit}{detail}。"
        cited = r[3]
        result, items = r[2], [r]
    return Answer(
        answer=text,
        citations=[_cite(c) for c in cited],
        route="numbers",
        value=result,
        items=[Item(issuer=i[0], year=i[1], value=i[2]) for i in items],
    )


def _findings(q: Question, store: Store) -> Answer:
    found = store.findings(q.rules, years=q.years or None)
    if q.issuers:
        found = [f for f in found if f["issuer"] in q.issuers]
    scope = (
        f"{'、'.join(q.issuers) or '已入库的全部报告'}{'（' + '、'.join(map(str, q.years)) + '年）' if q.years else ''}"
    )
    if not found:
        return Answer(
            answer=f"{scope}中没有发现此类问题（检查规则：{'、'.join(q.rules)}）。", citations=[], route="findings"
        )
    by_report: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in found:
        by_report[str(f["report_id"])].append(f)
    lines = []
    citations = []
    for rid, items in by_report.items():
        first = items[0]
        lines.append(f"- {_who(first['issuer'], first['year'])}：" + "；".join(str(f["message"]) for f in items))
        cells = first["cells"] or [""]
        path = str(cells[0]) if isinstance(cells, list) and cells else None
        citations.append(
            Citation(
                issuer=first["issuer"],
                year=first["year"],
                section=_section(path) if path else "",
                page=None,
                quote=str(first["message"]),
                path=path or None,
                report_id=rid,
            )
        )
    text = f"{scope}中有 {len(by_report)} 份报告存在此类问题：\n" + "\n".join(lines)
    return Answer(answer=text, citations=citations, route="findings")


def answer_text(q: Question, store: Store, index: Index | None) -> Answer:
    if index is None:
        return Answer(answer=f"{NOT_FOUND}：全文索引不可用。", citations=[], route="text", found=False)
    report_ids = None
    if q.issuers or q.years:
        report_ids = [
            r.report_id
            for r in store.reports()
            if (not q.issuers or r.issuer in q.issuers) and (not q.years or r.year in q.years)
        ]
    sections = ["五"] if any(w in q.text for w in ("问题", "不足", "改进", "下一步", "短板")) else None
    if any(w in q.text for w in ("信息处理费", "其他需要报告")):
        sections = ["六"]
    topic = q.text
    for name in sorted({a for i in q.issuers for a in aliases(i)}, key=len, reverse=True):
        topic = topic.replace(name, " ")
    topic = re.sub(r"(?:19|20)\d{2}\s*年", " ", topic).strip() or q.text  # the filters already say who and when
    hits: list[Hit] = index.search(topic, 3, report_ids=report_ids, sections=sections)
    if not hits or max(h.lexical for h in hits) <= 0:
        scope = "、".join(q.issuers) or "全部报告"
        return Answer(
            answer=f"{NOT_FOUND}与这个问题相关的内容（已检索：{scope}的正文）。",
            citations=[],
            route="text",
            found=False,
        )
    lines = []
    citations = []
    for n, hit in enumerate(hits, 1):
        body = hit.text.split("】", 1)[-1]
        where = f"{_who(hit.issuer, hit.year)} {hit.section}、{SECTION_NAMES.get(hit.section, hit.section)}"
        lines.append(f"[{n}] {where}{f'（第{hit.page}页）' if hit.page else ''}：{body}")
        citations.append(
            Citation(
                issuer=hit.issuer,
                year=hit.year,
                section=hit.section,
                page=hit.page,
                quote=body,
                report_id=hit.report_id,
            )
        )
    return Answer(answer="以下是报告原文中最相关的段落：\n" + "\n".join(lines), citations=citations, route="text")


def unsupported_numbers(result: Answer) -> list[str]:
    """Numbers shown in an answer that are neither in its citations nor its computed result."""
    allowed = {f"{v:g}" for v in (c.value for c in result.citations) if v is not None}
    allowed |= {n for c in result.citations for n in re.findall(r"\d+(?:\.\d+)?", c.quote)}
    if result.value is not None:
        allowed.add(f"{result.value:g}")
    text = re.sub(
        r"[A-Z][A-Z0-9]*-[A-Z-]+|(?:19|20)\d{2}\s*年|\d+\s*(?:份|个单位)|^\d+\.\s|\n\d+\.\s|\[\d+\]|第\d+页",
        " ",
        result.answer,
    )
    return [n for n in re.findall(r"\d+(?:\.\d+)?", text) if n not in allowed and f"{float(n):g}" not in allowed]
