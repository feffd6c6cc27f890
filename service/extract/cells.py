"""Cell values: a token's text as a number (thousands separators, units, signs), or null for a blank."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.locate.tokens import Token

_NUM = re.compile(r"([+-]?)(\d+(?:\.\d+)?)\s?(万元|元|件|条|个|项)?")
_CHANGE = re.compile(r"([减增])\s?(\d+)")


@dataclass(frozen=True)
class Cell:
    """A cell as read: value (None when the report gives none), raw text, span in the document text."""

    value: int | float | None
    raw: str
    start: int
    end: int
    problem: str = ""  # e.g. "negative count", "not an integer"


def parse(token: Token, kind: str = "count") -> Cell:
    """The value of a token for a cell of ``kind`` (count, signed, amount)."""
    if token.kind != "num":
        return Cell(None, token.text, token.start, token.end)
    change = _CHANGE.fullmatch(token.text)
    if change:
        return _checked(int(change.group(2)) * (-1 if change.group(1) == "减" else 1), kind, token)
    match = _NUM.fullmatch(token.text.replace(",", ""))
    if match is None:
        return Cell(None, token.text, token.start, token.end, "unreadable number")
    sign, digits, unit = match.groups()
    number: float = float(digits) * (-1 if sign == "-" else 1)
    if kind == "amount" and unit == "元":
        number = number / 10000
    value: int | float = int(number) if number == int(number) and "." not in digits else number
    if kind == "amount":
        return Cell(round(number, 6) if "." in digits or unit == "元" else value, token.text, token.start, token.end)
    return _checked(value, kind, token)


def _checked(value: int | float, kind: str, token: Token) -> Cell:
    if not isinstance(value, int):
        return Cell(None, token.text, token.start, token.end, "not an integer")
    if kind == "count" and value < 0:
        return Cell(None, token.text, token.start, token.end, "negative count")
    return Cell(value, token.text, token.start, token.end)
