"""Cells of a table region as tokens: values, blanks and placeholders, with their text offsets.

A region is read in one of three layouts: ``cells`` (one cell per line, each line starting with a tab,
rows separated by empty lines; docx-derived text), ``tabs`` (one row per line, cells separated by tabs;
HTML/DOCX grids are rendered this way) or ``spaces`` (cells separated by spaces, or run together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["num", "blank", "placeholder"]
Layout = Literal["cells", "tabs", "spaces"]

NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:万元|元|件|条|个|项)?|[减增]\d+")
PLACEHOLDER = re.compile(r"/+|\\|[—–\-]+|无|空|不适用|/")
CJK = re.compile(r"[\u4e00-\u9fff]")
FOOTER = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$")


@dataclass(frozen=True)
class Token:
    """A value-ish cell: its text (normalised), kind and span in the document text."""

    text: str
    kind: Kind
    start: int
    end: int


def detect_layout(region: str) -> Layout:
    """Which of the three layouts a table region is written in."""
    lines = [line for line in region.split("\n") if line.strip()]
    if not lines:
        return "spaces"
    one_cell = sum(1 for line in lines if line.startswith("\t") and line.count("\t") == 1)
    if one_cell >= 0.6 * len(lines):
        return "cells"
    tabbed = sum(1 for line in lines if "\t" in line.strip("\n"))
    return "tabs" if tabbed >= 0.3 * len(lines) else "spaces"


def classify(text: str) -> Kind | None:
    """``num``, ``placeholder`` or ``blank`` for a value-ish cell text; None for label text."""
    if not text:
        return "blank"
    if NUMBER.fullmatch(text):
        return "num"
    if PLACEHOLDER.fullmatch(text):
        return "placeholder"
    return None


def _field_tokens(line: str, base: int, layout: Layout, *, keep_blanks: bool) -> list[Token]:
    """Tokens of one (partial) line; ``base`` is the offset of ``line`` in the document text."""
    if FOOTER.match(line) and line.strip():
        return []
    out: list[Token] = []
    if layout == "cells" and keep_blanks:
        stripped = line.strip()
        kind = classify(stripped)
        if kind is not None and (stripped or "\t" in line):
            start = base + line.find(stripped) if stripped else base
            out.append(Token(stripped, kind, start, start + len(stripped)))
        return out
    if layout == "tabs" and "\t" in line:
        pos = 0
        for field in line.split("\t"):
            stripped = field.strip()
            kind = classify(stripped)
            if kind is not None and (stripped or keep_blanks):
                start = base + pos + (field.find(stripped) if stripped else 0)
                out.append(Token(stripped, kind, start, start + len(stripped)))
            pos += len(field) + 1
        return out
    for match in re.finditer(r"\S+", line):
        out += compact_tokens(match.group(), base + match.start())
    return out


_COMPACT = re.compile(r"[\d/—–\-.]+")
_PIECE = re.compile(r"\d+(?:\.\d+)?|[/—–\-]")


def compact_tokens(text: str, base: int) -> list[Token]:
    """A value token, or a run of digits and placeholders written together ("77//" → 77, /, /)."""
    kind = classify(text)
    if kind is not None:
        return [Token(text, kind, base, base + len(text))]
    if not _COMPACT.fullmatch(text):
        return []
    return [
        Token(m.group(), classify(m.group()) or "num", base + m.start(), base + m.end()) for m in _PIECE.finditer(text)
    ]


def gap_tokens(text: str, start: int, end: int, layout: Layout) -> list[Token]:
    """Value tokens of ``text[start:end]``, the stretch between a row label and the next label.

    The first partial line is the rest of the label's own line: its first field is the tail of the
    label cell. The last partial line is the start of the next label's line: its fields are padding.
    """
    gap = text[start:end]
    lines = gap.split("\n")
    tokens: list[Token] = []
    pos = start
    for i, line in enumerate(lines):
        first, last = i == 0, i == len(lines) - 1 and len(lines) > 1
        if first and layout == "tabs" and "\t" in line:
            cut = line.index("\t") + 1
            tokens += _field_tokens(line[cut:], pos + cut, layout, keep_blanks=True)
        elif first or last:
            tokens += _field_tokens(line, pos, "spaces", keep_blanks=False)
        else:
            tokens += _field_tokens(line, pos, layout, keep_blanks=True)
        pos += len(line) + 1
    return tokens


def region_tokens(text: str, start: int, end: int, layout: Layout) -> list[Token]:
    """Value tokens of the lines of a region that hold no label text (table 4's value row)."""
    tokens: list[Token] = []
    pos = start
    for line in text[start:end].split("\n"):
        if not CJK.search(line):
            tokens += _field_tokens(line, pos, layout, keep_blanks=layout != "spaces")
        pos += len(line) + 1
    return tokens


def fit(tokens: list[Token], width: int) -> list[Token]:
    """Drop padding blanks at either end while there are more tokens than cells."""
    out = list(tokens)
    while len(out) > width and out[-1].kind == "blank":
        out.pop()
    while len(out) > width and out[0].kind == "blank":
        out.pop(0)
    return out
