"""The Document every format becomes: normalised text for reading, raw text for evidence, page offsets."""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}


@dataclass
class Document:
    """Text of one report.

    ``text`` is NFKC-normalised (full-width digits and punctuation become ASCII) and is what readers
    search; ``raw`` is the text as written. ``offsets[i]`` is the index in ``raw`` of ``text[i]``.
    ``page_starts`` holds the offset in ``text`` where each page begins (empty when the format has no pages).
    Tables appear in the text as one line per row, cells separated by tabs.
    """

    raw: str
    format: str
    text: str = ""
    offsets: list[int] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.text:
            self.text, self.offsets = normalize(self.raw)

    def page_of(self, pos: int) -> int | None:
        """1-based page number of a text offset, or None for formats without pages."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, pos)

    def raw_span(self, start: int, end: int) -> str:
        """The raw text behind ``text[start:end]``."""
        if start >= end:
            return ""
        return self.raw[self.offsets[start] : self.offsets[end - 1] + 1]

    def line_around(self, start: int, end: int, limit: int = 160) -> str:
        """The raw line(s) holding ``text[start:end]``, trimmed to ``limit`` characters around the span."""
        lo = self.text.rfind("\n", 0, start) + 1
        hi = self.text.find("\n", end)
        hi = len(self.text) if hi < 0 else hi
        lo = max(lo, start - limit // 2)
        hi = min(hi, max(end, lo + limit))
        return " ".join(self.raw_span(lo, hi).split())


def normalize(raw: str) -> tuple[str, list[int]]:
    """NFKC per character, CRLF to LF, invisible characters dropped; returns text and offset map."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(raw):
        if ch in _DROP or (ch == "\r" and raw[i + 1 : i + 2] == "\n"):
            continue
        norm = "\n" if ch == "\r" else unicodedata.normalize("NFKC", ch)
        for out in norm:
            chars.append(out)
            offsets.append(i)
    return "".join(chars), offsets
