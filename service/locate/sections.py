"""The six sections 一…六 of a report, found by their headings (with the variants seen in real reports)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEAD = r"(?<![(])"
# (key, the heading after its numeral)
HEADINGS: tuple[tuple[str, str], ...] = (
    ("一", r"总\s*体\s*情\s*况"),
    ("二", r"[^。\n]{0,10}?主动公开政府信息(?:情况)?"),
    ("三", r"[^。\n]{0,10}?收到和处理政府信息公开申请(?:情况)?"),
    ("四", r"[^。\n]{0,16}?行政复议[^。\n]{0,12}?行政诉讼(?:情况)?"),
    # 存在的主要问题及改进情况, …及整改措施, 存在的不足和下一步工作打算, 主要问题和改进措施
    (
        "五",
        r"[^。\n]{0,16}?(?:存在的?|主要)(?:主要)?(?:问题|不足)[^。\n]{0,4}?(?:改进|整改|下一步|打算|努力方向)"
        r"(?:[^。\n]{0,6}?(?:情况|举措|措施|计划|打算|方向))?",
    ),
    ("六", r"其他需要报告的事项"),
)
_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6"}
_PATTERNS = [(k, re.compile(rf"{_LEAD}(?:{k}|{_DIGITS[k]})\s*[、.]\s*{h}")) for k, h in HEADINGS]
# the same headings under any numeral: some reports number their sections their own way (一、主动公开政府信息情况
# after 六、政府信息公开平台建设), so a heading not found under its own numeral is looked for under any other
_RELAXED = [(k, re.compile(rf"{_LEAD}(?:[一二三四五六七八九十]|\d{{1,2}})\s*[、.]\s*{h}")) for k, h in HEADINGS]
SECTION_NAMES = {
    "一": "总体情况",
    "二": "主动公开政府信息情况",
    "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况",
    "五": "存在的主要问题及改进情况",
    "六": "其他需要报告的事项",
}


@dataclass(frozen=True)
class Section:
    """One section: heading span and body span in the document text."""

    key: str
    start: int
    body_start: int
    end: int


def _in_order(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    cursor = 0
    for key, pattern in patterns:
        match = pattern.search(text, cursor)
        if match:
            found[key] = match.span()
            cursor = match.end()
    return found


def find_sections(text: str) -> dict[str, Section]:
    """Sections found in order; a missing heading is skipped and the next one searched from the same place.

    A heading missing under its own numeral is then looked for under any numeral, between its neighbours.
    """
    strict = _in_order(text, _PATTERNS)
    spans: dict[str, tuple[int, int]] = {}
    cursor = 0
    for i, (key, relaxed) in enumerate(_RELAXED):
        if key in strict:
            spans[key] = strict[key]
        else:
            limit = min((strict[k][0] for k, _ in _RELAXED[i + 1 :] if k in strict), default=len(text))
            match = relaxed.search(text, cursor, limit)
            if match is None:
                continue
            spans[key] = match.span()
        cursor = spans[key][1]
    found = [(key, start, end) for key, (start, end) in spans.items()]
    sections: dict[str, Section] = {}
    for i, (key, start, body_start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        sections[key] = Section(key, start, body_start, end)
    return sections


_SUB = re.compile(r"(?<![\d])\(\s*(?:[一二三四五六七八九十]|\d{1,2})\s*\)")


def subsection(text: str, section: Section, keyword: str) -> tuple[int, int]:
    """Span of the numbered subsection （一）… of ``section`` whose heading starts with ``keyword`` (a few characters
    may come first: （一）关于主动公开); else the whole section."""
    body = text[section.body_start : section.end]
    marks = list(_SUB.finditer(body))
    for i, mark in enumerate(marks):
        if keyword in body[mark.end() : mark.end() + 2 + len(keyword)]:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
            return section.body_start + mark.start(), section.body_start + end
    return section.body_start, section.end
