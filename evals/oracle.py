"""Scripts for the fake OpenAI server: a reader who knows the right values and quotes the text it was sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from evals.fake_openai import Answer, Reply, schema_name, user_text

CELL_LINE = re.compile(r"^- ([a-z_]+\.[a-z_]+\.[a-z_]+) \|", re.M)
SENT = re.compile(r"<<<\n(.*?)\n>>>", re.S)
Value = int | float | None


def requested_cells(body: dict[str, Any]) -> list[str]:
    """The cell paths a table request lists."""
    return CELL_LINE.findall(user_text(body))


def sent_text(body: dict[str, Any]) -> str:
    """The report text a request carries (between <<< and >>>)."""
    found = SENT.search(user_text(body))
    return found.group(1) if found else ""


def is_repair(body: dict[str, Any]) -> bool:
    """Whether a request is the re-ask after a broken identity."""
    return "勾稽关系不成立" in user_text(body)


def quote_for(text: str, value: Value | str) -> str:
    """A verbatim fragment of one line of ``text`` that shows ``value`` ("" when it does not occur)."""
    form = value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)
    for line in text.splitlines():
        at = line.find(form)
        if at >= 0:
            return line.strip() if len(line) <= 80 else line[max(0, at - 24) : at + len(form) + 8].strip()
    return ""


_NUMBERS = re.compile(r"[\d\s/—\-.,+]*")


def row_quote(text: str, path: str) -> str:
    """The row of a cell as a reader would quote it: its label and the numbers printed after it (≤ 100 chars)."""
    table, row, _ = path.split(".")
    if table == "reviews":  # one row of fifteen numbers
        runs = [m for m in re.finditer(r"(?:\d[\s/—\-]*){15,}", text)]
        return runs[-1].group().strip() if runs else ""
    label = _row_label(table, row)
    at = text.find(label)
    if at < 0:
        return ""
    numbers = _NUMBERS.match(text, at + len(label))
    end = numbers.end() if numbers else at + len(label)
    return text[at:end].strip()[:100]


def _row_label(table: str, row: str) -> str:
    """A distinctive part of a row's official label (no enumerator, no note)."""
    from service.schema.fields import OTHER_HANDLING, T2_ROWS_2019, T2_ROWS_2021, T3_ROWS_2021

    if table == "applications":
        label = next(r.label for r in (*T3_ROWS_2021, OTHER_HANDLING) if r.key == row)
        label = re.sub(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d\.)", "", label)
        return re.sub(r"[（(].*$", "", label)[:8]
    return next(r.label for r in (*T2_ROWS_2021, *T2_ROWS_2019) if r.key == row)


def cells_answer(text: str, paths: list[str], truth: dict[str, Value]) -> dict[str, Any]:
    """Each requested cell with its true value and its row as the quote; cells without a true value come back null."""
    cells = []
    for path in paths:
        if path in truth and truth[path] is not None:
            cells.append({"path": path, "value": truth[path], "quote": row_quote(text, path)})
        else:
            cells.append({"path": path, "value": None, "quote": ""})
    return {"cells": cells}


def prose_answer(text: str, truth: dict[str, Any] | None = None) -> dict[str, Any]:
    """A prose answer: values given (quoted, or as ``(value, quote)``) or null; the lists given or one item each."""
    truth = truth or {}

    def quoted(key: str) -> dict[str, Any]:
        value = truth.get(key)
        if isinstance(value, tuple):  # (value, quote) given by the test
            return {"value": value[0], "quote": value[1]}
        return {"value": value, "quote": quote_for(text, value) if value is not None else ""}

    return {
        "issuer": quoted("issuer"),
        "year": quoted("year"),
        "proactive_items": quoted("proactive_items"),
        "applications_received": quoted("applications_received"),
        "fee_collected_yuan": quoted("fee_collected_yuan"),
        "problems": truth.get("problems", ["信息发布不够及时"]),
        "improvements": truth.get("improvements", ["加强审核和发布管理"]),
    }


def oracle(truth: dict[str, Value], prose: dict[str, Any] | None = None) -> Callable[[dict[str, Any]], Reply]:
    """A script answering table requests from ``truth`` and prose requests from ``prose``."""

    def script(body: dict[str, Any]) -> Reply:
        if schema_name(body) == "TableAnswer":
            return Answer(cells_answer(sent_text(body), requested_cells(body), truth))
        return Answer(prose_answer(sent_text(body), prose))

    return script
