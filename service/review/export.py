"""The review's files: review.jsonl (one JSON object per finding) and review.xlsx (Chinese headers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.review.rules import CrossFinding

XLSX_HEADER = ["单位", "年度", "规则", "说明", "对比报告", "对比年度", "相似度", "涉及单元格", "归并后的单位"]


def finding_row(f: CrossFinding) -> dict[str, Any]:
    """One finding as plain data: who, rule, message, the other report, cells, ratio and (Y-COPY) both sections."""
    return {
        "issuer": f.issuer,
        "year": f.year,
        "rule": f.finding.rule,
        "severity": f.finding.severity,
        "message": f.finding.message,
        "other_issuer": f.other_issuer,
        "other_year": f.other_year,
        "cells": f.finding.cells,
        "ratio": f.ratio,
        "expected": f.finding.expected,
        "actual": f.finding.actual,
        "body": f.body,
        "subject": f.subject,
        "report_id": f.report_id,
        "other_report_id": f.other_report_id,
        "section": f.section,
        "text": f.text,
        "other_text": f.other_text,
    }


def write_jsonl(findings: list[CrossFinding], path: Path) -> None:
    """review.jsonl, UTF-8, one object per finding."""
    with path.open("w", encoding="utf-8") as handle:
        for f in findings:
            handle.write(json.dumps(finding_row(f), ensure_ascii=False) + "\n")


def write_xlsx(findings: list[CrossFinding], path: Path) -> None:
    """review.xlsx: one sheet 跨报告核查, one row per finding."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("跨报告核查")
    sheet.append(XLSX_HEADER)
    for f in findings:
        sheet.append(
            [
                f.issuer,
                f.year,
                f.finding.rule,
                f.finding.message,
                f.other_issuer,
                f.other_year,
                f.ratio,
                "；".join(f.finding.cells[:30]),
                f.body,
            ]
        )
    book.save(path)


def write_review(findings: list[CrossFinding], out_dir: Path) -> list[Path]:
    """Both files under ``out_dir`` (created); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "review.jsonl", out_dir / "review.xlsx"]
    write_jsonl(findings, paths[0])
    write_xlsx(findings, paths[1])
    return paths
