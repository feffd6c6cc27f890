"""Checking a model's evidence: its quote must occur in the text it was given and contain the number."""

from __future__ import annotations

import re

from service.ingest.document import normalize

BLANK_MARKS = ("/", "—", "–", "-", "无")
_ZERO_WORDS = re.compile(r"未|没有|无|不存在|免")


def _squeeze(text: str) -> str:
    return "".join(text.split())


class Source:
    """Spans of the normalised document text sent to the model, searchable without whitespace."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        chars: list[str] = []
        self._pos: list[int] = []
        for start, end in spans:
            for i in range(start, end):
                if not text[i].isspace():
                    chars.append(text[i])
                    self._pos.append(i)
            chars.append("\x00")  # a quote never runs from one span into the next
            self._pos.append(end)
        self._text = "".join(chars)

    def find(self, quote: str) -> tuple[int, int] | None:
        """The span in the document text of ``quote``, normalised like the document and compared without whitespace."""
        wanted = _squeeze(normalize(quote)[0])
        if not wanted:
            return None
        at = self._text.find(wanted)
        if at < 0:
            return None
        return self._pos[at], self._pos[at + len(wanted) - 1] + 1


def number_forms(value: int | float) -> set[str]:
    """The ways a number may be printed (sign dropped: a change may be printed as 减4)."""
    number = abs(value)
    if float(number).is_integer():
        return {str(int(number))}
    return {repr(float(number)), f"{number:g}", f"{number:f}".rstrip("0")}


def has_number(quote: str, value: int | float, *, zero_words: bool = False) -> bool:
    """Whether the quote shows the number (digits may run together with the next cell's digits).

    With ``zero_words``, a zero may also be stated in words (e.g. 未收取信息处理费).
    """
    text = _squeeze(normalize(quote)[0]).replace(",", "")
    if any(form in text for form in number_forms(value)):
        return True
    return zero_words and value == 0 and bool(_ZERO_WORDS.search(text))


def blank_mark(quote: str) -> str | None:
    """The blank placeholder a quote shows: / or — anywhere, - or 无 as a cell of their own (无法提供 is a label)."""
    text = normalize(quote)[0]
    tokens = text.split()
    return next((m for m in BLANK_MARKS if (m in text if m in "/—–" else m in tokens)), None)
