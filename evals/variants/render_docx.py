"""The DOCX layout (python-docx), with fixed core properties and zip timestamps."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from evals.variants.blocks import T4_HEAD_FIELDS, blocks, t4_values, title_text
from evals.variants.model import (
    APPLICANT_HEADER,
    COL_KEYS,
    COLS,
    NOTE_T3,
    ORG_HEADER,
    RESULTS_LABEL,
    T2_WIDTH,
    Variant,
    cell_text,
    p3,
    t3_rows,
)

FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


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
