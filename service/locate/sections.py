"""The six sections 一…六 of a report, found by their headings (with the variants seen in real reports)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEAD = r"(?<![(])"
HEADINGS: tuple[tuple[str, str], ...] = (
    ("一", r"(?:一|1)\s*[、.]\s*总\s*体\s*情\s*况"),
    ("二", r"(?:二|2)\s*[、.]\s*[^。\n]{0,10}?主动公开政府信息(?:情况)?"),
    ("三", r"(?:三|3)\s*[、.]\s*[^。\n]{0,10}?收到和处理政府信息公开申请(?:情况)?"),
    ("四", r"(?:四|4)\s*[、.]\s*[^。\n]{0,16}?行政复议[^。\n]{0,12}?行政诉讼(?:情况)?"),
    ("五", r"(?:五|5)\s*[、.]\s*[^。\n]{0,16}?存在的?(?:主要)?问题(?:及|和)?改进(?:情况|举措|措施)?"),
    ("六", r"(?:六|6)\s*[、.]\s*其他需要报告的事项"),
)
_PATTERNS = [(key, re.compile(_LEAD + pattern)) for key, pattern in HEADINGS]
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


def find_sections(text: str) -> dict[str, Section]:
    """Sections found in order; a missing heading is skipped and the next one searched from the same place."""
    found: list[tuple[str, int, int]] = []
    cursor = 0
    for key, pattern in _PATTERNS:
        match = pattern.search(text, cursor)
        if match:
            found.append((key, match.start(), match.end()))
            cursor = match.end()
    sections: dict[str, Section] = {}
    for i, (key, start, body_start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        sections[key] = Section(key, start, body_start, end)
    return sections


_SUB = re.compile(r"(?<![\d])\(\s*(?:[一二三四五六七八九十]|\d{1,2})\s*\)")


def subsection(text: str, section: Section, keyword: str) -> tuple[int, int]:
    """Span of the numbered subsection （一）… of ``section`` whose heading holds ``keyword``; else the section."""
    body = text[section.body_start : section.end]
    marks = list(_SUB.finditer(body))
    for i, mark in enumerate(marks):
        if keyword in body[mark.end() : mark.end() + 12]:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
            return section.body_start + mark.start(), section.body_start + end
    return section.body_start, section.end
