"""What an answer is: its text, what it understood, the values code computed for it, and its citations."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from service.qa.query import Query
from service.qa.subjects import cell_labels
from service.store import CellRow

NOT_FOUND = "报告中没有找到"
SECTION_OF = {"active_disclosure": "二", "applications": "三", "reviews": "四"}


class Citation(BaseModel):
    """Where a number or passage of an answer comes from (a cell: its table, official labels and printed value)."""

    issuer: str | None
    year: int | None
    section: str
    page: int | None
    quote: str
    path: str | None = None
    label: str | None = None
    value: float | None = None
    report_id: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    printed: str | None = None
    rule: str | None = None


class Item(BaseModel):
    """One report's number in a numeric answer."""

    issuer: str | None
    year: int | None
    value: float | None


class Answer(BaseModel):
    """An answer in plain Chinese with its citations; numeric answers also carry their result as data.

    ``understood`` is the query as understood (the first line of ``answer``); ``facts`` every number code computed
    or read for this answer (an LLM's wording may show these and no others).
    """

    answer: str
    citations: list[Citation]
    mode: Literal["offline", "llm"] = "offline"
    route: str
    found: bool = True
    value: float | None = None
    items: list[Item] = []
    understood: str = ""
    facts: list[float] = []
    query: Query | None = None


def num(value: float | None) -> str:
    """A number as shown (no trailing .0); None is 未填报."""
    if value is None:
        return "未填报"
    return str(int(value)) if float(value).is_integer() else f"{round(value, 4):.10g}"  # 18651.06 as printed


def who(issuer: str | None, year: int | None) -> str:
    """巨各庄镇 2023年."""
    return f"{issuer or '（未知单位）'}{f' {year}年' if year else ''}"


def section_of(path: str) -> str:
    """The report section a cell path belongs to (二 三 四; 一 and 六 for numbers stated in the prose)."""
    head = path.split(".")[0]
    if head == "narrative":
        return "六" if path.endswith("fee_collected_yuan") else "一"
    return SECTION_OF.get(head, "")


def cite(cell: CellRow) -> Citation:
    """A cell as a citation: body, year, table, official row and column, printed value, quote, page."""
    table, row, column = cell_labels(cell.path)
    return Citation(
        issuer=cell.issuer,
        year=cell.year,
        section=section_of(cell.path),
        page=cell.page,
        quote=cell.quote or cell.raw or "",
        path=cell.path,
        label=cell.label,
        value=cell.value,
        report_id=cell.report_id,
        table=table,
        row=row,
        column=column,
        printed=cell.raw if cell.raw not in (None, "") else num(cell.value) if cell.value is not None else None,
    )


_NOT_VALUES = re.compile(r"“[^”]*”|\[\d+\]|第\s*\d+\s*页|(?:^|\n)\d+\.\s|[A-Z][A-Z0-9]*-[A-Z-]+")
_CN_COUNT = re.compile(r"[一二两三四五六七八九十][一二两三四五六七八九十百千万]*\s*[件个份条项家次]")
_PASSAGE = re.compile(r"^\[\d+\] .*$", re.MULTILINE)


_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _chinese(numeral: str) -> float | None:
    """一 … 九十九 as a number (larger or unusual numerals: None, they cannot be checked)."""
    text = numeral.rstrip("件个份条项家次").strip()
    tens, _, ones = text.partition("十") if "十" in text else ("", "", text)
    if any(c not in _CN_DIGIT for c in tens + ones) or len(tens) > 1 or len(ones) > 1:
        return None
    value = (_CN_DIGIT.get(tens, 1) * 10 if "十" in text else 0) + _CN_DIGIT.get(ones, 0)
    return float(value) if value else None


def unverified(text: str, facts: list[float]) -> list[str]:
    """Numbers in a text that are not a value code computed for the answer (digits, and 一…九十九 before a unit)."""
    known = [round(f, 4) for f in facts]

    def fits(value: float | None) -> bool:
        return value is not None and any(abs(value - f) < 1e-6 or abs(round(f, 1) - value) < 1e-6 for f in known)

    clean = _NOT_VALUES.sub(" ", text)
    bad = [n for n in re.findall(r"\d+(?:\.\d+)?", clean) if not fits(float(n))]
    return bad + [n for n in _CN_COUNT.findall(clean) if not fits(_chinese(n))]


def unsupported_numbers(result: Answer) -> list[str]:
    """Numbers shown in an answer that code did not compute or read for it (quoted passages aside)."""
    return unverified(_PASSAGE.sub(" ", result.answer), result.facts)
