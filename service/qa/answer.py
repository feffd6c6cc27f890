"""Answers: a question is read into a Query (service/qa/parse.py), checked against the store, and run by code.

Every answer starts with the query as understood (``按：…``) and names what matched nothing. Numbers come from
the cells table (service/qa/numbers.py), findings from the findings table, text from retrieved passages.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from service.index.search import Hit, Index, relevant
from service.locate.sections import SECTION_NAMES
from service.names import Directory, core, described_places, spoken_forms
from service.qa.model import NOT_FOUND, Answer, Citation, section_of, who
from service.qa.numbers import run_numbers
from service.qa.parse import Context, parse, previous_query
from service.qa.query import FINDING_RULES, Query, understood
from service.qa.subjects import ROW_BY_NAME, cell_labels, columns_of, default_column, vocabulary
from service.store import Store

ASPECT_WORDS = {"problems": "存在的问题 不足 短板", "improvements": "改进措施 下一步 计划 打算"}
_CACHE: dict[tuple[str, int, str, str], Context] = {}
_CACHE_LOCK = threading.Lock()


def context_of(store: Store, aliases: dict[str, str] | None = None) -> Context:
    """The store's bodies as questions name them, and its years (rebuilt only when the store changed)."""
    count, latest = store.state()
    key = (store.name, count, latest, repr(sorted((aliases or {}).items())))
    with _CACHE_LOCK:
        if key not in _CACHE:
            described: dict[str, list[str]] = defaultdict(list)
            for issuer, text in store.openings():
                described[issuer] += described_places(issuer, text)
            directory = Directory(store.issuers(), aliases, described, vocabulary())
            years_of: dict[str, set[int]] = defaultdict(set)
            for report in store.reports():
                if report.issuer and report.year:
                    years_of[report.issuer].add(report.year)
            _CACHE.clear()
            _CACHE[key] = Context(directory=directory, years=sorted(store.years()), years_of=dict(years_of))
        return _CACHE[key]


def answer(
    question: str,
    *,
    store: Store,
    index: Index | None,
    history: Sequence[str] = (),
    issuer: str | None = None,
    year: int | None = None,
    aliases: dict[str, str] | None = None,
) -> Answer:
    """Answer a question over every stored report (``history``: the earlier questions of the chat)."""
    context = context_of(store, aliases)
    q = parse(question.strip(), context, previous=previous_query(history, context))
    if issuer:
        q.bodies = _named(issuer, context.directory) or q.bodies
    if year:
        q.years = [year]
    return run_query(q, store, index, context)


def _named(name: str, directory: Directory) -> list[str]:
    key = directory.key(name)
    return [i for i in directory.issuers if directory.key(i) == key or name in i]


def scope(q: Query, directory: Directory) -> list[str] | None:
    """The issuers a query covers (None: every report)."""
    if q.bodies:
        return [b for b in q.bodies if b in directory.issuers]
    if not q.kinds and not q.regions:
        return None
    chosen = list(directory.issuers)
    if q.regions:
        inside = set().union(*(directory.regions.get(r, set()) for r in q.regions))
        chosen = [i for i in chosen if i in inside]
    if q.kinds:
        kinds = set(q.kinds)
        chosen = [
            i
            for i in chosen
            if directory.kinds.get(i) in kinds or any(core(i).endswith(k) for k in kinds & {"厅", "局"})
        ]
    return chosen


def _shown_bodies(bodies: list[str], directory: Directory) -> list[str]:
    """Each body as the understood line names it: its stored name (上海市人民政府办公厅, not 上海市, which reads as a
    region), or the body's normalised name when the question covers it under two issuer names."""
    names: dict[str, list[str]] = {}
    for issuer in bodies:
        names.setdefault(directory.key(issuer), []).append(issuer)
    return [issuers[0] if len(issuers) == 1 else key for key, issuers in names.items()]


def _decline(q: Query, line: str, text: str) -> Answer:
    facts = [float(y) for y in q.years]
    return Answer(
        answer=f"{line}\n{text}", citations=[], route=q.route, found=False, understood=line, query=q, facts=facts
    )


def run_query(q: Query, store: Store, index: Index | None, context: Context) -> Answer:
    """Check a query against the store and run it; the answer starts with what was understood."""
    directory = context.directory
    q.bodies = [b for b in q.bodies if b in directory.issuers]
    issuers = scope(q, directory)
    _resolve_years(q, store, issuers, directory)
    stored_years = context.years if issuers is None else {y for i in issuers for y in context.years_of.get(i, ())}
    missing_years = [y for y in q.years if y not in stored_years]  # of the reports in scope: 平潭 has no 2023
    shown = _shown_bodies(q.bodies, directory)
    line = understood(q, shown)
    if missing_years:
        whose = "、".join(shown) if issuers is not None and shown else ""
        line += f"；库中没有{whose} {'、'.join(map(str, missing_years))} 年的报告"
    if q.unsupported:
        return _decline(q, line, f"{NOT_FOUND}：年报只有全年的数字，没有“{q.unsupported[0]}”的数据。")
    if q.unmatched and not q.bodies and issuers is None:
        names = "、".join(f"“{u}”" for u in q.unmatched)
        near = list(dict.fromkeys(i for u in q.unmatched for i in directory.near(u)))
        hint = f"名称相近的有：{'、'.join(near)}（一字之差，未代为查询）。" if near else ""
        text = f"{NOT_FOUND}：库中没有{names}的年报（已查找 {len(directory.issuers)} 个单位）。{hint}"
        result = _decline(q, line, text)
        return result.model_copy(update={"facts": [*result.facts, float(len(directory.issuers))]})
    if issuers is not None and not issuers:
        return _decline(q, line, f"{NOT_FOUND}：库中没有符合“{line[2:]}”的单位的年报。")
    if q.years and len(missing_years) == len(set(q.years)):
        whose = "、".join(shown) if issuers is not None and shown else ""
        return _decline(q, line, f"{NOT_FOUND}：库中没有{whose} {'、'.join(map(str, missing_years))} 年的年报。")
    if q.years and missing_years:
        q.years = [y for y in q.years if y not in missing_years]
    for s in q.subjects:
        if s.row not in ROW_BY_NAME or (s.column and s.column not in columns_of(ROW_BY_NAME[s.row])):
            return _decline(q, line, f"没有看懂要查的数字“{s.row} {s.column}”。")
        s.column = s.column or default_column(ROW_BY_NAME[s.row])
    route = q.route
    if route == "none":
        return _decline(
            q, line, "没有看懂这个问题要查哪项数字或哪部分内容，可以换个说法，例如“巨各庄镇2023年收到多少申请”。"
        )
    if route == "findings":
        result = _findings(q, store, issuers)
    elif route == "numbers":
        result = run_numbers(q, store, issuers, directory.key)
        if not result.found:
            result.answer = f"{NOT_FOUND}：这些报告里没有这项数字。"
    else:
        result = answer_text(q, store, index, issuers)
    facts = {*result.facts, *(float(y) for y in q.years), *(float(c.year) for c in result.citations if c.year)}
    facts |= {float(c.value) for c in result.citations if c.value is not None}
    facts |= {float(n) for c in result.citations if c.rule for n in re.findall(r"\d+(?:\.\d+)?", c.quote)}
    return result.model_copy(
        update={"answer": f"{line}\n{result.answer}", "understood": line, "query": q, "facts": sorted(facts)}
    )


def _resolve_years(q: Query, store: Store, issuers: list[str] | None, directory: Directory) -> None:
    """去年/最新: the latest year of the reports in scope; 比上年 (or a difference of one body): that year and
    the one before."""
    if q.relative_year and not q.years and not q.relative_year.startswith("“"):
        years = [r.year for r in store.reports() if r.year and (issuers is None or r.issuer in issuers)]
        if years:
            word = q.relative_year
            year = max(years) - (1 if word == "前年" else 0)
            q.years = [year]
            q.relative_year = f"“{word}”按库中{'最新年度减一' if word == '前年' else '最新年度'}"
    one_body = len({directory.key(i) for i in q.bodies}) <= 1 and not q.kinds and not q.regions
    if q.compare_previous or (q.operation in ("diff", "growth") and one_body):
        if not q.years:
            years = sorted({r.year for r in store.reports() if r.year and (issuers is None or r.issuer in issuers)})
            q.years = years[-2:]
        elif len(set(q.years)) == 1:
            q.years = [q.years[0] - 1, q.years[0]]
        if q.operation not in ("diff", "growth", "trend"):
            q.operation = "diff"


def _findings(q: Query, store: Store, issuers: list[str] | None) -> Answer:
    rules = tuple(r for kind in q.findings for r in FINDING_RULES[kind])
    found = store.findings(rules, years=q.years or None)
    if issuers is not None:
        found = [f for f in found if f["issuer"] in issuers]
    kinds = "、".join(q.findings)
    if not found:
        scope_note = "；信息处理费只查2021年起的新格式报告" if "TX-FEE" in rules else ""
        return Answer(
            answer=f"没有发现此类问题（{kinds}；检查规则：{'、'.join(rules)}{scope_note}）。",
            citations=[],
            route="findings",
        )
    by_report: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in found:
        by_report[str(f["report_id"])].append(f)
    lines = [f"{len(by_report)} 份报告有此类问题（{kinds}）："]
    citations = []
    for rid, items in by_report.items():
        first = items[0]
        lines.append(
            f"- {who(first['issuer'], first['year'])}：" + "；".join(f"【{f['rule']}】{f['message']}" for f in items)
        )
        for f in items:
            cells = f["cells"] if isinstance(f["cells"], list) else []
            path = str(cells[0]) if cells else None
            table, row, column = cell_labels(path) if path else (None, None, None)
            citations.append(
                Citation(
                    issuer=first["issuer"],
                    year=first["year"],
                    section=section_of(path) if path else "",
                    page=None,
                    quote=str(f["message"]),
                    path=path,
                    report_id=rid,
                    table=table,
                    row=row,
                    column=column,
                    rule=str(f["rule"]),
                )
            )
    return Answer(answer="\n".join(lines), citations=citations, route="findings", facts=[float(len(by_report))])


def text_hits(q: Query, store: Store, index: Index, issuers: list[str] | None) -> tuple[list[Hit], bool]:
    """The 3 best passages for a text query, and whether the query names its reports and section (then the
    section is the answer, whatever its similarity)."""
    report_ids = None
    if issuers is not None or q.years:
        report_ids = [
            r.report_id
            for r in store.reports()
            if (issuers is None or r.issuer in issuers) and (not q.years or r.year in q.years)
        ]
    sections = [q.section] if q.section else None
    topic = re.sub(r"(?:19|20)\d{2}\s*年?度?", " ", q.text or "")
    for name in sorted({f for i in (issuers or []) for f in _forms(i)}, key=len, reverse=True):
        topic = topic.replace(name, " ")  # the filters already say who and when
    topic = (topic.strip() or "政府信息公开工作") + (" " + ASPECT_WORDS[q.aspect] if q.aspect else "")
    hits = index.search(topic, 3, report_ids=report_ids, sections=sections)
    if sections and not hits:  # no report in scope has that section under its own heading: their whole text
        hits = index.search(topic, 3, report_ids=report_ids)
    return hits, q.section is not None and report_ids is not None and len(report_ids) <= 3


def answer_text(q: Query, store: Store, index: Index | None, issuers: list[str] | None) -> Answer:
    """The best passages of the right reports and section; declined when none is relevant enough."""
    if index is None:
        return Answer(answer=f"{NOT_FOUND}：全文索引不可用。", citations=[], route="text", found=False)
    hits, scoped = text_hits(q, store, index, issuers)
    if not hits or not (scoped or relevant(hits, index.embedder.name)):
        where = "、".join(core(i) for i in (issuers or [])[:5]) or "全部报告"
        return Answer(
            answer=f"{NOT_FOUND}与这个问题相关的内容（已检索：{where}的正文）。",
            citations=[],
            route="text",
            found=False,
        )
    lines = ["以下是报告原文中最相关的段落："]
    if q.section and all(hit.section != q.section for hit in hits):
        name = SECTION_NAMES.get(q.section, q.section)
        lines[0] = f"报告中没有找到“{q.section}、{name}”这一部分，以下是全文中最相关的段落："
    citations = []
    numbers: set[float] = set()
    for n, hit in enumerate(hits, 1):
        body = hit.text.split("】", 1)[-1]
        where = f"{who(hit.issuer, hit.year)} {hit.section}、{SECTION_NAMES.get(hit.section, hit.section)}"
        lines.append(f"[{n}] {where}{f'（第{hit.page}页）' if hit.page else ''}：{body}")
        numbers |= {float(x) for x in re.findall(r"\d+(?:\.\d+)?", body)}
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
    return Answer(answer="\n".join(lines), citations=citations, route="text", facts=sorted(numbers))


def _forms(issuer: str) -> set[str]:
    return spoken_forms(issuer) | {issuer}
