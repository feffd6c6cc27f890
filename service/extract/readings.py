"""Readings of a printed row: every way its value tokens can fill the row's cells.

- as many tokens as cells (after dropping blank padding at either end): one reading;
- one token too many: the first or the last is extra, or a stray space cut one number in two;
- too few tokens: digits run together (``170000017``, ``230 000023``) are cut into cells, spaces read as cell
  boundaries or, one at a time, as stray; no number with a leading zero; a sign starts a cell (``97+82179``:
  97, +8…); a run of one placeholder (``//``) may be several blank cells;
- anything else: no reading (the row cannot be read).

Which reading is right is decided elsewhere, by the identities of the form and the numbers of the prose.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from service.extract.cells import Cell, parse
from service.locate.tokens import Token

MAX_READINGS = 5000
Reading = list[Cell]
_RUN = re.compile(r"([+-]?)(\d+)(\.\d+)?(万元|元)?")


def trims(tokens: tuple[Token, ...] | list[Token], width: int) -> list[list[Token]]:
    """Ways to drop blank padding at the ends while there are more tokens than cells.

    A blank at the end of a row may be padding or the row's last cell left blank, and so may one at its start:
    when blanks could go from either end, each way is a reading (the identities choose).
    """
    out = list(tokens)
    excess = len(out) - width
    if excess <= 0:
        return [out]
    lead = next((i for i, t in enumerate(out) if t.kind != "blank"), len(out))
    if lead == len(out):
        return [out[:width]]  # nothing but blanks
    tail = next(i for i, t in enumerate(reversed(out)) if t.kind != "blank")
    if lead + tail < excess:
        return [out[lead : len(out) - tail]]  # more tokens than cells even without any blank at the ends
    return [out[i : len(out) - (excess - i)] for i in range(max(0, excess - tail), min(lead, excess) + 1)]


def fit(tokens: tuple[Token, ...] | list[Token], width: int) -> list[Token]:
    """Blank padding dropped, from the end first."""
    return trims(tokens, width)[0] if len(tokens) > width else list(tokens)


def cuts(token: Token, parts: int) -> Iterator[list[Token]]:
    """Every way to cut a token of digits (no leading zeros) or of placeholders written together into ``parts``."""
    if token.kind == "placeholder" and parts > 1:
        for cut in itertools.combinations(range(1, len(token.text)), parts - 1):
            bounds = (0, *cut, len(token.text))
            yield [
                Token(token.text[a:b], "placeholder", token.start + a, token.start + b)
                for a, b in itertools.pairwise(bounds)
            ]
        return
    match = _RUN.fullmatch(token.text)
    if match is None or token.kind != "num":
        if parts == 1:
            yield [token]
        return
    sign, digits, fraction, unit = match.groups()
    if parts == 1:
        yield [token]
        return
    offset = token.start + len(sign)
    for cut in itertools.combinations(range(1, len(digits)), parts - 1):
        bounds = (0, *cut, len(digits))
        pieces = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        out = []
        for i, (a, b) in enumerate(itertools.pairwise(bounds)):
            text = pieces[i]
            start, end = offset + a, offset + b
            if i == 0 and sign:
                text, start = sign + text, token.start
            if i == parts - 1:
                text += (fraction or "") + (unit or "")
                end = token.end
            out.append(Token(text, "num", start, end))
        yield out


def _splittable(token: Token) -> int:
    """How many cells a token can become at most."""
    if token.kind == "placeholder" and len(set(token.text)) == 1:
        return len(token.text)  # "//" may be two blank cells
    match = _RUN.fullmatch(token.text)
    return len(match.group(2)) if match and token.kind == "num" else 1


def _spread(limits: list[int], extra: int) -> Iterator[list[int]]:
    """Ways to give ``extra`` more cells to tokens, each at most ``limits[i] - 1`` more."""
    if not limits:
        if extra == 0:
            yield []
        return
    for more in range(min(extra, limits[0] - 1) + 1):
        for rest in _spread(limits[1:], extra - more):
            yield [more, *rest]


def readings(
    tokens: tuple[Token, ...] | list[Token],
    kinds: list[str],
    keep: Callable[[Reading], bool] | None = None,
) -> list[Reading]:
    """The readings of a row's tokens for cells of ``kinds`` (count, signed, amount); ``keep`` filters them."""
    width = len(kinds)
    options: list[list[Token]] = []
    for fitted in trims(tokens, width):
        if len(fitted) == width:
            options.append(fitted)
        elif len(fitted) == width + 1 and all(t.kind == "num" for t in fitted):
            options += [fitted[1:], fitted[:-1], *_merges(fitted)]
        elif 0 < len(fitted) < width:
            for variant in (fitted, *_merges(fitted)):
                options += _spread_options(variant, kinds)
    out = []
    for option in options:
        reading = [parse(t, k) for t, k in zip(option, kinds, strict=True)]
        if keep is None or keep(reading):
            out.append(reading)
    return out


def distinct(options: list[Reading]) -> list[Reading]:
    """Readings with different values (a row of eight zeros reads the same whichever zero is extra)."""
    seen: dict[tuple[int | float | None, ...], Reading] = {}
    for reading in options:
        seen.setdefault(tuple(c.value for c in reading), reading)
    return list(seen.values())


def sums_hold(groups: list[int]) -> Callable[[Reading], bool]:
    """A filter: every group of cells without a null sums to its last cell (T3-ROW, T4-SUM)."""

    def hold(reading: Reading) -> bool:
        pos = 0
        for size in groups:
            values = [c.value for c in reading[pos : pos + size]]
            pos += size
            if None not in values and sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
                return False
        return True

    return hold


def _merges(tokens: list[Token]) -> list[list[Token]]:
    """The tokens with one space between two runs of digits read as stray (the two runs joined)."""
    out = []
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if a.text.isdigit() and b.text.isdigit() and a.text != "0":
            out.append([*tokens[:i], Token(a.text + b.text, "num", a.start, b.end), *tokens[i + 2 :]])
    return out


def _spread_options(tokens: list[Token], kinds: list[str]) -> list[list[Token]]:
    """Every way to cut the run-together tokens so that they fill the cells of ``kinds``."""
    options: list[list[Token]] = []
    limits = [_splittable(t) for t in tokens]
    for spread in _spread(limits, len(kinds) - len(tokens)):
        choices = [list(cuts(t, 1 + more)) for t, more in zip(tokens, spread, strict=True)]
        for combo in itertools.product(*choices):
            option = [t for part in combo for t in part]
            if "signed" in kinds and any(
                t.text[:1] in "+-增减" and k != "signed" for t, k in zip(option, kinds, strict=True)
            ):
                continue  # a sign printed in a row with a change column starts the change cell
            options.append(option)
            if len(options) >= MAX_READINGS:
                return options
    return options
