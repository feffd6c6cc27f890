"""Plain-text layouts: tsv, one cell per line, numbers first, run together."""

from __future__ import annotations

import re

from evals.variants.blocks import T4_HEAD_FIELDS, blocks, t2_grid, t3_grid, t4_values
from evals.variants.model import (
    APPLICANT_HEADER,
    COLS,
    NOTE_T3,
    ORG_HEADER,
    RESULTS_LABEL,
    T2_WIDTH,
    Variant,
)


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
            lines += [
                "行政复议 行政诉讼",
                "未经复议直接起诉 复议后起诉",
                " ".join(T4_HEAD_FIELDS),
                " ".join(T4_HEAD_FIELDS * 2),
            ]
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
            parts.append(
                NOTE_T3 + APPLICANT_HEADER + "自然人" + ORG_HEADER + "总计" + "".join(lbl for _, lbl in COLS[1:6])
            )
            for _, labels, vals, _ in t3_grid(var, "/"):
                parts.append("".join(labels) + "".join(vals))
        elif kind == "table4":
            parts.append(
                "行政复议行政诉讼"
                + "".join(T4_HEAD_FIELDS)
                + "未经复议直接起诉复议后起诉"
                + "".join(T4_HEAD_FIELDS * 2)
                + "".join(t4_values(var, "/"))
            )
    text = "".join(parts)
    return re.sub(r"[\r\n]+", "", text) + "\n"
