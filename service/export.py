"""Exports for people: cells.csv (one row per cell, Excel-friendly) and reports.xlsx (official labels)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from service.schema.fields import (
    COLUMN_KEYS,
    COLUMN_LABELS,
    OTHER_HANDLING,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    T2_ROWS_2019,
    T2_ROWS_2021,
    T3_ROWS_2021,
    label_of,
)
from service.schema.record import flatten

CSV_HEADER = ["file", "issuer", "year", "path", "label", "value", "page", "quote"]
_HEAD = ["文件", "单位", "年度", "格式", "状态"]


def write_cells_csv(records: list[dict[str, Any]], path: Path) -> None:
    """One row per cell of every record, UTF-8 with BOM so Excel opens it."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for record in records:
            meta = record.get("meta") or {}
            evidence = record.get("evidence") or {}
            for cell, value in flatten(record).items():
                ev = evidence.get(cell) or {}
                writer.writerow(
                    [
                        record["source"]["file"],
                        meta.get("issuer") or "",
                        meta.get("year") or "",
                        cell,
                        label_of(cell),
                        "" if value is None else value,
                        ev.get("page") or "",
                        ev.get("quote", ""),
                    ]
                )


def _t2_columns() -> list[tuple[str, str]]:
    cols: list[tuple[str, str]] = []
    for row in (*T2_ROWS_2021, *T2_ROWS_2019):
        for cell, _ in row.cells:
            path = f"active_disclosure.{row.key}.{cell}"
            if path not in dict(cols):
                cols.append((path, label_of(path)))
    return cols


def _sheets() -> dict[str, list[tuple[str, str]]]:
    t3 = [
        (
            f"applications.{row.key}.{col}",
            f"{label_of(f'applications.{row.key}.{col}').split(' / ')[0]} / {COLUMN_LABELS[col]}",
        )
        for row in (*T3_ROWS_2021, OTHER_HANDLING)
        for col in COLUMN_KEYS
    ]
    t4 = [(f"reviews.{g}.{c}", f"{gl} / {cl}") for g, gl in REVIEW_GROUPS for c, cl in REVIEW_COLUMNS]
    narrative = [
        (f"narrative.{k}", label_of(f"narrative.{k}"))
        for k in ("proactive_items", "applications_received", "fee_collected_yuan")
    ]
    return {"表二 主动公开": _t2_columns(), "表三 依申请公开": t3, "表四 复议诉讼": t4, "正文数字": narrative}


def write_xlsx(records: list[dict[str, Any]], path: Path) -> None:
    """One sheet per table (official Chinese labels, one row per report) and a findings sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, columns in _sheets().items():
        sheet = book.create_sheet(title)
        sheet.append(_HEAD + [label for _, label in columns])
        for record in records:
            values = flatten(record)
            sheet.append(_head(record) + [values.get(p) for p, _ in columns])
    sheet = book.create_sheet("发现的问题")
    sheet.append([*_HEAD, "规则", "严重程度", "说明", "涉及单元格"])
    for record in records:
        for finding in record.get("findings", []):
            sheet.append(
                _head(record)
                + [
                    finding["rule"],
                    "错误" if finding["severity"] == "error" else "提示",
                    finding["message"],
                    "；".join(finding.get("cells", [])[:30]),
                ]
            )
        if record.get("status") == "failed":
            sheet.append([*_head(record), "FAILED", "错误", record.get("error", ""), ""])
    book.save(path)


def _head(record: dict[str, Any]) -> list[Any]:
    meta = record.get("meta") or {}
    status = {"ok": "正常", "needs_review": "需复核", "failed": "读取失败"}.get(record.get("status", ""), "")
    return [record["source"]["file"], meta.get("issuer"), meta.get("year"), meta.get("format_version"), status]


def write_exports(records: list[dict[str, Any]], out_dir: Path) -> None:
    """cells.csv and reports.xlsx for a set of records."""
    write_cells_csv(records, out_dir / "cells.csv")
    write_xlsx(records, out_dir / "reports.xlsx")
