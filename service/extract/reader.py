"""The template reader: a Document becomes a checked record, with evidence on every value."""

from __future__ import annotations

from service.checks.identities import check_t3, check_t4
from service.checks.prose import check_prose
from service.extract.cells import Cell
from service.extract.narrative import mentions_fee, read_meta, read_prose
from service.extract.tables import TableRead, read_t2, read_t3, read_t4
from service.ingest.document import Document
from service.locate.rows import t2_format
from service.locate.sections import find_sections
from service.locate.tokens import detect_layout
from service.schema.fields import OTHER_SUBROWS, all_cell_paths, label_of
from service.schema.record import Evidence, Finding, Meta, Record, Source, Value, nest

READER_VERSION = "template-1"
NOT_A_REPORT = "not a government information disclosure annual report (no sections or tables of the format found)"


def failed_record(source: Source, reason: str) -> Record:
    """A record for a file that could not be read at all."""
    return Record(source=source, status="failed", error=reason)


def read_record(doc: Document, source: Source) -> Record:
    """Read tables, meta and narrative of a report, run the checks, and set the status."""
    text = doc.text
    sections = find_sections(text)
    meta = read_meta(doc, sections)
    stated = read_prose(doc, sections)
    said = {key: s.value for key, s in stated.items()}

    t2_span = (sections["二"].body_start, sections["二"].end) if "二" in sections else (0, 0)
    t3_span = (sections["三"].body_start, sections["三"].end) if "三" in sections else (0, len(text))
    t4_span = (sections["四"].body_start, sections["四"].end) if "四" in sections else (0, 0)
    fmt = t2_format(text, *t2_span)
    hints2 = {
        f"active_disclosure.normative_documents.{cell}": int(said[key])
        for cell, key in (
            ("issued", "normative_issued"),
            ("repealed", "normative_repealed"),
            ("in_force", "normative_in_force"),
        )
        if key in said
    }
    hints = {k: int(v) for k, v in said.items()}
    t2 = read_t2(text, *t2_span, detect_layout(text[slice(*t2_span)]), fmt, hints2)
    t3 = read_t3(text, *t3_span, detect_layout(text[slice(*t3_span)]), hints)
    t4 = read_t4(text, *t4_span, detect_layout(text[slice(*t4_span)]), hints)
    if fmt is None and t3.found:
        fmt = "2021" if not t3.single_other_row else None
    if not (t2.found or t3.found or t4.found) and len(sections) < 3:
        return failed_record(source, NOT_A_REPORT)

    values: dict[str, Value] = dict.fromkeys(all_cell_paths(fmt, t3.single_other_row))
    evidence: dict[str, Evidence] = {}
    findings: list[Finding] = []
    for table in (t2, t3, t4):
        _collect(doc, table, values, evidence, findings)
    for key in ("proactive_items", "applications_received", "fee_collected_yuan"):
        if key in stated:
            s = stated[key]
            values[f"narrative.{key}"] = s.value
            evidence[f"narrative.{key}"] = Evidence(
                page=doc.page_of(s.start),
                quote=doc.line_around(s.start, s.end, 120),
                start=s.start,
                end=s.end,
                raw=doc.raw_span(s.start, s.end),
                method="template",
            )
    findings += check_t3(values, t3.single_other_row)
    findings += check_t4(values)
    findings += check_prose(values, said, fee_mentioned=mentions_fee(doc, sections))
    findings += _shape(t2, t3, t4, fmt)
    unsure = bool(t2.ambiguous or t3.ambiguous or t4.ambiguous or t2.problems or t3.problems or t4.problems)
    unsure = unsure or not t3.found or not t4.found
    record = Record(
        source=source,
        status="needs_review" if unsure else "ok",
        meta=Meta(issuer=meta.issuer, year=meta.year, format_version=fmt, title=meta.title),
        findings=findings,
        evidence=evidence,
        **nest(values),
    )
    return record


def _collect(
    doc: Document, table: TableRead, values: dict[str, Value], evidence: dict[str, Evidence], findings: list[Finding]
) -> None:
    for path, cell in table.cells.items():
        values[path] = cell.value
        evidence[path] = _evidence(doc, table, path, cell)
        if cell.problem:
            findings.append(
                Finding(
                    rule="NN",
                    severity="error",
                    message=f"{label_of(path)}：{cell.raw!r} {_problem(cell)}",
                    cells=[path],
                )
            )
    by_row: dict[str, list[str]] = {}
    for path in table.ambiguous:
        values[path] = None
        by_row.setdefault(path.rsplit(".", 1)[0], []).append(path)
    for paths in by_row.values():
        options = "；".join(f"{label_of(p)} 可能为 {'/'.join(str(v) for v in table.ambiguous[p])}" for p in paths)
        findings.append(
            Finding(rule="AMBIGUOUS", severity="warning", message=f"数字连写，有多种读法：{options}", cells=paths)
        )
        start, end = table.quotes[paths[0]]
        for path in paths:
            evidence[path] = Evidence(
                page=doc.page_of(start),
                quote=doc.line_around(start, end, 200),
                start=start,
                end=end,
                raw=None,
                method="template",
            )


def _problem(cell: Cell) -> str:
    return {"negative count": "为负数", "not an integer": "不是整数"}.get(cell.problem, cell.problem)


def _evidence(doc: Document, table: TableRead, path: str, cell: Cell) -> Evidence:
    start, end = table.quotes.get(path, (cell.start, cell.end))
    quote = " ".join(doc.raw_span(start, end).split())
    if len(quote) > 240:
        quote = doc.line_around(cell.start, cell.end, 160)
    return Evidence(
        page=doc.page_of(cell.start),
        quote=quote,
        start=cell.start,
        end=cell.end,
        raw=doc.raw_span(cell.start, cell.end) if cell.end > cell.start else cell.raw,
        method="template",
    )


def _shape(t2: TableRead, t3: TableRead, t4: TableRead, fmt: str | None) -> list[Finding]:
    findings = []
    for table, name in (
        (t2, "表二（主动公开政府信息情况）"),
        (t3, "表三（收到和处理政府信息公开申请情况）"),
        (t4, "表四（行政复议、行政诉讼情况）"),
    ):
        if not table.found:
            findings.append(Finding(rule="SHAPE", severity="warning", message=f"未找到{name}"))
    if t3.found and t3.single_other_row and fmt != "2019":
        cells = [
            f"applications.{row}.{col}"
            for row in OTHER_SUBROWS
            for col in (
                "natural_person",
                "commercial_enterprise",
                "research_institution",
                "public_interest_org",
                "legal_service_org",
                "other_org",
                "total",
            )
        ]
        findings.append(
            Finding(
                rule="SHAPE",
                severity="warning",
                cells=cells,
                message="表三（六）其他处理 只有一行，缺少 1.逾期不补正 2.逾期未缴费 3.其他 三个子项",
            )
        )
    for problem in (*t2.problems, *t3.problems, *t4.problems):
        findings.append(Finding(rule="SHAPE", severity="warning", message=problem))
    return findings
