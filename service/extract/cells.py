"""Cell values: parsing a token into a value, and splitting run-together digits into cells."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from service.locate.tokens import Token

_NUM = re.compile(r"([+-]?)(\d+(?:\.\d+)?)(万元|元|件|条|个|项)?")
_CHANGE = re.compile(r"([减增])(\d+)")
MAX_SPLITS = 5000


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
    match = _NUM.fullmatch(token.text)
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


def split_digits(
    token: Token, groups: list[int], check: Callable[[list[int]], bool] | None = None
) -> Iterator[list[Cell]]:
    """Every way to cut a run of digits into ``sum(groups)`` numbers (no leading zeros).

    ``check`` is applied to each complete group (e.g. "the first six sum to the seventh"), so the
    search prunes as it goes. At most MAX_SPLITS readings are produced.
    """
    digits = token.text
    if not digits.isdigit():
        return
    produced = 0

    def walk(pos: int, group: int, current: list[Cell], done: list[Cell]) -> Iterator[list[Cell]]:
        nonlocal produced
        if produced >= MAX_SPLITS:
            return
        if group == len(groups):
            if pos == len(digits):
                produced += 1
                yield done
            return
        need = groups[group] - len(current)
        remaining_cells = need + sum(groups[group + 1 :])
        if len(digits) - pos < remaining_cells:
            return
        if need == 0:
            values = [int(c.value or 0) for c in current]
            if check is None or check(values):
                yield from walk(pos, group + 1, [], done + current)
            return
        max_len = len(digits) - pos - (remaining_cells - 1)
        for length in range(1, max_len + 1):
            part = digits[pos : pos + length]
            if len(part) > 1 and part[0] == "0":
                break
            start = token.start + pos
            cell = Cell(int(part), part, start, start + length)
            yield from walk(pos + length, group, [*current, cell], done)

    yield from walk(0, 0, [], [])


def sums_to_last(values: list[int]) -> bool:
    """The row identity: all cells but the last sum to the last."""
    return sum(values[:-1]) == values[-1]
