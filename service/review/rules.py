"""The cross-report rules: one body's consecutive years (Y-CARRY, Y-NORM, Y-COPY) and peers of one year (Y-COPY).

Each rule compares the report of year N with the same body's report of year N-1 and returns findings about
the report of year N (data, never exceptions). A rule with a null term is not assessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pydantic import BaseModel

from service.locate.sections import SECTION_NAMES
from service.review.similarity import Profile, copied
from service.schema.fields import COLUMN_LABELS
from service.schema.record import Finding, Value

COPY_SECTIONS = ("一", "五")  # 六 is left out: its 信息处理费 statement is boilerplate by design
TABLES = (("二", "active_disclosure"), ("三", "applications"), ("四", "reviews"))
STOCK_ROWS = (("rules", "规章"), ("normative_documents", "行政规范性文件"))
MIN_NONZERO = 5  # identical all-zero tables of small bodies are no sign of copying


@dataclass
class Report:
    """One stored report as the review sees it."""

    report_id: str
    issuer: str
    body: str
    year: int
    values: dict[str, Value]
    texts: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)

    @cached_property
    def tables(self) -> dict[str, dict[str, Value]]:
        """The cells of tables 二, 三 and 四, by table."""
        out: dict[str, dict[str, Value]] = {name: {} for name, _ in TABLES}
        heads = {head: name for name, head in TABLES}
        for path, value in self.values.items():
            name = heads.get(path.split(".", 1)[0])
            if name is not None:
                out[name][path] = value
        return out

    @property
    def who(self) -> str:
        """The report named in messages: issuer and year."""
        return f"{self.issuer} {self.year}年报告"


class CrossFinding(BaseModel):
    """A finding about one report that names the other report it was compared with."""

    report_id: str
    issuer: str
    body: str
    year: int
    other_report_id: str
    other_issuer: str
    other_year: int
    subject: str  # the column (Y-CARRY), row (Y-NORM), section 一/五, "tables" or "五-peer" (Y-COPY)
    finding: Finding
    ratio: float | None = None
    section: str | None = None
    text: str | None = None
    other_text: str | None = None


def _finding(cur: Report, prev: Report, subject: str, finding: Finding, **extra: object) -> CrossFinding:
    return CrossFinding(
        report_id=cur.report_id,
        issuer=cur.issuer,
        body=cur.body,
        year=cur.year,
        other_report_id=prev.report_id,
        other_issuer=prev.issuer,
        other_year=prev.year,
        subject=subject,
        finding=finding,
        **extra,
    )


def check_carry(cur: Report, prev: Report) -> list[CrossFinding]:
    """Y-CARRY per column: 二 上年结转 (N) = 四 结转下年度继续办理 (N-1)."""
    out = []
    for col, label in COLUMN_LABELS.items():
        now = cur.values.get(f"applications.carried_over.{col}")
        before = prev.values.get(f"applications.carried_forward.{col}")
        if now is None or before is None or now == before:
            continue
        message = (
            f"表三 {label}列：上年结转 {now:g} ≠ {prev.who}的结转下年度继续办理 {before:g}（差 {now - before:+g}）"
        )
        cells = [f"applications.carried_over.{col}"]
        finding = Finding(rule="Y-CARRY", severity="warning", message=message, cells=cells, expected=before, actual=now)
        out.append(_finding(cur, prev, col, finding))
    return out


def check_stock(cur: Report, prev: Report) -> list[CrossFinding]:
    """Y-NORM for 规章 and 行政规范性文件: 现行有效 (N) = 现行有效 (N-1) + 本年制发 (N) − 本年废止 (N)."""
    out = []
    for row, label in STOCK_ROWS:
        paths = [f"active_disclosure.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        now, issued, repealed = (cur.values.get(p) for p in paths)
        before = prev.values.get(paths[0])
        if now is None or issued is None or repealed is None or before is None:
            continue
        expected = before + issued - repealed
        if now == expected:
            continue
        message = (
            f"表二 {label}：现行有效件数 {now:g} ≠ {prev.who}的现行有效件数 {before:g} + 本年制发 {issued:g} − "
            f"本年废止 {repealed:g} = {expected:g}（差 {now - expected:+g}；文件也会到期失效，请核实）"
        )
        finding = Finding(
            rule="Y-NORM", severity="warning", message=message, cells=paths, expected=expected, actual=now
        )
        out.append(_finding(cur, prev, row, finding))
    return out


def _copy(cur: Report, other: Report, key: str, value: float, subject: str, what: str) -> CrossFinding:
    message = f"{key}、{SECTION_NAMES[key]}与{other.who}的同一部分相似度 {value:.0%}（按汉字计），{what}"
    return _finding(
        cur,
        other,
        subject,
        Finding(rule="Y-COPY", severity="warning", message=message),
        ratio=round(value, 4),
        section=key,
        text=cur.texts.get(key),
        other_text=other.texts.get(key),
    )


def check_copied_sections(cur: Report, prev: Report, threshold: float) -> list[CrossFinding]:
    """Y-COPY: section 一 or 五 at least ``threshold`` alike (Chinese characters) to last year's."""
    out = []
    for key in COPY_SECTIONS:
        a, b = cur.profiles.get(key), prev.profiles.get(key)
        value = copied(a, b, threshold) if a is not None and b is not None else None
        if value is not None:
            out.append(_copy(cur, prev, key, value, key, "疑似照搬上年内容"))
    return out


def peer_copy(a: Report, b: Report, value: float) -> list[CrossFinding]:
    """Y-COPY, both ways: two bodies of one year with near-identical sections 五."""
    return [_copy(x, y, "五", value, "五-peer", "疑似与其他单位雷同") for x, y in ((a, b), (b, a))]


def check_tables(cur: Report, prev: Report) -> list[CrossFinding]:
    """Y-COPY: tables whose every cell equals last year's, with at least MIN_NONZERO non-zero cells."""
    named, nonzero = [], []
    for name, _ in TABLES:
        now, before = cur.tables[name], prev.tables[name]
        filled = [p for p, v in now.items() if v]
        if now == before and len(filled) >= MIN_NONZERO:
            named.append(f"表{name}")
            nonzero += filled
    if not named:
        return []
    message = f"{'、'.join(named)}与{prev.who}逐格相同（{len(nonzero)} 个非零单元格），疑似照搬上年数据"
    finding = Finding(rule="Y-COPY", severity="warning", message=message, cells=nonzero)
    return [_finding(cur, prev, "tables", finding)]


def check_pair(cur: Report, prev: Report, threshold: float) -> list[CrossFinding]:
    """Every consecutive-year rule for one pair (year N, year N-1) of one body."""
    return [
        *check_carry(cur, prev),
        *check_stock(cur, prev),
        *check_copied_sections(cur, prev, threshold),
        *check_tables(cur, prev),
    ]
