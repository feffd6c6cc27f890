"""The LLM reader: what the template reader could not read, and the prose, with every value checked.

It starts from the template record and never overwrites a value the template read with confidence.

1. Cells: the cells the template left unread (null with no evidence, AMBIGUOUS, or in a row it could not
   read; a printed blank such as ``/`` is read, not unread) are asked for table by table, sending only that
   table's section. A value is accepted only if its quote occurs in that text and contains the number, and,
   for run-together digits, if it is one of the template's readings. The identities then run; one that
   fails and involves a value the model gave is sent back naming it exactly, at most ``max_rounds`` times;
   what still breaks an identity is not accepted (the cells stay null, the finding says why).
2. Prose: one call per report for meta.issuer, meta.year, the narrative numbers and section 五's problems
   and improvements, filling only what the template left empty.
3. The identities and prose checks run again on the result; a report's own arithmetic errors stay findings.

If the endpoint fails (timeout, unreachable, invalid JSON after the retries, token budget), the template
record is kept, marked ``needs_review``, with an ``LLM`` finding giving the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.checks.identities import check_t3, check_t4, confirmed_by_identity
from service.checks.prose import check_prose
from service.errors import LLMError
from service.extract.answers import CellAnswer, ProseAnswer, TableAnswer
from service.extract.narrative import mentions_fee, read_prose
from service.extract.quotes import Source, blank_mark, has_number
from service.extract.reader import UNSURE_RULES
from service.extract.reader import unread_cells as template_unread
from service.extract.rowcheck import Place, check, places
from service.ingest.document import Document, normalize
from service.llm import LLM, Tally
from service.locate.regions import table_regions
from service.locate.sections import SECTION_NAMES, Section, find_sections
from service.prompts import load_prompt
from service.schema.fields import AMOUNT_CELLS, SIGNED_CELLS, label_of
from service.schema.record import Evidence, Finding, Record, Value

TABLE_SECTION = {"active_disclosure": "二", "applications": "三", "reviews": "四"}
TABLE_NAMES = {"active_disclosure": "表二", "applications": "表三", "reviews": "表四"}
IDENTITY_RULES = frozenset({"T3-ROW", "T3-SUM", "T3-BAL", "T4-SUM"})
# a table cell and the number of the prose (read by the template) that states the same figure
PROSE_OF = {
    "active_disclosure.normative_documents.issued": "normative_issued",
    "active_disclosure.normative_documents.repealed": "normative_repealed",
    "active_disclosure.normative_documents.in_force": "normative_in_force",
    "applications.new_received.total": "applications_received",
    "applications.carried_over.total": "applications_carried_in",
    "applications.results_total.total": "applications_done",
    "applications.carried_forward.total": "applications_carried_out",
    "reviews.administrative_review.total": "reviews",
}
ORDER = ("一", "二", "三", "四", "五", "六")
MAX_SECTION_CHARS = 6000
CONFIRM_READS = 3  # a second reading, and up to two more for a cell whose answer the row check refused
PROSE_PARTS = (("一", 2400), ("五", 1500), ("六", 600))
HEAD_CHARS = 300


def unread_cells(record: Record) -> list[str]:
    """Table cells the template could not read: null without a printed blank, or named by an AMBIGUOUS/SHAPE finding."""
    values = record.values()
    flagged = {c for f in record.findings if f.rule in ("AMBIGUOUS", "SHAPE") for c in f.cells}
    unread = set(template_unread(values, record.evidence))
    table = [p for p, v in values.items() if v is None and not p.startswith("narrative.")]
    return [p for p in table if p in unread or p in flagged]


def ambiguous_readings(record: Record) -> dict[str, list[Value]]:
    """The readings an AMBIGUOUS finding gives for each of its cells."""
    return {path: list(options) for f in record.findings if f.candidates for path, options in f.candidates.items()}


def section_span(text: str, sections: dict[str, Section], key: str) -> tuple[int, int]:
    """The body of section ``key``; when its heading is missing, the section whose body holds its place."""
    if key in sections:
        span = sections[key].body_start, sections[key].end
    else:
        before = [sections[k] for k in ORDER[: ORDER.index(key)] if k in sections]
        after = [sections[k] for k in ORDER[ORDER.index(key) + 1 :] if k in sections]
        if before:
            span = before[-1].body_start, before[-1].end
        else:
            span = 0, after[0].start if after else len(text)
    return span[0], min(span[1], span[0] + MAX_SECTION_CHARS)


def _kind(path: str) -> str:
    cell = path.rsplit(".", 1)[1]
    return "amount" if cell in AMOUNT_CELLS else "signed" if cell in SIGNED_CELLS else "count"


def _show(value: Value) -> str:
    return "空" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class _Read:
    """An accepted value from the model; ``choices``: how many values its row could give that cell."""

    value: Value
    evidence: Evidence
    choices: int = 1


@dataclass
class _Session:
    doc: Document
    record: Record
    llm: LLM
    tally: Tally
    max_rounds: int
    sections: dict[str, Section] = field(default_factory=dict)
    base: dict[str, Value] = field(default_factory=dict)
    readings: dict[str, list[Value]] = field(default_factory=dict)
    filled: dict[str, _Read] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # meta and narrative filled from the prose
    places: dict[str, tuple[Place, int]] = field(default_factory=dict)  # where each table cell is printed
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)  # the tables' text
    stated: dict[str, Value] = field(default_factory=dict)  # numbers of the prose (template's reading)

    def values(self) -> dict[str, Value]:
        return {**self.base, **{p: r.value for p, r in self.filled.items()}}

    def read_cells(self, paths: list[str]) -> None:
        for table in TABLE_SECTION:
            wanted = [p for p in paths if p.startswith(table + ".")]
            if wanted:
                self._ask_table(table, wanted, "extract_cells", "llm", {})
        self._settle()
        self._confirm()

    def _confirm(self) -> None:
        """Mark how each value read by the model is confirmed; ask once more for those nothing confirms.

        An identity that holds with every term read, or a number the prose states, confirms a value. Any other
        (table 二, an identity with a blank term) is asked for a second time with the cells in the reverse order;
        the same answer confirms it, another refuses it.
        """
        values = self.values()
        single = any(p.startswith("applications.other_handling.") for p in values)
        pending: dict[str, Value] = {}
        for path, read in self.filled.items():
            if confirmed_by_identity(values, path, single):
                read.evidence.confirmed = "identity"
            elif PROSE_OF.get(path) in self.stated and self.stated[PROSE_OF[path]] == read.value:
                read.evidence.confirmed = "prose"
            else:
                pending[path] = read.value
        if not pending:
            return
        first = {p: self.filled.pop(p) for p in pending}
        order = list(reversed(first))
        for _ in range(CONFIRM_READS):
            for table in TABLE_SECTION:
                wanted = [p for p in order if p.startswith(table + ".")]
                if wanted:
                    self._ask_table(table, wanted, "extract_cells", "llm", {})
            # an answer the row check refused says nothing about the cell: it is asked again, in yet another order
            order = [p for p in order if p not in self.filled and p in self.rejected]
            order = order[1:] + order[:1]
            if not order:
                break
        for path, read in first.items():
            again = self.filled.get(path)
            if again is not None and again.value == read.value:
                read.evidence.confirmed = "second-read"
                self.filled[path] = read
                self.rejected.pop(path, None)
            else:
                self.filled.pop(path, None)
                seen = "空" if again is None else _show(again.value)
                why = f"两次读取不一致（第二次为 {seen}），无从确认"
                self.rejected[path] = f"{label_of(path)} = {_show(read.value)}：{why}"

    def _ask_table(self, table: str, paths: list[str], prompt_id: str, method: str, more: dict[str, str]) -> None:
        key = TABLE_SECTION[table]
        start, end = self.regions.get(key) or section_span(self.doc.text, self.sections, key)
        end = min(end, start + MAX_SECTION_CHARS)
        lines = []
        for path in paths:
            line = f"- {path} | {label_of(path)}"
            if path in self.filled:
                line += f" | {_show(self.filled[path].value)}"
            if path in self.readings:
                line += f" | 候选 {'/'.join(_show(v) for v in self.readings[path])}"
            lines.append(line)
        hint = " | 候选读法" if any(p in self.readings for p in paths) else ""
        prompt = load_prompt(prompt_id)
        variables = {
            "section_name": f"{key}、{SECTION_NAMES[key]}",
            "section": self.doc.text[start:end],
            "cells": "\n".join(lines),
            "hint_note": hint,
            **more,
        }
        answer = self.llm.ask(prompt, variables, TableAnswer, tally=self.tally)
        source = Source(self.doc.text, [(start, end)])
        answered = set()
        for cell in answer.cells:
            if cell.path not in paths or cell.path in answered:
                continue
            answered.add(cell.path)
            self.filled.pop(cell.path, None)
            reason = self._accept(cell, source, method, prompt.ref)
            if reason:
                self.rejected[cell.path] = f"{label_of(cell.path)} = {_show(cell.value)}：{reason}"
            else:
                self.rejected.pop(cell.path, None)

    def _accept(self, cell: CellAnswer, source: Source, method: str, prompt_ref: str) -> str:
        """Store the value when its evidence holds; else the reason it is not accepted ("" also for no answer)."""
        value: Value = cell.value
        if value is None and not cell.quote.strip():
            return ""  # the model did not find it either: the cell stays as the template left it
        span = source.find(cell.quote)
        if span is None:
            return "引文不在原文中" if cell.quote.strip() else "没有引文"
        if value is not None:
            if _kind(cell.path) != "amount" and not float(value).is_integer():
                return "不是整数"
            if _kind(cell.path) != "signed" and value < 0:
                return "是负数"
            value = int(value) if _kind(cell.path) != "amount" else value
        place = self.places.get(cell.path)
        if place is None:
            return "不是表格中的单元格"
        reason, choices = check(self.doc, place[0], place[1], value, span)
        if reason:
            return reason
        options = self.readings.get(cell.path)
        if options is not None and value not in options:  # the template's readings, narrowed by the prose
            return f"不是连写数字的可能读法之一（{'/'.join(_show(v) for v in options)}）"
        raw = (blank_mark(cell.quote) or "") if value is None else None  # a blank at its position in the row
        self.filled[cell.path] = _Read(value, self._evidence(span, raw, method, prompt_ref), choices)
        return ""

    def _evidence(self, span: tuple[int, int], raw: str | None, method: str, prompt_ref: str) -> Evidence:
        start, end = span
        return Evidence(
            page=self.doc.page_of(start),
            quote=" ".join(self.doc.raw_span(start, end).split())[:240],
            start=start,
            end=end,
            raw=raw,
            method=method,
            prompt=prompt_ref,
            model=self.llm.model,
        )

    def _failing(self) -> list[Finding]:
        """Failing identities holding a value the model chose among several readings of its row."""
        values = self.values()
        single = any(p.startswith("applications.other_handling.") for p in values)
        chosen = {p for p, read in self.filled.items() if read.choices > 1}
        return [f for f in check_t3(values, single) + check_t4(values) if set(f.cells) & chosen]

    def _settle(self) -> None:
        """Re-ask while an identity fails on a value the model chose among several readings of its row; then drop
        the chosen values that still break one. A value that is the only reading of its row is what the report
        prints: an identity it breaks is the report's own error (a finding), not a misreading."""
        for _ in range(self.max_rounds):
            failing = self._failing()
            if not failing:
                return
            for table in ("applications", "reviews"):
                mine = [f for f in failing if f.cells and f.cells[0].startswith(table + ".")]
                paths = [p for p in self.base if p in self.filled and any(p in f.cells for f in mine)]
                if paths:
                    lines = [self._failure_line(f) for f in mine]
                    self._ask_table(table, paths, "repair_cells", "llm-repair", {"failures": "\n".join(lines)})
        for finding in self._failing():
            for path in finding.cells:
                if path in self.filled:
                    why = f"经 {self.max_rounds} 轮复核仍与勾稽关系不符（{finding.message}）"
                    self.rejected[path] = f"{label_of(path)} = {_show(self.filled[path].value)}：{why}"
                    del self.filled[path]

    def _failure_line(self, finding: Finding) -> str:
        mine = [f"{label_of(p)} = {_show(self.filled[p].value)}" for p in finding.cells if p in self.filled]
        return f"- {finding.rule} {finding.message}（你读取：{'；'.join(mine)}）"

    def read_prose(self) -> None:
        text = self.doc.text
        spans: list[tuple[int, int]] = []
        first = min((s.start for s in self.sections.values()), default=len(text))
        spans.append((0, min(first, HEAD_CHARS) if self.sections else min(len(text), 4000)))
        for key, cap in PROSE_PARTS:
            if key in self.sections:
                s = self.sections[key]
                spans.append((s.start, min(s.end, s.start + cap)))
        excerpt = "\n……\n".join(text[a:b].strip() for a, b in spans if b > a)
        prompt = load_prompt("extract_prose")
        answer = self.llm.ask(prompt, {"excerpt": excerpt}, ProseAnswer, tally=self.tally)
        source = Source(text, spans)
        self._prose_values(answer, source, prompt.ref)
        if "五" in self.sections:
            five = self.sections["五"]
            for key in ("problems", "improvements"):
                items = [" ".join(i.split())[:60] for i in getattr(answer, key) if i.strip()][:8]
                if items:
                    self.extra[f"narrative.{key}"] = items
                    ev = self._evidence((five.start, min(five.end, five.start + 60)), None, "llm", prompt.ref)
                    self.extra[f"evidence:narrative.{key}"] = ev

    def _prose_values(self, answer: ProseAnswer, source: Source, prompt_ref: str) -> None:
        meta = self.record.meta
        issuer = answer.issuer
        span = source.find(issuer.quote)
        named = bool(issuer.value) and _squeezed(issuer.value or "") in _squeezed(issuer.quote)
        if meta.issuer is None and issuer.value and span and named:
            self.extra["meta.issuer"] = issuer.value.strip()
            self.extra["evidence:meta.issuer"] = self._evidence(span, None, "llm", prompt_ref)
        numbers = {"meta.year": answer.year} if meta.year is None else {}
        for key in ("proactive_items", "applications_received", "fee_collected_yuan"):
            if self.base.get(f"narrative.{key}") is None:
                numbers[f"narrative.{key}"] = getattr(answer, key)
        for path, quoted in numbers.items():
            value = quoted.value
            span = source.find(quoted.quote)
            if value is None or span is None or value < 0:
                continue
            if path != "narrative.fee_collected_yuan":
                if not float(value).is_integer():
                    continue
                value = int(value)
            if path == "meta.year" and not 1990 <= value <= 2100:
                continue
            if has_number(quoted.quote, value, zero_words=path == "narrative.fee_collected_yuan"):
                self.extra[path] = value
                self.extra[f"evidence:{path}"] = self._evidence(span, None, "llm", prompt_ref)


def _squeezed(text: str) -> str:
    return "".join(normalize(text)[0].split())


def read_with_llm(doc: Document, record: Record, *, llm: LLM, max_rounds: int, budget: int) -> Record:
    """The template record completed by the model; on an endpoint failure, the template record marked needs_review."""
    if record.status == "failed":
        return record
    tally = Tally(budget=budget, label=record.source.file)
    sections = find_sections(doc.text)
    session = _Session(doc, record, llm, tally, max_rounds, sections=sections, base=record.values())
    session.readings = ambiguous_readings(record)
    session.places = places(doc)
    session.regions = table_regions(doc.text, sections)
    session.stated = {k: s.value for k, s in read_prose(doc, sections).items()}
    try:
        session.read_cells(unread_cells(record))
        session.read_prose()
    except LLMError as exc:
        return with_llm_failure(record, str(exc), llm, tally)
    return _merge(session, llm.model)


def _usage(tally: Tally, model: str, error: str | None = None) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "model": model,
        "calls": tally.calls,
        "cached": tally.cached,
        "tokens_in": tally.tokens_in,
        "tokens_out": tally.tokens_out,
    }
    if error:
        usage["error"] = error
    return usage


def with_llm_failure(record: Record, reason: str, llm: LLM, tally: Tally | None = None) -> Record:
    """The template record, marked needs_review, with an LLM finding giving the one-line reason."""
    data = record.to_json_dict()
    data["status"] = "needs_review"
    data["meta"]["llm"] = _usage(tally or Tally(budget=0), llm.model, reason)
    finding = Finding(rule="LLM", severity="warning", message=f"LLM 读取失败，保留模板读取结果：{reason}")
    data["findings"].append(finding.model_dump(mode="json"))
    return Record.model_validate(data)


def _merge(session: _Session, model: str) -> Record:
    record = session.record
    data = record.to_json_dict()
    values = session.values()
    for path, read in session.filled.items():
        table, row, cell = path.split(".")
        data[table].setdefault(row, {})[cell] = read.value
        data["evidence"][path] = read.evidence
    for key, value in session.extra.items():
        if key.startswith("evidence:"):
            data["evidence"][key.split(":", 1)[1]] = value
        else:
            part, name = key.split(".", 1)
            data[part][name] = value
            if part == "narrative" and isinstance(value, int | float):
                values[key] = value
    data["evidence"] = {k: v.model_dump() if isinstance(v, Evidence) else v for k, v in data["evidence"].items()}
    findings = _findings(session, values)
    data["findings"] = [f.model_dump(mode="json") for f in findings]
    data["status"] = "needs_review" if _unsure(findings, values, data["evidence"]) else "ok"
    data["meta"]["llm"] = _usage(session.tally, model)
    return Record.model_validate(data)


def _findings(session: _Session, values: dict[str, Value]) -> list[Finding]:
    """Template findings about what is now read are dropped; identities and prose checks run on the new values."""
    filled = set(session.filled)
    kept: list[Finding] = []
    shape: list[Finding] = []
    for finding in session.record.findings:
        if finding.rule in IDENTITY_RULES or finding.rule.startswith("TX-"):
            continue
        if finding.rule == "AMBIGUOUS":
            left = [c for c in finding.cells if c not in filled]
            if left:
                kept.append(finding.model_copy(update={"cells": left}))
            continue
        if finding.rule == "SHAPE":
            if finding.cells and set(finding.cells) <= filled:
                continue  # the model read what the template could not
            shape.append(finding)
            continue
        kept.append(finding)
    stated = {k: s.value for k, s in read_prose(session.doc, session.sections).items()}
    if stated.get("applications_received") is None and values.get("narrative.applications_received") is not None:
        stated["applications_received"] = values["narrative.applications_received"]  # type: ignore[assignment]
    single = any(p.startswith("applications.other_handling.") for p in values)
    kept += check_t3(values, single) + check_t4(values)
    fmt = session.record.meta.format_version
    kept += check_prose(values, stated, fee_mentioned=mentions_fee(session.doc, session.sections), format_version=fmt)
    kept += shape
    for path, reason in sorted(session.rejected.items(), key=lambda item: list(values).index(item[0])):
        kept.append(Finding(rule="LLM", severity="warning", message=f"未采用模型读数：{reason}", cells=[path]))
    return kept


def _unsure(findings: list[Finding], values: dict[str, Value], evidence: dict[str, Any]) -> bool:
    """The template's rule for needs_review: an unsure finding, or a cell with neither a value nor a printed blank."""
    if any(f.rule in UNSURE_RULES for f in findings):
        return True
    table = {p: v for p, v in values.items() if not p.startswith("narrative.")}
    read = {p: Evidence.model_validate(e) if isinstance(e, dict) else e for p, e in evidence.items()}
    unconfirmed = [p for p in table if read.get(p) and read[p].method.startswith("llm") and not read[p].confirmed]
    return bool(template_unread(table, read)) or bool(unconfirmed)
