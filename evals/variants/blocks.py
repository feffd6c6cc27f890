"""A report as a list of blocks (title, headings, paragraphs, tables) and grid models of the tables."""

from __future__ import annotations

from evals.variants.model import (
    COL_KEYS,
    RESULTS_LABEL,
    SECTION_TITLES,
    T4_FIELDS,
    T4_GROUPS,
    Block,
    Variant,
    cell_text,
    p3,
    p4,
    t3_rows,
)


def intro_text(var: Variant) -> str:
    fmt_name = (
        "《中华人民共和国政府信息公开工作年度报告格式（试行）》"
        if var.version == "2019"
        else "《中华人民共和国政府信息公开工作年度报告格式》"
    )
    y = var.meta.get("year")
    return (
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{fmt_name}要求，编制本报告。"
        f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
    )


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
