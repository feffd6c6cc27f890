"""Value tokens: the numbers, printed blanks and placeholders of table rows, with their spans in the text.

A line of free text is cut into label pieces and value groups (``scan``): a value is a number as people print
it (``95``, ``9,487``, ``5件``, ``5 件``, ``52.15``, ``+3``, ``减4``), a run of digits written together
(``170000017``), or a placeholder (``/``, ``—``, ``-``, ``无``). Digits that belong to the text are not values:
a row enumerator glued to the digits before it (``00000002.其他法律…``: ``0000000`` then the label ``2.其他法律``),
dates and rates (``2023年``, ``95%``), anything inside brackets (``（如-8）``), and numbers of the prose (``收到申请
12件，``: a number with a measure word followed by more text, or a number followed by clause punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["num", "blank", "placeholder"]

UNITS = "万元|元|件|项|条|个"
NUMBER = rf"[+-]?(?:[1-9]\d{{0,2}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:\s?(?:{UNITS}))?|[减增]\s?\d+"
_NUMBER = re.compile(NUMBER)
PLACEHOLDER = re.compile(r"/+|\\|[—–\-－]+|无|空|不适用")
CJK = re.compile(r"[\u4e00-\u9fff]")
FOOTER = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$")
ENUMERATOR = re.compile(
    r"^\s*(?:[(（]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.]|\d\s*[.、](?!\d)|第[一二三四五六七八九十]+)"
)

_CANDIDATE = re.compile(
    rf"(?P<chg>[减增]\d+)|(?P<num>[+-]?\d+(?:,\d{{3}})*(?:\.\d+)?)(?:\s?(?P<unit>{UNITS}))?|(?P<ph>[/／]+|[—–－]+|-+)"
)
_DATE_AFTER = set("年月日号时点分秒%‰")
_CLAUSE = set("，。；：！？,;:!?")
_OPEN, _CLOSE = set("(（[【"), set(")）]】")
_WORD_PLACEHOLDERS = frozenset({"无", "空", "不适用"})


@dataclass(frozen=True)
class Token:
    """A cell's value text (normalised), its kind and its span in the document text."""

    text: str
    kind: Kind
    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    """A stretch of one line: label text, or a group of value tokens written side by side."""

    label: str
    start: int
    end: int
    values: tuple[Token, ...] = ()


def classify(text: str) -> Kind | None:
    """``num``, ``placeholder`` or ``blank`` for a whole cell's text; None for label text."""
    if not text:
        return "blank"
    if _NUMBER.fullmatch(text):
        return "num"
    if PLACEHOLDER.fullmatch(text):
        return "placeholder"
    return None


def is_footer(line: str) -> bool:
    """A page number line (``- 3 -``, ``第 3 页 共 9 页``)."""
    return bool(line.strip()) and bool(FOOTER.match(line))


def starts_with_enumerator(text: str) -> bool:
    """Whether a label starts with a row enumerator (``（三）``, ``四、``, ``2.``)."""
    return bool(ENUMERATOR.match(text))


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or ch in "“”\"'（(")


def _value_spans(line: str) -> list[tuple[int, int, Kind]]:
    """Spans of the value tokens of a free-text line (see the module docstring for what is not a value)."""
    depth_at = []
    depth = 0
    for ch in line:
        depth_at.append(depth)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    spans: list[tuple[int, int, Kind]] = []
    for word in re.finditer(r"\S+", line):
        if word.group() in _WORD_PLACEHOLDERS:
            spans.append((word.start(), word.end(), "placeholder"))
    for match in _CANDIDATE.finditer(line):
        start, end = match.span()
        if depth_at[start] > 0 or any(a <= start < b for a, b, _ in spans):
            continue
        before = line[start - 1] if start else ""
        after_text = line[end:].lstrip(" ")
        after = after_text[:1]
        if match.group("ph"):
            if len(match.group("ph")) == 1 and _is_cjk(before) and _is_cjk(after):
                continue  # 本年增/减: part of a label
            spans.append((start, end, "placeholder"))
            continue
        if match.group("num") is not None:
            digits = match.group("num")
            if after in (".", "、") and digits[-1:].isdigit() and _is_cjk(after_text[1:].lstrip(" ")[:1]):
                # an enumerator glued to the digits before it: the last digit belongs to the label
                end = match.start("num") + len(digits) - 1
                if end <= start or not line[start:end].strip("+-"):
                    continue
                spans.append((start, end, "num"))
                continue
            if before == "第" or after in _DATE_AFTER:
                continue
            if after in _CLAUSE or (match.group("unit") and _is_cjk(after)):
                continue  # a number of the prose
        spans.append((start, end, "num"))
    return sorted(spans)


def scan(line: str, base: int) -> list[Piece]:
    """A free-text line cut into label pieces and value groups; ``base`` is the line's offset in the text."""
    pieces: list[Piece] = []
    cursor = 0
    group: list[Token] = []

    def flush_label(upto: int) -> None:
        text = line[cursor:upto]
        if text.strip():
            lead = len(text) - len(text.lstrip())
            stripped = text.strip()
            pieces.append(Piece(stripped, base + cursor + lead, base + cursor + lead + len(stripped)))

    for start, end, kind in _value_spans(line):
        if group and line[cursor:start].strip():
            pieces.append(Piece("", group[0].start, group[-1].end, tuple(group)))
            group = []
        if not group:
            flush_label(start)
        text = line[start:end]
        group.append(Token(text, kind, base + start, base + end))
        cursor = end
    if group:
        pieces.append(Piece("", group[0].start, group[-1].end, tuple(group)))
    else:
        flush_label(len(line))
    if group and line[cursor:].strip():
        flush_label(len(line))
    return pieces


def cell_tokens(cell: str, base: int) -> list[Piece]:
    """One grid cell: a single value token, several values (``0 0``), a blank, or label text with values."""
    stripped = cell.strip()
    start = base + (cell.find(stripped) if stripped else 0)
    kind = classify(stripped)
    if kind is not None:
        return [Piece("", start, start + len(stripped), (Token(stripped, kind, start, start + len(stripped)),))]
    return scan(cell, base)
