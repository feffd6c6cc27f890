"""The HTML layout."""

from __future__ import annotations

import html as htmlmod

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
        rows.append(
            "<tr>"
            + "".join(_td(h, colspan=(span_last if i == len(headers) - 1 else 1)) for i, h in enumerate(headers))
            + "</tr>"
        )
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
        "<tr>"
        + "".join(_td(lbl, rowspan=2) for lbl in T4_HEAD_FIELDS)
        + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5)
        + "</tr>",
        "<tr>" + "".join(_td(lbl) for lbl in T4_HEAD_FIELDS * 2) + "</tr>",
        "<tr>" + "".join(_td(v) for v in t4_values(var, "")) + "</tr>",
    ]
    return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"


def render_html(var: Variant) -> str:
    title = title_text(var)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{htmlmod.escape(title)}</title>",
        "</head>",
        "<body>",
    ]
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
