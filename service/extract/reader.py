"""The template reader: a Document becomes a checked record, with evidence on every value.

format → table rows (``locate.rows``) → aligned official rows (``locate.align``) → readings
(``extract.readings``, chosen by the identities in ``extract.tables``) → record → checks.
"""

from __future__ import annotations

from service.checks.identities import check_t3, check_t4
from service.checks.prose import check_prose
from service.extract.cells import Cell
from service.extract.meta import read_meta
from service.extract.narrative import mentions_fee, read_prose
from service.extract.tables import TableRead, read_t2, read_t3, read_t4
from service.ingest.document import Document
from service.locate.regions import t2_format, table_regions
from service.locate.sections import find_sections
from service.schema.fields import (
    COLUMN_KEYS,
    OTHER_SUBROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    T2_ROWS_2019,
    T2_ROWS_2021,
    all_cell_paths,
    label_of,
)
from service.schema.record import Evidence, Finding, Meta, Record, Source, Value, nest

READER_VERSION = "template-3"
NOT_A_REPORT = "not a government information disclosure annual report (no sections or tables of the format found)"
BLANK_RAW = frozenset({"", "/", "—", "–", "-", "－", "无", "空", "不适用", "\\"})
TABLE_NAMES = {
    "active_disclosure": "表二（主动公开政府信息情况）",
    "applications": "表三（收到和处理政府信息公开申请情况）",
    "reviews": "表四（行政复议、行政诉讼情况）",
}
UNSURE_RULES = frozenset({"AMBIGUOUS", "SHAPE", "LLM"})


def failed_record(source: Source, reason: str) -> Record:
    """A record for a file that could not be read at all."""
    return Record(source=source, status="failed", error=reason)


def read_record(doc: Document, source: Source) -> Record:
    """Read tables, meta and narrative of a report, run the checks, and set the status."""
    text = doc.text
    sections = find_sections(text)
    regions = table_regions(text, sections)
    meta = read_meta(doc, sections)
    stated = read_prose(doc, sections)
    said = {key: s.value for key, s in stated.items()}
    fmt = t2_format(text, *regions["二"]) if "二" in regions else None
    hints2 = {
        f"active_disclosure.normative_documents.{cell}": int(said[key])
        for cell, key in (("issued", "normative_issued"), ("repealed", "normative_repealed"))
        if key in said
    }
    if "normative_in_force" in said:
        hints2["active_disclosure.normative_documents.in_force"] = int(said["normative_in_force"])
    hints = {k: int(v) for k, v in said.items()}
    empty = TableRead()
    t2 = read_t2(text, *regions["二"], fmt, hints2) if "二" in regions else empty
    t3 = read_t3(text, *regions["三"], hints) if "三" in regions else TableRead()
    t4 = read_t4(text, *regions["四"], hints) if "四" in regions else TableRead()
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
    identities = check_t3(values, t3.single_other_row) + check_t4(values)
    findings += identities
    findings += check_prose(values, said, fee_mentioned=mentions_fee(doc, sections), format_version=fmt)
    findings += _shape(t2, t3, t4, fmt, identities)
    unsure = any(f.rule in UNSURE_RULES for f in findings) or bool(unread_cells(values, evidence))
    return Record(
        source=source,
        status="needs_review" if unsure else "ok",
        meta=Meta(issuer=meta.issuer, year=meta.year, format_version=fmt, title=meta.title),
        findings=findings,
        evidence={**evidence, **meta.evidence},
        **nest(values),
    )


def unread_cells(values: dict[str, Value], evidence: dict[str, Evidence]) -> list[str]:
    """Table cells without a value and without a printed blank (a cell the reader could not read)."""
    out = []
    for path, value in values.items():
        if value is not None or path.startswith("narrative."):
            continue
        ev = evidence.get(path)
        if ev is None or ev.raw is None or ev.raw.strip() not in BLANK_RAW:
            out.append(path)
    return out


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
        options = "；".join(f"{label_of(p)} 可能为 {'/'.join(_show(v) for v in table.ambiguous[p])}" for p in paths)
        findings.append(
            Finding(
                rule="AMBIGUOUS",
                severity="warning",
                message=f"数字连写，有多种读法：{options}",
                cells=paths,
                candidates={p: table.ambiguous[p] for p in paths},
            )
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


def _show(value: Value) -> str:
    return "空" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


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


def row_cells(table: str, key: str) -> list[str]:
    """The cell paths of one row of a table (``reviews`` stands for all of table 四)."""
    if table == "applications":
        return [f"applications.{key}.{c}" for c in COLUMN_KEYS]
    if table == "reviews":
        return [f"reviews.{g}.{c}" for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS]
    row = next(r for r in (*T2_ROWS_2021, *T2_ROWS_2019) if r.key == key)
    return [f"active_disclosure.{key}.{c}" for c, _ in row.cells]


def _row_label(table: str, key: str) -> str:
    if table == "applications":
        return label_of(f"applications.{key}.total").split(" / ")[0]
    if table == "reviews":
        return "表四"
    return next(r.label for r in (*T2_ROWS_2021, *T2_ROWS_2019) if r.key == key)


def _shape(t2: TableRead, t3: TableRead, t4: TableRead, fmt: str | None, identities: list[Finding]) -> list[Finding]:
    findings = []
    tables = (("active_disclosure", t2, "表二"), ("applications", t3, "表三"), ("reviews", t4, "表四"))
    for table, read, short in tables:
        if not read.found:
            cells = [p for p in all_cell_paths(fmt, t3.single_other_row) if p.startswith(table + ".")]
            findings.append(
                Finding(rule="SHAPE", severity="warning", message=f"未找到{TABLE_NAMES[table]}", cells=cells)
            )
            continue
        for key in read.unread:
            name = _row_label(table, key)
            findings.append(
                Finding(
                    rule="SHAPE",
                    severity="warning",
                    message=f"{short} {name} 未能读取（未找到这一行，或行内数字与表格列数对不上）",
                    cells=row_cells(table, key),
                )
            )
        broken = {c for f in identities for c in f.cells}
        for key in read.by_order:
            cells = row_cells(table, key)
            if broken & set(cells):
                findings.append(
                    Finding(
                        rule="SHAPE",
                        severity="warning",
                        message=(
                            f"{short} {_row_label(table, key)}：数字与行名不在同一行，按顺序对应；"
                            "勾稽关系不成立，可能是对应错位，需人工核对"
                        ),
                        cells=cells,
                    )
                )
    if t3.found and t3.single_other_row and fmt != "2019":
        cells = [f"applications.{row}.{col}" for row in OTHER_SUBROWS for col in COLUMN_KEYS]
        findings.append(
            Finding(
                rule="SHAPE",
                severity="warning",
                cells=cells,
                message="表三（六）其他处理 只有一行，缺少 1.逾期不补正 2.逾期未缴费 3.其他 三个子项",
            )
        )
    return findings
