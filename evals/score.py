"""Scoring an extracted record against its gold: cells, meta, findings per rule, status, silent reads.

A cell is wrong when it differs from the gold: either a value where the gold has another value or null (a wrong
value: the worst case), or null where the gold has a value (a miss, flagged or not). A record is a silent read when
it says ``ok`` while any scored cell is wrong. Findings match by rule and, when the gold names cells, by cells: a
found finding matches an expected one when it names every cell the gold names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from service.schema.record import flatten

META_KEYS = ("issuer", "year", "format_version")


def table_of(path: str) -> str:
    """Which table a cell path belongs to: 表二, 表三, 表四, 正文 or meta."""
    head = path.split(".")[0]
    return {"active_disclosure": "表二", "applications": "表三", "reviews": "表四", "narrative": "正文"}.get(
        head, "meta"
    )


@dataclass
class CaseScore:
    """Scores of one record against one gold."""

    name: str
    group: str
    cells: int = 0
    right: int = 0
    by_table: Counter[str] = field(default_factory=Counter)
    right_by_table: Counter[str] = field(default_factory=Counter)
    wrong: list[tuple[str, Any, Any]] = field(default_factory=list)
    wrong_values: int = 0  # wrong cells holding a value (not null)
    table_cells: int = 0  # scored cells of tables 二/三/四
    table_right: int = 0
    silent: bool = False  # status ok with a wrong cell
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    status_ok: bool = True

    @property
    def all_correct(self) -> bool:
        """Every scored cell right."""
        return self.cells == self.right


def _same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected == actual)
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(expected - actual) < 1e-6
    return type(expected) is type(actual) and bool(expected == actual)


def score_case(name: str, group: str, record: dict[str, Any], gold: dict[str, Any]) -> CaseScore:
    """Cells absent from gold are not scored; null vs 0 is wrong; findings are matched by rule and cells."""
    score = CaseScore(name, group)
    actual = flatten(record)
    meta = record.get("meta") or {}
    expected_cells: dict[str, Any] = dict(gold.get("cells", {}))
    for key in META_KEYS:
        if key in (gold.get("meta") or {}):
            expected_cells[f"meta.{key}"] = gold["meta"][key]
    for path, expected in expected_cells.items():
        got = meta.get(path[5:]) if path.startswith("meta.") else actual.get(path, "<absent>")
        table = table_of(path)
        score.cells += 1
        score.by_table[table] += 1
        right = _same(expected, got)
        if table in ("表二", "表三", "表四"):
            score.table_cells += 1
            score.table_right += int(right)
        if right:
            score.right += 1
            score.right_by_table[table] += 1
        else:
            score.wrong.append((path, expected, got))
            score.wrong_values += int(got is not None and got != "<absent>" and table != "meta")
    _match_findings(score, gold.get("expected_findings", []), record.get("findings", []))
    score.silent = record.get("status") == "ok" and any(table_of(p) != "meta" for p, _, _ in score.wrong)
    if "expected_status" in gold:
        score.status_ok = record.get("status") == gold["expected_status"]
    return score


def _merged(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    """Findings with those of ``rule`` merged into one (AMBIGUOUS: one per row or one per report is the same news)."""
    same = [f for f in findings if f["rule"] == rule]
    if len(same) < 2:
        return list(findings)
    cells = [c for f in same for c in f.get("cells") or []]
    return [f for f in findings if f["rule"] != rule] + [{"rule": rule, "cells": cells}]


def _match_findings(score: CaseScore, expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> None:
    """Pair expected with found findings of the same rule whose cells include the gold's cells."""
    expected, left = _merged(expected, "AMBIGUOUS"), _merged(found, "AMBIGUOUS")
    for want in expected:
        cells = set(want.get("cells") or [])
        hit = next((f for f in left if f["rule"] == want["rule"] and cells <= set(f.get("cells") or [])), None)
        if hit is None:
            score.fn[want["rule"]] += 1
        else:
            score.tp[want["rule"]] += 1
            left.remove(hit)
    for extra in left:
        score.fp[extra["rule"]] += 1


@dataclass
class Summary:
    """Aggregate figures over a set of case scores; a figure a suite does not measure is None (never a constant)."""

    cases: int
    cell_accuracy: float | None
    table_accuracy: dict[str, float]
    all_correct_rate: float | None
    findings_precision: float | None
    findings_recall: float | None
    per_rule: dict[str, dict[str, float]]
    status_agreement: float | None
    cells: int = 0
    wrong_values: int | None = None
    silent_reads: int | None = None
    table_cell_accuracy: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON reports."""
        return dict(self.__dict__)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 6) if b else 1.0


def summarize(scores: list[CaseScore]) -> Summary:
    """Cell accuracy (overall and per table), all-correct rate, findings precision/recall per rule, status."""
    cells = sum(s.cells for s in scores)
    right = sum(s.right for s in scores)
    by_table: Counter[str] = Counter()
    right_by_table: Counter[str] = Counter()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for s in scores:
        by_table.update(s.by_table)
        right_by_table.update(s.right_by_table)
        tp.update(s.tp)
        fp.update(s.fp)
        fn.update(s.fn)
    rules = sorted(set(tp) | set(fp) | set(fn))
    per_rule = {
        r: {
            "precision": _ratio(tp[r], tp[r] + fp[r]),
            "recall": _ratio(tp[r], tp[r] + fn[r]),
            "expected": tp[r] + fn[r],
            "found": tp[r] + fp[r],
        }
        for r in rules
    }
    return Summary(
        cases=len(scores),
        cell_accuracy=_ratio(right, cells),
        table_accuracy={t: _ratio(right_by_table[t], by_table[t]) for t in sorted(by_table)},
        all_correct_rate=_ratio(sum(1 for s in scores if s.all_correct), len(scores)),
        findings_precision=_ratio(sum(tp.values()), sum(tp.values()) + sum(fp.values())),
        findings_recall=_ratio(sum(tp.values()), sum(tp.values()) + sum(fn.values())),
        per_rule=per_rule,
        status_agreement=_ratio(sum(1 for s in scores if s.status_ok), len(scores)),
        cells=cells,
        wrong_values=sum(s.wrong_values for s in scores),
        silent_reads=sum(1 for s in scores if s.silent),
        table_cell_accuracy=_ratio(sum(s.table_right for s in scores), sum(s.table_cells for s in scores)),
    )
