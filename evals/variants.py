"""Reproducible test-data generator: layout variants of the gold reports.

Run from the project root::

    python -m evals.variants [--gold evals/gold] [--samples evals/data/samples] [--out evals/data/variants]

For every gold record (``evals/gold/<stem>.json``) this writes one complete report per layout
(html, docx, pdf, tsv, cells, runtogether, numbers_first, gb18030, v2019) plus injected-error
variants (inject_cell, inject_swap, inject_total, inject_review, inject_prose; tsv layout), and
``manifest.json`` describing each file: its expected cells, the cells a reader cannot determine,
the expected findings and the expected status.

This module is an independent oracle: it imports nothing from ``service``. The tables are rendered
from the gold cells with the official labels (format.md §1.4/§1.6); the prose of sections 一, 五 and
六 is copied from the source sample; the identities (T3-ROW, T3-SUM, T3-BAL, T4-SUM) and the
run-together ambiguity are computed here.

Determinism: fixed seeds (sha256 of a text key), stable ordering, reportlab ``invariant=1``,
fixed DOCX core properties and zip timestamps.
"""

from __future__ import annotations

import argparse
import hashlib
import html as htmlmod
import io
import itertools
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]

Cells = dict[str, Any]  # cell path -> value (None = null); a missing key = absent
Finding = dict[str, Any]
Gold = dict[str, Any]
Prose = dict[int, list[str]]
Reading = tuple[Any, ...]
Block = tuple[str, ...]
RowSpec = tuple[str, str, str, str]  # (row key, kind top|single|sub, label, group label or "")

# ---------------------------------------------------------------------------------------------
# The form (labels verbatim from format.md §1.4 / §1.6)
# ---------------------------------------------------------------------------------------------

NOTE_T3 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADER = "申请人情况"
ORG_HEADER = "法人或其他组织"

COLS = [
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_interest_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]
COL_KEYS = [c for c, _ in COLS]
APPL_COLS = COL_KEYS[:6]

RESULTS_LABEL = "三、本年度办理结果"

# (row key, kind, label, group label)   kind: top | single | sub
_ROWS_HEAD: list[RowSpec] = [
    ("new_received", "top", "一、本年新收政府信息公开申请数量", ""),
    ("carried_over", "top", "二、上年结转政府信息公开申请数量", ""),
    ("granted", "single", "（一）予以公开", ""),
    ("partially_granted", "single", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("withheld_state_secret", "sub", "1.属于国家秘密", "（三）不予公开"),
    ("withheld_prohibited_by_law", "sub", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("withheld_security_stability", "sub", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("withheld_third_party_rights", "sub", "4.保护第三方合法权益", "（三）不予公开"),
    ("withheld_internal_affairs", "sub", "5.属于三类内部事务信息", "（三）不予公开"),
    ("withheld_process_information", "sub", "6.属于四类过程性信息", "（三）不予公开"),
    ("withheld_enforcement_files", "sub", "7.属于行政执法案卷", "（三）不予公开"),
    ("withheld_administrative_inquiry", "sub", "8.属于行政查询事项", "（三）不予公开"),
    ("unable_not_held", "sub", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unable_needs_creation", "sub", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("unable_unclear_after_amendment", "sub", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("not_processed_petition_complaint", "sub", "1.信访举报投诉类申请", "（五）不予处理"),
    ("not_processed_duplicate", "sub", "2.重复申请", "（五）不予处理"),
    ("not_processed_publication", "sub", "3.要求提供公开出版物", "（五）不予处理"),
    ("not_processed_mass_repeated", "sub", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("not_processed_confirm_or_reissue", "sub", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
]
_ROWS_OTHER_2021: list[RowSpec] = [
    ("other_no_amendment", "sub", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("other_unpaid_fee", "sub", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "（六）其他处理"),
    ("other_other", "sub", "3.其他", "（六）其他处理"),
]
_ROWS_OTHER_SINGLE: list[RowSpec] = [("other_handling", "single", "（六）其他处理", "")]
_ROWS_TAIL: list[RowSpec] = [
    ("results_total", "single", "（七）总计", ""),
    ("carried_forward", "top", "四、结转下年度继续办理", ""),
]
OTHER_SPLIT_KEYS = [r[0] for r in _ROWS_OTHER_2021]


def t3_rows(single_other: bool) -> list[RowSpec]:
    return _ROWS_HEAD + (_ROWS_OTHER_SINGLE if single_other else _ROWS_OTHER_2021) + _ROWS_TAIL


def t3_leaves(single_other: bool) -> list[str]:
    return [k for k, kind, _, _ in t3_rows(single_other) if kind in ("single", "sub") and k != "results_total"]


T4_GROUPS = [
    ("administrative_review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
]
T4_FIELDS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]

AD = "active_disclosure."
# block header, column headers, rows [(label, [paths])]
T2_2021 = [
    ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], [
        ("规章", [AD + "rules.issued", AD + "rules.repealed", AD + "rules.in_force"]),
        ("行政规范性文件", [AD + "normative_documents.issued", AD + "normative_documents.repealed",
                      AD + "normative_documents.in_force"]),
    ]),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [("行政许可", [AD + "licensing.decisions"])]),
    ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], [
        ("行政处罚", [AD + "punishment.decisions"]),
        ("行政强制", [AD + "enforcement.decisions"]),
    ]),
    ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"],
     [("行政事业性收费", [AD + "fees.amount_wan_yuan"])]),
]
_PREV3 = ["上一年项目数量", "本年增/减", "处理决定数量"]
T2_2019 = [
    ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], [
        ("规章", [AD + "rules.made", AD + "rules.published", AD + "rules.total_published"]),
        ("规范性文件", [AD + "normative_documents.made", AD + "normative_documents.published",
                   AD + "normative_documents.total_published"]),
    ]),
    ("第二十条第（五）项", ["信息内容"] + _PREV3, [
        ("行政许可", [AD + "licensing.previous_items", AD + "licensing.change", AD + "licensing.decisions"]),
        ("其他对外管理服务事项", [AD + "other_services.previous_items", AD + "other_services.change",
                        AD + "other_services.decisions"]),
    ]),
    ("第二十条第（六）项", ["信息内容"] + _PREV3, [
        ("行政处罚", [AD + "punishment.previous_items", AD + "punishment.change", AD + "punishment.decisions"]),
        ("行政强制", [AD + "enforcement.previous_items", AD + "enforcement.change", AD + "enforcement.decisions"]),
    ]),
    ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [
        ("行政事业性收费", [AD + "fees.previous_items", AD + "fees.change"]),
    ]),
    ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], [
        ("政府集中采购", [AD + "procurement.items", AD + "procurement.amount_wan_yuan"]),
    ]),
]
T2_WIDTH = 4  # label + 3 value columns

SECTION_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}

NARRATIVE_PATHS = ["narrative.proactive_items", "narrative.applications_received", "narrative.fee_collected_yuan"]
ARITH_RULES = {"T3-ROW", "T3-SUM", "T3-BAL", "T4-SUM"}

BASE_LAYOUTS = ["html", "docx", "pdf", "tsv", "cells", "runtogether", "numbers_first", "gb18030", "v2019"]
INJECT_KINDS = ["cell", "swap", "total", "review", "prose"]

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


def p3(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def p4(group: str, fld: str) -> str:
    return f"reviews.{group}.{fld}"


def all_paths(version: str, single_other: bool) -> list[str]:
    """Cell paths of one variant, in a stable order (table 2, 3, 4, narrative)."""
    out: list[str] = []
    for _, _, rows in (T2_2019 if version == "2019" else T2_2021):
        for _, paths in rows:
            out.extend(paths)
    for key, _, _, _ in t3_rows(single_other):
        out.extend(p3(key, c) for c in COL_KEYS)
    for g, _ in T4_GROUPS:
        out.extend(p4(g, f) for f, _ in T4_FIELDS)
    out.extend(NARRATIVE_PATHS)
    return out


def seeded(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


# ---------------------------------------------------------------------------------------------
# Source prose: a small heading splitter
# ---------------------------------------------------------------------------------------------

_HEADING_RES = {
    1: r"(?:一|1)\s*[、．.，]\s*(?:政府信息公开工作)?总体情况",
    2: r"二\s*[、．.，]\s*(?:行政机关)?主动公开政府信息(?:情况)?",
    3: r"三\s*[、．.，]\s*(?:行政机关)?收到和处理政府信息公开申请(?:情况)?",
    4: r"四\s*[、．.，]\s*(?:因)?政府信息公开(?:工作)?(?:被申请)?行政复议",
    5: r"(?:五|5)\s*[、．.，]\s*(?:政府信息公开工作)?存在(?:的)?(?:主要)?问题",
    6: r"六\s*[、．.，]\s*其他需要报告的事项",
}


def read_source_text(path: Path) -> tuple[str, bool]:
    """Source text and whether it came from a PDF."""
    if path.suffix.lower() == ".pdf":
        import pdfplumber

        lines: list[str] = []
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                for line in (page.extract_text() or "").splitlines():
                    if re.fullmatch(r"\s*-\s*\d+\s*-\s*", line):
                        continue  # page footer "- 3 -"
                    lines.append(line)
        return "\n".join(lines), True
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), False
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), False


def _heading_end(m: re.Match[str], text: str) -> int:
    """Extend a heading match to the end of its heading phrase (情况/措施/事项…)."""
    end = m.end()
    tail = re.match(r"[^\n。　]{0,24}?(?:情况|措施|举措|事项)", text[end:])
    if tail and not re.search(r"\d", tail.group(0)):
        end += tail.end()
    return end


def split_sections(text: str) -> dict[int, tuple[int, int]]:
    """Start/end offsets of the bodies of sections 1..6 (sequential search)."""
    starts: dict[int, tuple[int, int]] = {}
    pos = 0
    for n in range(1, 7):
        m = re.compile(_HEADING_RES[n]).search(text, pos)
        if not m:
            continue
        # the patterns of 一 and 六 cover the whole heading; the others are extended to its end
        starts[n] = (m.start(), _heading_end(m, text) if n in (2, 3, 4, 5) else m.end())
        pos = starts[n][1]
    bodies: dict[int, tuple[int, int]] = {}
    ns = sorted(starts)
    for i, n in enumerate(ns):
        end = starts[ns[i + 1]][0] if i + 1 < len(ns) else len(text)
        bodies[n] = (starts[n][1], end)
    return bodies


def _paragraphs_txt(body: str) -> list[str]:
    paras: list[str] = []
    for line in body.splitlines():
        for piece in re.split(r"　{2,}", line):
            piece = piece.replace("[bookmark: _GoBack]", "").strip(" \t\u3000\xa0")
            if piece:
                paras.append(piece)
    return paras


def _paragraphs_pdf(body: str) -> list[str]:
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    if not lines:
        return []
    width = max(len(ln) for ln in lines)
    paras: list[str] = []
    cur = ""
    prev_line = ""
    for ln in lines:
        starts_new = bool(re.match(r"[（(][一二三四五六七八九十]+[）)]", ln))
        prev_ended = bool(cur) and cur.endswith(("。", "：", ":")) and len(prev_line) < width - 2
        if cur and (starts_new or prev_ended):
            paras.append(cur)
            cur = ""
        cur += ln
        prev_line = ln
    if cur:
        paras.append(cur)
    return paras


def source_prose(path: Path) -> dict[int, list[str]]:
    text, is_pdf = read_source_text(path)
    bodies = split_sections(text)
    out: dict[int, list[str]] = {}
    for n in (1, 5, 6):
        if n not in bodies:
            out[n] = []
            continue
        a, b = bodies[n]
        body = text[a:b]
        paras = _paragraphs_pdf(body) if is_pdf else _paragraphs_txt(body)
        if n == 6:  # a crawled page's attachment list is not prose of section 六
            for i, para in enumerate(paras):
                if para.startswith("附件"):
                    paras = paras[:i]
                    break
                j = para.find("附件：")
                if j > 0:
                    paras = paras[:i] + [para[:j]]
                    break
        out[n] = paras
    return out


# ---------------------------------------------------------------------------------------------
# Prose numbers (only what the injections change)
# ---------------------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r"[，。；！？,;]")
_RECEIVED_KW = re.compile(r"申请|受理|收到|接收")
_RECEIVED_EXCLUDE = re.compile(r"办结|答复|结转|予以公开|部分公开|不予|无法提供|其他处理|复议|诉讼|规范性文件|办理")


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def received_number_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of the digit strings that state received applications (N件)."""
    out = []
    for a, b in _clauses(text):
        clause = text[a:b]
        if not _RECEIVED_KW.search(clause) or _RECEIVED_EXCLUDE.search(clause):
            continue
        for m in re.finditer(r"(\d+)\s*件", clause):
            out.append((a + m.start(1), a + m.end(1), int(m.group(1))))
    return out


def stated_review_counts(text: str) -> tuple[int | None, int | None]:
    """Counts of 行政复议 and 行政诉讼 stated in the prose of section 一 (None when not stated)."""
    rev = lit = None
    m = re.search(r"行政复议[^，。；、\d]{0,12}?(\d+)\s*件", text)
    if m:
        rev = int(m.group(1))
    m = re.search(r"行政诉讼[^，。；、\d]{0,12}?(\d+)\s*件", text)
    if m:
        lit = int(m.group(1))
    neg = re.search(r"(?:无|没有|未发生|未收到)([^，。；]{0,6}行政复议[^，。；]{0,10})", text)
    if neg and rev is None:
        rev = 0
        if lit is None and "诉讼" in neg.group(1):
            lit = 0
    neg = re.search(r"(?:无|没有|未发生)[^，。；]{0,6}(?:行政)?诉讼", text)
    if neg and lit is None:
        lit = 0
    return rev, lit


# ---------------------------------------------------------------------------------------------
# Variant model
# ---------------------------------------------------------------------------------------------

@dataclass
class Variant:
    gold_id: str
    layout: str
    fmt: str  # txt | html | docx | pdf
    encoding: str
    meta: dict[str, Any]
    version: str  # "2021" | "2019"
    single_other: bool
    values: Cells  # path -> value (None = null); a missing key = absent (rendered "/")
    prose: Prose  # {1: [...], 5: [...], 6: [...]}
    gold_ambiguous: list[str] = field(default_factory=list)  # paths absent because ambiguous in gold
    findings: list[Finding] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    status: str = "ok"
    extra_meta: dict[str, Any] = field(default_factory=dict)
    prose_pins: dict[str, Any] = field(default_factory=dict)  # table cells the prose of section 一 names

    @property
    def ext(self) -> str:
        return {"txt": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}[self.fmt]

    @property
    def t2(self) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
        return T2_2019 if self.version == "2019" else T2_2021


def fmt_value(v: Any, present: bool, null_text: str) -> str:
    if not present:
        return "/"
    if v is None:
        return null_text
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = repr(v)
        return s[:-2] if s.endswith(".0") else s
    return str(v)


def cell_text(var: Variant, path: str, null_text: str = "") -> str:
    present = path in var.values
    s = fmt_value(var.values.get(path), present, null_text)
    if present and var.values.get(path) is not None and path.endswith("procurement.amount_wan_yuan"):
        s += "万元"
    return s


# ---------------------------------------------------------------------------------------------
# Identities (own implementation) and findings
# ---------------------------------------------------------------------------------------------

def _num(values: Cells, path: str) -> int | float | None:
    v = values.get(path)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def arithmetic_findings(values: Cells, single_other: bool, skip_cells: set[str] | None = None) -> list[Finding]:
    """T3-ROW (rows), T3-SUM, T3-BAL (columns), T4-SUM (groups); identities with a null, absent or
    skipped term are not evaluated."""
    skip = skip_cells or set()
    out: list[Finding] = []

    def nums(paths: list[str]) -> list[int | float] | None:
        vals = [None if p in skip else _num(values, p) for p in paths]
        if any(v is None for v in vals):
            return None
        return [v for v in vals if v is not None]

    for key, _, _, _ in t3_rows(single_other):
        row = nums([p3(key, c) for c in COL_KEYS])
        if row is not None and sum(row[:-1]) != row[-1]:
            out.append({"rule": "T3-ROW", "cells": [p3(key, "total")], "expected": sum(row[:-1]), "actual": row[-1]})
    leaves = t3_leaves(single_other)
    for col in COL_KEYS:
        colv = nums([p3(r, col) for r in leaves] + [p3("results_total", col)])
        if colv is not None and sum(colv[:-1]) != colv[-1]:
            out.append({"rule": "T3-SUM", "cells": [p3("results_total", col)], "expected": sum(colv[:-1]),
                        "actual": colv[-1]})
    bal_rows = ("new_received", "carried_over", "results_total", "carried_forward")
    for col in COL_KEYS:
        bal = nums([p3(r, col) for r in bal_rows])
        if bal is not None and bal[0] + bal[1] != bal[2] + bal[3]:
            out.append({"rule": "T3-BAL", "cells": [p3(r, col) for r in bal_rows],
                        "expected": bal[0] + bal[1], "actual": bal[2] + bal[3]})
    for g, _ in T4_GROUPS:
        grp = nums([p4(g, f) for f, _ in T4_FIELDS])
        if grp is not None and sum(grp[:-1]) != grp[-1]:
            out.append({"rule": "T4-SUM", "cells": [p4(g, "total")], "expected": sum(grp[:-1]), "actual": grp[-1]})
    return out


def tx_new_holds(values: Cells) -> bool | None:
    """Whether TX-NEW fires (None: prose states no number)."""
    n = _num(values, "narrative.applications_received")
    t = _num(values, p3("new_received", "total"))
    if n is None or t is None:
        return None
    return n != t


TX_NEW_FINDING_CELLS = ["narrative.applications_received", p3("new_received", "total")]


# ---------------------------------------------------------------------------------------------
# Run-together ambiguity
# ---------------------------------------------------------------------------------------------

def _tok(var: Variant, path: str) -> str:
    """The text of one cell in the run-together layout (null and absent print as '/')."""
    return cell_text(var, path, null_text="/")


def enumerate_splits(s: str, n: int, limit: int = 2_000_000) -> list[Reading]:
    """All readings of the concatenation ``s`` as n cells: '/' is one null cell, digit runs split
    into integers without leading zeros (except '0'). A token with '.' is kept whole."""
    out: list[Reading] = []

    def rec(pos: int, left: int, acc: list[Any]) -> None:
        if len(out) > limit:
            raise OverflowError
        if pos == len(s):
            if left == 0:
                out.append(tuple(acc))
            return
        if left == 0:
            return
        if s[pos] == "/":
            rec(pos + 1, left - 1, acc + [None])
            return
        end = pos
        while end < len(s) and (s[end].isdigit() or s[end] in ".-"):
            end += 1
        run = s[pos:end]
        if "." in run or not run.lstrip("-").isdigit():
            rec(end, left - 1, acc + [run])
            return
        for k in range(1, len(run) + 1):
            tok = s[pos:pos + k]
            if len(tok) > 1 and tok[0] == "0":
                break
            rec(pos + k, left - 1, acc + [int(tok)])

    rec(0, n, [])
    return out


def _row_ok(vals: Reading) -> bool:
    ints = [v for v in vals if isinstance(v, int)]
    return len(ints) == len(vals) and sum(ints[:-1]) == ints[-1]


def runtogether_ambiguity(var: Variant) -> tuple[list[str], list[Finding]]:
    """Cells that differ between readings of the run-together tables, and AMBIGUOUS findings
    (one per table row or review group)."""
    amb: list[str] = []
    findings: list[Finding] = []

    def truth(path: str) -> Any:
        return var.values.get(path)

    # table 2: no identities; every split of a row is a reading
    for _, _, t2rows in var.t2:
        for _, paths in t2rows:
            if len(paths) == 1:
                continue
            s = "".join(_tok(var, p) for p in paths)
            cands = enumerate_splits(s, len(paths))
            pinned = [c for c in cands if all(c[i] == var.prose_pins[p] for i, p in enumerate(paths)
                                              if p in var.prose_pins)]
            cands = pinned or cands
            diff = [p for i, p in enumerate(paths) if len({c[i] for c in cands}) > 1]
            if diff:
                amb.extend(diff)
                findings.append({"rule": "AMBIGUOUS", "cells": diff,
                                 "note": f"run-together '{s}' reads {len(cands)} ways"})

    # table 3: per-row splits under T3-ROW, then joint readings under the column identities that
    # hold in the truth
    rows = [k for k, _, _, _ in t3_rows(var.single_other)]
    row_cands: dict[str, list[Reading]] = {}
    row_str: dict[str, str] = {}
    for key in rows:
        paths = [p3(key, c) for c in COL_KEYS]
        s = "".join(_tok(var, p) for p in paths)
        row_str[key] = s
        allc = enumerate_splits(s, 7)
        gold = tuple(truth(p) if p in var.values else None for p in paths)
        ok = [c for c in allc if _row_ok(c)]
        row_cands[key] = ok if gold in ok else allc
    leaves = t3_leaves(var.single_other)

    def col_checks(assign: dict[str, Reading]) -> list[bool | None]:
        res: list[bool | None] = []
        for i, _ in enumerate(COL_KEYS):
            terms = [assign[r][i] for r in leaves]
            tot = assign["results_total"][i]
            if tot is None or any(t is None for t in terms):
                res.append(None)
            else:
                res.append(sum(terms) == tot)
            a, b, c, d = (assign[r][i] for r in ("new_received", "carried_over", "results_total", "carried_forward"))
            res.append(None if None in (a, b, c, d) else a + b == c + d)
        return res

    gold_assign = {k: tuple(truth(p3(k, c)) if p3(k, c) in var.values else None for c in COL_KEYS) for k in rows}
    enforce = [x is True for x in col_checks(gold_assign)]
    multi = [k for k in rows if len(row_cands[k]) > 1]
    n_combos = 1
    for k in multi:
        n_combos *= len(row_cands[k])
    if n_combos <= 2_000_000:
        survivors: list[dict[str, Reading]] = []
        for combo in itertools.product(*(row_cands[k] for k in multi)):
            assign = dict(gold_assign)
            assign.update(dict(zip(multi, combo, strict=True)))
            chk = col_checks(assign)
            if all((not e) or c is True for e, c in zip(enforce, chk, strict=True)):
                survivors.append(assign)
    else:  # fall back to per-row readings (conservative)
        survivors = []
        for k in multi:
            for c in row_cands[k]:
                assign = dict(gold_assign)
                assign[k] = c
                survivors.append(assign)
    for k in rows:
        diff = [p3(k, col) for i, col in enumerate(COL_KEYS) if len({a[k][i] for a in survivors}) > 1]
        if diff:
            amb.extend(diff)
            findings.append({"rule": "AMBIGUOUS", "cells": diff,
                             "note": f"run-together '{row_str[k]}' has more than one reading that satisfies "
                                     "the identities"})

    # table 4: the 15 values are one digit string; readings must satisfy T4-SUM in the groups
    # where the truth does
    gstrs = ["".join(_tok(var, p4(g, f)) for f, _ in T4_FIELDS) for g, _ in T4_GROUPS]
    s4 = "".join(gstrs)
    gold_ok = []
    for g, _ in T4_GROUPS:
        vals = tuple(truth(p4(g, f)) if p4(g, f) in var.values else None for f, _ in T4_FIELDS)
        gold_ok.append(_row_ok(vals))
    readings: list[tuple[Reading, ...]] = []

    def rec4(pos: int, gi: int, acc: tuple[Reading, ...]) -> None:
        if gi == len(T4_GROUPS):
            if pos == len(s4):
                readings.append(acc)
            return
        rest = s4[pos:]
        # every prefix of the rest that reads as 5 cells
        for cut in range(1, len(rest) + 1):
            for c in enumerate_splits(rest[:cut], 5):
                if gold_ok[gi] and not _row_ok(c):
                    continue
                rec4(pos + cut, gi + 1, acc + (c,))

    rec4(0, 0, ())
    for gi, (g, _) in enumerate(T4_GROUPS):
        diff = [p4(g, f) for fi, (f, _) in enumerate(T4_FIELDS) if len({r[gi][fi] for r in readings}) > 1]
        if diff:
            amb.extend(diff)
            findings.append({"rule": "AMBIGUOUS", "cells": diff,
                             "note": f"run-together table 4 '{s4}' has more than one reading"})
    return amb, findings


# ---------------------------------------------------------------------------------------------
# Document blocks
# ---------------------------------------------------------------------------------------------

def intro_text(var: Variant) -> str:
    fmt_name = ("《中华人民共和国政府信息公开工作年度报告格式（试行）》" if var.version == "2019"
                else "《中华人民共和国政府信息公开工作年度报告格式》")
    y = var.meta.get("year")
    return (f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{fmt_name}要求，编制本报告。"
            f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。")


def title_text(var: Variant) -> str:
    return var.meta.get("title") or f"{var.meta.get('issuer', '')}{var.meta.get('year', '')}年政府信息公开工作年度报告"


def blocks(var: Variant) -> list[Block]:
    out: list[Block] = [("title", title_text(var)), ("para", intro_text(var))]
    for n in range(1, 7):
        out.append(("heading", SECTION_TITLES[n]))
        if n == 2:
            out.append(("table2",))
        elif n == 3:
            out.append(("table3",))
        elif n == 4:
            out.append(("table4",))
        else:
            for p in var.prose.get(n, []):
                out.append(("para", p))
    return out


# ---- grid models of the tables (used by tsv, cells, numbers_first, runtogether) ---------------

def t2_grid(var: Variant, null_text: str) -> list[tuple[str, list[str], list[str]]]:
    """[(kind, label cells, value cells)] kind: block | header | row"""
    out: list[tuple[str, list[str], list[str]]] = []
    for block, headers, rows in var.t2:
        out.append(("block", [block], []))
        out.append(("header", headers, []))
        for label, paths in rows:
            out.append(("row", [label], [cell_text(var, p, null_text) for p in paths]))
    return out


def t3_grid(var: Variant, null_text: str) -> list[tuple[str, list[str], list[str], str]]:
    """[(row key, [3 label cells], [7 values], kind)]"""
    out = []
    first_single = True
    seen_groups: set[str] = set()
    for key, kind, label, group in t3_rows(var.single_other):
        vals = [cell_text(var, p3(key, c), null_text) for c in COL_KEYS]
        if kind == "top":
            labels = [label, "", ""]
        elif kind == "single":
            labels = [RESULTS_LABEL if first_single else "", label, ""]
            first_single = False
        else:
            g = group if group not in seen_groups else ""
            seen_groups.add(group)
            labels = ["", g, label]
        out.append((key, labels, vals, kind))
    return out


def t4_values(var: Variant, null_text: str) -> list[str]:
    return [cell_text(var, p4(g, f), null_text) for g, _ in T4_GROUPS for f, _ in T4_FIELDS]


T4_HEAD_FIELDS = [lbl for _, lbl in T4_FIELDS]


# ---------------------------------------------------------------------------------------------
# Text renderers
# ---------------------------------------------------------------------------------------------

def render_tsv(var: Variant) -> str:
    lines: list[str] = []
    for b in blocks(var):
        kind = b[0]
        if kind in ("title", "para", "heading"):
            lines += [b[1], ""]
        elif kind == "table2":
            for _, labels, vals in t2_grid(var, ""):
                row = labels + vals
                lines.append("\t".join(row + [""] * (T2_WIDTH - len(row))))
            lines.append("")
        elif kind == "table3":
            lines.append("\t".join([NOTE_T3, "", "", APPLICANT_HEADER] + [""] * 6))
            lines.append("\t".join(["", "", "", "自然人", ORG_HEADER, "", "", "", "", "总计"]))
            lines.append("\t".join(["", "", "", ""] + [lbl for _, lbl in COLS[1:6]] + [""]))
            for _, labels, vals, _ in t3_grid(var, ""):
                lines.append("\t".join(labels + vals))
            lines.append("")
        elif kind == "table4":
            lines.append("\t".join(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9))
            lines.append("\t".join(T4_HEAD_FIELDS + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]))
            lines.append("\t".join([""] * 5 + T4_HEAD_FIELDS * 2))
            lines.append("\t".join(t4_values(var, "")))
            lines.append("")
    return "\n".join(lines) + "\n"


def render_cells(var: Variant) -> str:
    """One cell per line (each prefixed by a tab), rows separated by a blank line (samples 000/003)."""
    lines: list[str] = []

    def row(cells: list[str]) -> None:
        lines.extend("\t" + c for c in cells)
        lines.append("")

    for b in blocks(var):
        kind = b[0]
        if kind in ("title", "para", "heading"):
            lines.append(b[1])
        elif kind == "table2":
            for _, labels, vals in t2_grid(var, ""):
                row(labels + vals)
            lines.append("")
        elif kind == "table3":
            row([NOTE_T3, APPLICANT_HEADER])
            row(["", "自然人", ORG_HEADER, "总计"])
            row(["", ""] + [lbl for _, lbl in COLS[1:6]] + [""])
            for _, labels, vals, kind3 in t3_grid(var, ""):
                if kind3 == "top":
                    row([labels[0]] + vals)
                elif kind3 == "single":
                    row(labels[:2] + vals)
                else:
                    row(labels + vals)
            lines.append("")
        elif kind == "table4":
            row(["行政复议", "行政诉讼"])
            row(T4_HEAD_FIELDS + ["未经复议直接起诉", "复议后起诉"])
            row([""] * 5 + T4_HEAD_FIELDS * 2)
            row(t4_values(var, ""))
            lines.append("")
    return "\n".join(lines) + "\n"


def render_numbers_first(var: Variant) -> str:
    """Each table row's values (space-separated) on the line before its label (as pdfplumber
    prints some PDFs)."""
    lines: list[str] = []
    for b in blocks(var):
        kind = b[0]
        if kind in ("title", "para", "heading"):
            lines.append(b[1])
        elif kind == "table2":
            for k, labels, vals in t2_grid(var, "/"):
                if k == "row":
                    lines.append(" ".join(vals))
                    lines.append(labels[0])
                else:
                    lines.append(" ".join(labels))
        elif kind == "table3":
            org_cols = " ".join(lbl for _, lbl in COLS[1:6])
            lines += [APPLICANT_HEADER, ORG_HEADER, NOTE_T3, f"自然人 {org_cols} 总计"]
            for _, labels, vals, kind3 in t3_grid(var, "/"):
                if labels[0] == RESULTS_LABEL:
                    lines.append(RESULTS_LABEL)
                if kind3 == "sub" and labels[1]:
                    lines.append(labels[1])
                lines.append(" ".join(vals))
                lines.append(labels[2] if kind3 == "sub" else (labels[1] if kind3 == "single" else labels[0]))
        elif kind == "table4":
            lines += ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
                      " ".join(T4_HEAD_FIELDS), " ".join(T4_HEAD_FIELDS * 2)]
            lines.append(" ".join(t4_values(var, "/")))
    return "\n".join(lines) + "\n"


def render_runtogether(var: Variant) -> str:
    """Everything on one line, cells and labels run together (as pingtan-zone-2023.txt)."""
    parts: list[str] = []
    for b in blocks(var):
        kind = b[0]
        if kind == "title":
            parts.append(b[1] + " ")
        elif kind == "para":
            parts.append(b[1])
        elif kind == "heading":
            parts.append(" " + b[1] + " " if b[1].startswith(("一", "二")) else b[1])
        elif kind == "table2":
            for _, labels, vals in t2_grid(var, "/"):
                parts.append("".join(labels) + "".join(vals))
        elif kind == "table3":
            parts.append(NOTE_T3 + APPLICANT_HEADER + "自然人" + ORG_HEADER + "总计"
                         + "".join(lbl for _, lbl in COLS[1:6]))
            for _, labels, vals, _ in t3_grid(var, "/"):
                parts.append("".join(labels) + "".join(vals))
        elif kind == "table4":
            parts.append("行政复议行政诉讼" + "".join(T4_HEAD_FIELDS) + "未经复议直接起诉复议后起诉"
                         + "".join(T4_HEAD_FIELDS * 2) + "".join(t4_values(var, "/")))
    text = "".join(parts)
    return re.sub(r"[\r\n]+", "", text) + "\n"


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

def _td(text: str, rowspan: int = 1, colspan: int = 1, tag: str = "td") -> str:
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    return f"<{tag}{attrs}>{htmlmod.escape(text)}</{tag}>"


def html_table2(var: Variant) -> str:
    rows = []
    for block, headers, trs in var.t2:
        rows.append("<tr>" + _td(block, colspan=T2_WIDTH) + "</tr>")
        span_last = T2_WIDTH - len(headers) + 1
        rows.append("<tr>" + "".join(_td(h, colspan=(span_last if i == len(headers) - 1 else 1))
                                     for i, h in enumerate(headers)) + "</tr>")
        for label, paths in trs:
            cells = [_td(label)]
            for i, pth in enumerate(paths):
                cells.append(_td(cell_text(var, pth), colspan=(span_last if i == len(paths) - 1 else 1)))
            rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"


def html_table3(var: Variant) -> str:
    rows = [
        "<tr>" + _td(NOTE_T3, rowspan=3, colspan=3) + _td(APPLICANT_HEADER, colspan=7) + "</tr>",
        "<tr>" + _td("自然人", rowspan=2) + _td(ORG_HEADER, colspan=5) + _td("总计", rowspan=2) + "</tr>",
        "<tr>" + "".join(_td(lbl) for _, lbl in COLS[1:6]) + "</tr>",
    ]
    spec = t3_rows(var.single_other)
    n_results = sum(1 for _, kind, _, _ in spec if kind != "top")
    group_sizes: dict[str, int] = {}
    for _, kind, _, g in spec:
        if kind == "sub":
            group_sizes[g] = group_sizes.get(g, 0) + 1
    first_single = True
    seen: set[str] = set()
    for key, kind, label, group in spec:
        cells = []
        if kind == "top":
            cells.append(_td(label, colspan=3))
        else:
            if first_single:
                cells.append(_td(RESULTS_LABEL, rowspan=n_results))
                first_single = False
            if kind == "single":
                cells.append(_td(label, colspan=2))
            else:
                if group not in seen:
                    cells.append(_td(group, rowspan=group_sizes[group]))
                    seen.add(group)
                cells.append(_td(label))
        cells += [_td(cell_text(var, p3(key, c))) for c in COL_KEYS]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"


def html_table4(var: Variant) -> str:
    rows = [
        "<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>",
        "<tr>" + "".join(_td(lbl, rowspan=2) for lbl in T4_HEAD_FIELDS)
        + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5) + "</tr>",
        "<tr>" + "".join(_td(lbl) for lbl in T4_HEAD_FIELDS * 2) + "</tr>",
        "<tr>" + "".join(_td(v) for v in t4_values(var, "")) + "</tr>",
    ]
    return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"


def render_html(var: Variant) -> str:
    title = title_text(var)
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{htmlmod.escape(title)}</title>", "</head>", "<body>"]
    for b in blocks(var):
        kind = b[0]
        if kind == "title":
            out.append(f"<h1>{htmlmod.escape(b[1])}</h1>")
        elif kind == "heading":
            out.append(f"<h2>{htmlmod.escape(b[1])}</h2>")
        elif kind == "para":
            out.append(f"<p>{htmlmod.escape(b[1])}</p>")
        elif kind == "table2":
            out.append(html_table2(var))
        elif kind == "table3":
            out.append(html_table3(var))
        elif kind == "table4":
            out.append(html_table4(var))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------

def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and a stable member order (deterministic bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def render_docx(var: Variant) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    cp = d.core_properties
    cp.author = "evals.variants"
    cp.last_modified_by = "evals.variants"
    cp.title = title_text(var)
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.comments = ""
    cp.identifier = var.gold_id

    def grid_of(table: Any) -> list[list[Any]]:
        # cell objects taken once, before any merge (table.cell() is slow: it rebuilds the grid);
        # the merged regions are disjoint, so the cached cells stay valid
        return [list(row.cells) for row in table.rows]

    def merged(g: list[list[Any]], r0: int, c0: int, r1: int, c1: int, text: str) -> Any:
        cell = g[r0][c0]
        if (r0, c0) != (r1, c1):
            cell = cell.merge(g[r1][c1])
        cell.text = text
        return cell

    for b in blocks(var):
        kind = b[0]
        if kind == "title":
            d.add_heading(b[1], level=1)
        elif kind == "heading":
            d.add_heading(b[1], level=2)
        elif kind == "para":
            d.add_paragraph(b[1])
        elif kind == "table2":
            n_rows = sum(2 + len(rows) for _, _, rows in var.t2)
            t = d.add_table(rows=n_rows, cols=T2_WIDTH)
            t.style = "Table Grid"
            g = grid_of(t)
            r = 0
            for block, headers, rows in var.t2:
                merged(g, r, 0, r, T2_WIDTH - 1, block)
                r += 1
                for i, h in enumerate(headers):
                    last = i == len(headers) - 1
                    merged(g, r, i, r, T2_WIDTH - 1 if last else i, h)
                r += 1
                for label, paths in rows:
                    g[r][0].text = label
                    for i, pth in enumerate(paths):
                        last = i == len(paths) - 1
                        merged(g, r, i + 1, r, T2_WIDTH - 1 if last else i + 1, cell_text(var, pth))
                    r += 1
        elif kind == "table3":
            spec = t3_rows(var.single_other)
            t = d.add_table(rows=3 + len(spec), cols=10)
            t.style = "Table Grid"
            g = grid_of(t)
            merged(g, 0, 0, 2, 2, NOTE_T3)
            merged(g, 0, 3, 0, 9, APPLICANT_HEADER)
            merged(g, 1, 3, 2, 3, "自然人")
            merged(g, 1, 4, 1, 8, ORG_HEADER)
            merged(g, 1, 9, 2, 9, "总计")
            for i, (_, lbl) in enumerate(COLS[1:6]):
                g[2][4 + i].text = lbl
            first_res = next(i for i, s in enumerate(spec) if s[1] != "top")
            last_res = max(i for i, s in enumerate(spec) if s[1] != "top")
            merged(g, 3 + first_res, 0, 3 + last_res, 0, RESULTS_LABEL)
            groups: dict[str, list[int]] = {}
            for i, (key, kind3, label, group) in enumerate(spec):
                r = 3 + i
                if kind3 == "top":
                    merged(g, r, 0, r, 2, label)
                elif kind3 == "single":
                    merged(g, r, 1, r, 2, label)
                else:
                    groups.setdefault(group, []).append(r)
                    g[r][2].text = label
                for j, c in enumerate(COL_KEYS):
                    g[r][3 + j].text = cell_text(var, p3(key, c))
            for group, rs in groups.items():
                merged(g, rs[0], 1, rs[-1], 1, group)
        elif kind == "table4":
            t = d.add_table(rows=4, cols=15)
            t.style = "Table Grid"
            g = grid_of(t)
            merged(g, 0, 0, 0, 4, "行政复议")
            merged(g, 0, 5, 0, 14, "行政诉讼")
            for i, lbl in enumerate(T4_HEAD_FIELDS):
                merged(g, 1, i, 2, i, lbl)
            merged(g, 1, 5, 1, 9, "未经复议直接起诉")
            merged(g, 1, 10, 1, 14, "复议后起诉")
            for i, lbl in enumerate(T4_HEAD_FIELDS * 2):
                g[2][5 + i].text = lbl
            for i, v in enumerate(t4_values(var, "")):
                g[3][i].text = v
    for p in d.paragraphs:
        for run in p.runs:
            run.font.size = Pt(10.5)
    buf = io.BytesIO()
    d.save(buf)
    return _normalize_zip(buf.getvalue())


# ---------------------------------------------------------------------------------------------
# PDF (reportlab)
# ---------------------------------------------------------------------------------------------

_FONT_REGISTERED = False


def _register_font() -> None:
    global _FONT_REGISTERED
    if _FONT_REGISTERED:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQY", FONT_PATH, subfontIndex=0))
    _FONT_REGISTERED = True


def render_pdf(var: Variant) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    st_body = ParagraphStyle("body", fontName="WQY", fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    st_title = ParagraphStyle("title", fontName="WQY", fontSize=16, leading=24, alignment=1, wordWrap="CJK")
    st_head = ParagraphStyle("head", fontName="WQY", fontSize=12, leading=20, wordWrap="CJK", spaceBefore=6)
    st_cell = ParagraphStyle("cell", fontName="WQY", fontSize=7.5, leading=9.5, wordWrap="CJK")

    class LeaveRoom(Flowable):  # type: ignore[misc]
        """Takes up space so that only ``room`` points remain in the frame (table 3 then has to
        continue on the next page)."""

        def __init__(self, room: float) -> None:
            super().__init__()
            self.room = room
            self.h = 0.0

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.h = ah - self.room if ah > self.room + 1 else ah + 1
            return aw, self.h

        def draw(self) -> None:
            pass

    def P(text: str, style: Any = st_cell) -> Any:
        return Paragraph(htmlmod.escape(text), style)

    base_style = [
        ("FONTNAME", (0, 0), (-1, -1), "WQY"),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    story: list[Any] = []
    for b in blocks(var):
        kind = b[0]
        if kind == "title":
            story.append(Paragraph(htmlmod.escape(b[1]), st_title))
            story.append(Spacer(1, 6))
        elif kind == "heading":
            story.append(Paragraph(htmlmod.escape(b[1]), st_head))
        elif kind == "para":
            story.append(Paragraph(htmlmod.escape(b[1]), st_body))
        elif kind == "table2":
            data: list[list[Any]] = []
            style = list(base_style)
            for block, headers, rows in var.t2:
                r = len(data)
                data.append([block, "", "", ""])
                style.append(("SPAN", (0, r), (-1, r)))
                r = len(data)
                data.append(headers + [""] * (T2_WIDTH - len(headers)))
                if len(headers) < T2_WIDTH:
                    style.append(("SPAN", (len(headers) - 1, r), (-1, r)))
                for label, paths in rows:
                    r = len(data)
                    vals = [cell_text(var, p, "/") for p in paths]
                    data.append([label] + vals + [""] * (T2_WIDTH - 1 - len(vals)))
                    if len(vals) < T2_WIDTH - 1:
                        style.append(("SPAN", (len(vals), r), (-1, r)))
            t = Table(data, colWidths=[110, 120, 120, 120])
            t.setStyle(TableStyle(style))
            story.append(t)
        elif kind == "table3":
            story.append(LeaveRoom(260))
            data = [
                [P(NOTE_T3), "", "", APPLICANT_HEADER, "", "", "", "", "", ""],
                ["", "", "", "自然人", ORG_HEADER, "", "", "", "", "总计"],
                ["", "", "", ""] + [P(lbl) for _, lbl in COLS[1:6]] + [""],
            ]
            style = list(base_style) + [
                ("SPAN", (0, 0), (2, 2)), ("SPAN", (3, 0), (9, 0)), ("SPAN", (3, 1), (3, 2)),
                ("SPAN", (4, 1), (8, 1)), ("SPAN", (9, 1), (9, 2)),
            ]
            for _, labels, vals, kind3 in t3_grid(var, "/"):
                r = len(data)
                if kind3 == "top":
                    data.append([P(labels[0]), "", ""] + vals)
                    style.append(("SPAN", (0, r), (2, r)))
                elif kind3 == "single":
                    data.append([P(labels[0]), P(labels[1]), ""] + vals)
                    style.append(("SPAN", (1, r), (2, r)))
                else:
                    data.append([P(labels[0]), P(labels[1]), P(labels[2])] + vals)
            t = Table(data, colWidths=[36, 52, 152] + [34] * 7, repeatRows=0)
            t.setStyle(TableStyle(style))
            story.append(t)
        elif kind == "table4":
            data = [
                ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
                [P(x) for x in T4_HEAD_FIELDS] + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
                [""] * 5 + [P(x) for x in T4_HEAD_FIELDS * 2],
                t4_values(var, "/"),
            ]
            style = list(base_style) + [
                ("SPAN", (0, 0), (4, 0)), ("SPAN", (5, 0), (14, 0)),
                ("SPAN", (5, 1), (9, 1)), ("SPAN", (10, 1), (14, 1)),
            ] + [("SPAN", (i, 1), (i, 2)) for i in range(5)]
            t = Table(data, colWidths=[32] * 15)
            t.setStyle(TableStyle(style))
            story.append(t)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title_text(var), author="evals.variants",
                            creator="evals.variants", producer="evals.variants", invariant=1)
    doc.build(story)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Building the variants
# ---------------------------------------------------------------------------------------------

def _t3_complete(var: Variant) -> bool:
    return all(_num(var.values, p3(k, c)) is not None
               for k, _, _, _ in t3_rows(var.single_other) for c in COL_KEYS)


def _carried_findings(gold: Gold, *, drop_shape: bool = False) -> list[Finding]:
    """Non-arithmetic findings of the gold (TX-*, SHAPE, NN …); AMBIGUOUS is recomputed per variant."""
    out = []
    for f in gold.get("expected_findings", []):
        if f["rule"] in ARITH_RULES or f["rule"] == "AMBIGUOUS":
            continue
        if drop_shape and f["rule"] == "SHAPE":
            continue
        out.append(dict(f))
    return out


def finalize(var: Variant, carried: list[Finding], *, reading_ambiguous: list[str] | None = None,
             amb_findings: list[Finding] | None = None, tx_new_recompute: bool = False,
             tx_review: tuple[Finding, ...] | None = None) -> Variant:
    reading_ambiguous = reading_ambiguous or []
    skip = set(reading_ambiguous)
    findings = []
    for f in carried:
        if skip & set(f.get("cells") or []):
            continue
        if tx_new_recompute and f["rule"] == "TX-NEW":
            continue
        if tx_review and f["rule"] in ("TX-REVIEW", "TX-LIT"):
            continue
        findings.append(f)
    if tx_new_recompute and not (skip & set(TX_NEW_FINDING_CELLS)):
        if tx_new_holds(var.values):
            n = _num(var.values, "narrative.applications_received")
            t = _num(var.values, p3("new_received", "total"))
            findings.append({"rule": "TX-NEW", "cells": list(TX_NEW_FINDING_CELLS),
                             "note": f"prose says {n}, table 一 本年新收 总计 is {t}"})
    if tx_review:
        findings.extend(tx_review)
    findings.extend(arithmetic_findings(var.values, var.single_other, skip))
    findings.extend(amb_findings or [])
    var.findings = findings
    var.ambiguous = sorted(set(var.gold_ambiguous) | set(reading_ambiguous),
                           key=lambda p: _order_index(var, p))
    var.status = "needs_review" if reading_ambiguous else "ok"
    return var


def _order_index(var: Variant, path: str) -> int:
    order = all_paths(var.version, var.single_other)
    return order.index(path) if path in order else len(order)


def base_values(gold: Gold) -> tuple[Cells, bool]:
    cells = dict(gold["cells"])
    single_other = any(k.startswith("applications.other_handling.") for k in cells) and not any(
        k.startswith(f"applications.{r}.") for r in OTHER_SPLIT_KEYS for k in cells)
    return cells, single_other


def make_base(gold: Gold, prose: Prose, layout: str, fmt: str, encoding: str = "utf-8") -> Variant:
    cells, single_other = base_values(gold)
    meta = dict(gold["meta"])
    var = Variant(gold_id=gold["id"], layout=layout, fmt=fmt, encoding=encoding, meta=meta,
                  version=meta.get("format_version", "2021"), single_other=single_other,
                  values=cells, prose={k: list(v) for k, v in prose.items()},
                  gold_ambiguous=list(gold.get("ambiguous", {}).keys()),
                  prose_pins=dict(gold.get("prose_pins", {})))
    return var


def make_v2019(gold: Gold, prose: Prose) -> Variant:
    cells, single_other = base_values(gold)
    rng = seeded(f"{gold['id']}:v2019")
    vals: Cells = {}
    gold_amb = set(gold.get("ambiguous", {}).keys())
    amb2019: list[str] = []
    # 第二十条第（一）项: the 2019 columns mirror the gold (made = published = issued, total = in_force)
    for kind in ("rules", "normative_documents"):
        mapping = {"made": "issued", "published": "issued", "total_published": "in_force"}
        for new, old in mapping.items():
            src = AD + f"{kind}.{old}"
            if src in cells:
                vals[AD + f"{kind}.{new}"] = cells[src]
            elif src in gold_amb:
                amb2019.append(AD + f"{kind}.{new}")
    for kind in ("licensing", "other_services", "punishment", "enforcement"):
        prev = rng.randint(0, 60)
        change = rng.randint(-min(5, prev), 6)  # this year's items stay >= 0
        vals[AD + f"{kind}.previous_items"] = prev
        vals[AD + f"{kind}.change"] = change
        dpath = AD + f"{kind}.decisions"
        if kind != "other_services" and dpath in cells:
            vals[dpath] = cells[dpath]
        elif kind != "other_services" and dpath in gold_amb:
            amb2019.append(dpath)
        else:
            vals[dpath] = rng.randint(0, 200)
    fee_prev = rng.randint(4, 20)
    vals[AD + "fees.previous_items"] = fee_prev
    vals[AD + "fees.change"] = -rng.randint(1, 4)  # at least one negative change cell
    vals[AD + "procurement.items"] = rng.randint(1, 40)
    vals[AD + "procurement.amount_wan_yuan"] = round(rng.randint(100, 99999) / 10, 1)
    # tables 3 and 4: same cells, （六）其他处理 as one row
    for k, v in cells.items():
        if k.startswith("applications.") or k.startswith("reviews.") or k.startswith("narrative."):
            if any(k.startswith(f"applications.{r}.") for r in OTHER_SPLIT_KEYS):
                continue
            vals[k] = v
    if not single_other:
        for c in COL_KEYS:
            parts = [p3(r, c) for r in OTHER_SPLIT_KEYS]
            if all(p in cells for p in parts):
                nums = [cells[p] for p in parts]
                if all(x is None for x in nums):
                    vals[p3("other_handling", c)] = None
                elif all(x is not None for x in nums):
                    vals[p3("other_handling", c)] = sum(nums)
            if any(p in gold_amb for p in parts):
                amb2019.append(p3("other_handling", c))
                vals.pop(p3("other_handling", c), None)
    for k in gold_amb:
        if k.startswith("applications.") or k.startswith("reviews.") or k.startswith("narrative."):
            if not any(k.startswith(f"applications.{r}.") for r in OTHER_SPLIT_KEYS):
                amb2019.append(k)
    meta = dict(gold["meta"])
    meta["format_version"] = "2019"
    var = Variant(gold_id=gold["id"], layout="v2019", fmt="txt", encoding="utf-8", meta=meta, version="2019",
                  single_other=True, values=vals, prose={k: list(v) for k, v in prose.items()},
                  gold_ambiguous=sorted(set(amb2019)))
    var.extra_meta["synthetic_cells"] = sorted(
        p for p in vals if p.startswith(AD) and (p.endswith(("previous_items", ".change"))
                                                  or ".other_services." in p or ".procurement." in p))
    return var


def _nonempty_text(prose: Prose) -> str:
    return "".join(prose.get(1, []))


def make_injected(gold: Gold, prose: Prose, kind: str) -> Variant | None:
    var = make_base(gold, prose, f"inject_{kind}", "txt")
    rng = seeded(f"{gold['id']}:inject:{kind}")
    carried = _carried_findings(gold)
    leaves = t3_leaves(var.single_other)
    sec1 = _nonempty_text(var.prose)
    if kind in ("cell", "swap", "total") and not _t3_complete(var):
        return None
    if kind == "cell":
        row = rng.choice(leaves)
        col = rng.choice(APPL_COLS)
        path = p3(row, col)
        var.values[path] = var.values[path] + 1
        var.extra_meta["injected"] = {"kind": "cell", "cell": path, "from": var.values[path] - 1,
                                      "to": var.values[path]}
        return finalize(var, carried)
    if kind == "swap":
        pairs = [(a, b) for a, b in itertools.combinations(leaves, 2)
                 if [var.values[p3(a, c)] for c in COL_KEYS] != [var.values[p3(b, c)] for c in COL_KEYS]]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        for c in COL_KEYS:
            var.values[p3(a, c)], var.values[p3(b, c)] = var.values[p3(b, c)], var.values[p3(a, c)]
        var.extra_meta["injected"] = {"kind": "swap", "rows": [a, b]}
        return finalize(var, carried)
    if kind == "total":
        path = p3("new_received", "total")
        var.values[path] += 1
        var.extra_meta["injected"] = {"kind": "total", "cell": path, "from": var.values[path] - 1,
                                      "to": var.values[path]}
        return finalize(var, carried, tx_new_recompute=True)
    if kind == "review":
        groups = [g for g, _ in T4_GROUPS if all(_num(var.values, p4(g, f)) is not None for f, _ in T4_FIELDS)]
        if not groups:
            return None
        rev0, lit0 = stated_review_counts(sec1)
        # prefer a group whose prose count is not stated (keeps the change to T4-SUM alone)
        free = [g for g in groups if (g == "administrative_review" and rev0 is None)
                or (g != "administrative_review" and lit0 is None)]
        g = rng.choice(free or groups)
        path = p4(g, "total")
        var.values[path] += 1
        var.extra_meta["injected"] = {"kind": "review", "cell": path, "from": var.values[path] - 1,
                                      "to": var.values[path]}
        tx = []
        if rev0 is not None:
            t = _num(var.values, p4("administrative_review", "total"))
            if t is not None and t != rev0:
                tx.append({"rule": "TX-REVIEW", "cells": [p4("administrative_review", "total")],
                           "note": f"prose says 行政复议 {rev0}, table says {t}"})
        if lit0 is not None:
            ld = _num(var.values, p4("litigation_direct", "total"))
            la = _num(var.values, p4("litigation_after_review", "total"))
            if ld is not None and la is not None and ld + la != lit0:
                tx.append({"rule": "TX-LIT", "cells": [p4("litigation_direct", "total"),
                                                        p4("litigation_after_review", "total")],
                           "note": f"prose says 行政诉讼 {lit0}, table says {ld + la}"})
        if rev0 is None and lit0 is None:
            return finalize(var, carried)
        # keep gold's TX-REVIEW/TX-LIT only for the counts the prose does not state
        kept = [f for f in carried if f["rule"] == "TX-REVIEW" and rev0 is None
                or f["rule"] == "TX-LIT" and lit0 is None]
        return finalize(var, carried, tx_review=tuple(kept + tx))
    if kind == "prose":
        table = _num(var.values, p3("new_received", "total"))
        paras = var.prose.get(1, [])
        old = _num(var.values, "narrative.applications_received")
        target_spans: list[tuple[int, int, int, int]] = []
        for pi, ptxt in enumerate(paras):
            for s0, s1, v in received_number_spans(ptxt):
                target_spans.append((pi, s0, s1, v))
        done: dict[str, Any] | None = None
        if old is not None and target_spans:
            pick: tuple[int, int, int, int] | None
            exact = [t for t in target_spans if t[3] == old]
            if exact:
                pick = exact[0]
                new_total = old + 3 if old + 3 != table else old + 4
                delta = new_total - old
            elif sum(t[3] for t in target_spans) == old:
                pick = target_spans[-1]
                delta = 3 if old + 3 != table else 4
                new_total = old + delta
            else:
                pick = None
            if pick:
                pi, s0, s1, v = pick
                paras[pi] = paras[pi][:s0] + str(v + delta) + paras[pi][s1:]
                done = {"kind": "prose", "changed": f"{v}件 -> {v + delta}件", "paragraph": pi}
                var.values["narrative.applications_received"] = new_total
        if done is None:
            n = (table if table is not None else 0) + 3
            sentence = f"本年共收到政府信息公开申请{n}件。"
            # replace a sentence that says there were no applications, else append to section 一
            replaced = False
            for pi, ptxt in enumerate(paras):
                for m in re.finditer(r"[^。]*?(?:没有|未|无)[^。]*?申请[^。]*。", ptxt):
                    if re.search(r"\d+\s*件", m.group(0)):
                        continue
                    paras[pi] = ptxt[:m.start()] + sentence + ptxt[m.end():]
                    replaced = True
                    done = {"kind": "prose", "replaced": m.group(0).strip(), "with": sentence, "paragraph": pi}
                    break
                if replaced:
                    break
            if not replaced:
                paras.append(sentence)
                done = {"kind": "prose", "inserted": sentence}
            var.values["narrative.applications_received"] = n
        var.prose[1] = paras
        var.extra_meta["injected"] = done
        return finalize(var, carried, tx_new_recompute=True)
    raise ValueError(kind)


RENDER_TEXT = {
    "tsv": render_tsv,
    "cells": render_cells,
    "runtogether": render_runtogether,
    "numbers_first": render_numbers_first,
    "gb18030": render_tsv,
    "v2019": render_tsv,
}


def build_variants(gold: Gold, prose: Prose) -> list[Variant]:
    out: list[Variant] = []
    carried = _carried_findings(gold)
    for layout in BASE_LAYOUTS:
        if layout == "v2019":
            var = make_v2019(gold, prose)
            # the single （六） row is the 2019 form: a SHAPE warning about missing （六）1-3 does not apply
            finalize(var, _carried_findings(gold, drop_shape=True))
            out.append(var)
            continue
        fmt = {"html": "html", "docx": "docx", "pdf": "pdf"}.get(layout, "txt")
        enc = "gb18030" if layout == "gb18030" else "utf-8"
        var = make_base(gold, prose, layout, fmt, enc)
        if layout == "runtogether":
            amb, af = runtogether_ambiguity(var)
            finalize(var, carried, reading_ambiguous=amb, amb_findings=af)
        else:
            finalize(var, carried)
        out.append(var)
    for kind in INJECT_KINDS:
        inj = make_injected(gold, prose, kind)
        if inj is not None:
            out.append(inj)
    return out


def render(var: Variant) -> bytes:
    if var.fmt == "html":
        return render_html(var).encode("utf-8")
    if var.fmt == "docx":
        return render_docx(var)
    if var.fmt == "pdf":
        return render_pdf(var)
    fn = RENDER_TEXT.get(var.layout, render_tsv)
    return fn(var).encode(var.encoding)


def manifest_entry(var: Variant, file: str) -> dict[str, Any]:
    order = all_paths(var.version, var.single_other)
    amb = set(var.ambiguous)
    cells = {p: var.values[p] for p in order if p in var.values and p not in amb}
    meta = dict(var.meta)
    meta.update(var.extra_meta)
    return {
        "file": file,
        "gold": var.gold_id,
        "layout": var.layout,
        "format": var.fmt,
        "encoding": var.encoding,
        "meta": meta,
        "cells": cells,
        "ambiguous": list(var.ambiguous),
        "expected_findings": var.findings,
        "expected_status": var.status,
    }


def check_against_gold(gold: Gold, var: Variant) -> list[str]:
    """Warnings where this module's identities disagree with the gold's own findings."""
    mine = {f["rule"] for f in arithmetic_findings(var.values, var.single_other)}
    theirs = {f["rule"] for f in gold.get("expected_findings", []) if f["rule"] in ARITH_RULES}
    msgs = []
    if mine != theirs:
        msgs.append(f"{gold['id']}: arithmetic findings differ from gold: mine={sorted(mine)} gold={sorted(theirs)}")
    tx = tx_new_holds(var.values)
    gold_tx = any(f["rule"] == "TX-NEW" for f in gold.get("expected_findings", []))
    if tx is not None and tx != gold_tx:
        msgs.append(f"{gold['id']}: TX-NEW computed {tx}, gold {gold_tx}")
    return msgs


def generate(gold_dir: Path, samples_dir: Path, out_dir: Path, log: TextIO = sys.stderr) -> list[dict[str, Any]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    old_manifest = out_dir / "manifest.json"
    if old_manifest.exists():
        try:
            for e in json.loads(old_manifest.read_text("utf-8")):
                f = out_dir / e["file"]
                if f.is_file() and f.resolve().parent == out_dir.resolve():
                    f.unlink()
        except (ValueError, KeyError, TypeError):
            pass
    manifest: list[dict[str, Any]] = []
    for gpath in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gpath.read_text("utf-8"))
        if "cells" not in gold or "id" not in gold:
            continue
        src = samples_dir / Path(gold.get("source", gpath.stem)).name
        if not src.exists():
            cand = sorted(samples_dir.glob(gpath.stem + ".*"))
            if not cand:
                print(f"skip {gold['id']}: no source sample", file=log)
                continue
            src = cand[0]
        prose = source_prose(src)
        for n in (1, 5, 6):
            if not prose.get(n):
                print(f"warning {gold['id']}: section {n} prose not found in {src.name}", file=log)
        variants = build_variants(gold, prose)
        for msg in check_against_gold(gold, variants[0]):
            print("warning " + msg, file=log)
        for var in variants:
            name = f"{var.gold_id}.{var.layout}.{var.ext}"
            (out_dir / name).write_bytes(render(var))
            manifest.append(manifest_entry(var, name))
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.variants", description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT / "evals" / "gold"))
    ap.add_argument("--samples", default=str(ROOT / "evals" / "data" / "samples"))
    ap.add_argument("--out", default=str(ROOT / "evals" / "data" / "variants"))
    args = ap.parse_args(argv)
    manifest = generate(Path(args.gold), Path(args.samples), Path(args.out))
    by_layout: dict[str, int] = {}
    for e in manifest:
        by_layout[e["layout"]] = by_layout.get(e["layout"], 0) + 1
    print(f"{len(manifest)} variants in {args.out}: " + ", ".join(f"{k} {v}" for k, v in by_layout.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
