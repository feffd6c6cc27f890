"""Template reader for tables 2, 3 and 4.

Each row yields one or more candidate readings (a row with a cell too many, digits run together); the
identities of the form choose among them (T3-ROW per row, then T3-SUM / T3-BAL per column, T4-SUM per
group), helped by numbers stated in the prose. When more than one reading survives, the cells that differ
stay null and are reported as ambiguous. The printed numbers are never changed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from service.extract.cells import Cell, parse, split_digits, sums_to_last
from service.locate.rows import Located, locate_t2, locate_t3
from service.locate.tokens import Layout, Token, compact_tokens, fit, gap_tokens, region_tokens
from service.schema.fields import AMOUNT_CELLS, COLUMN_KEYS, REVIEW_COLUMNS, REVIEW_GROUPS, SIGNED_CELLS

MAX_COMBINATIONS = 20000
Reading = list[Cell]


@dataclass
class TableRead:
    """What the reader found in one table."""

    cells: dict[str, Cell] = field(default_factory=dict)
    ambiguous: dict[str, list[int | float | None]] = field(default_factory=dict)
    quotes: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> span of the row text
    problems: list[str] = field(default_factory=list)
    found: bool = False
    single_other_row: bool = False


def _readings(tokens: list[Token], width: int, kinds: list[str], groups: list[int] | None = None) -> list[Reading]:
    fitted = fit(tokens, width)
    if len(fitted) == width:
        return [[parse(t, k) for t, k in zip(fitted, kinds, strict=True)]]
    nums = [t for t in fitted if t.kind == "num"]
    if len(fitted) == width + 1 and len(nums) == len(fitted):
        return [[parse(t, k) for t, k in zip(ts, kinds, strict=True)] for ts in (fitted[1:], fitted[:-1])]
    runs = [i for i, t in enumerate(fitted) if t.kind == "num"]
    if len(runs) == 1 and fitted[runs[0]].text.isdigit() and len(fitted) < width:
        at = runs[0]
        parts = width - (len(fitted) - 1)
        head = [parse(t, k) for t, k in zip(fitted[:at], kinds, strict=False)]
        tail = [parse(t, k) for t, k in zip(fitted[at + 1 :], kinds[at + parts :], strict=True)]
        if len(fitted) == 1:
            check = sums_to_last if groups else None
            found = list(split_digits(fitted[0], groups or [width], check))
            if found or check is None:
                return found
        found = [head + middle + tail for middle in split_digits(fitted[at], [parts])]
        kept = [r for r in found if _groups_hold(r, groups)] if groups else found
        return kept or found
    return []


def _groups_hold(reading: Reading, groups: list[int]) -> bool:
    """Every group without a null sums to its last cell."""
    pos = 0
    for size in groups:
        values = [c.value for c in reading[pos : pos + size]]
        pos += size
        if None not in values and sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
            return False
    return True


def _aligned(text: str, start: int, located: list[Located], layout: Layout, widths: list[int]) -> list[list[Token]]:
    """Value tokens per row: after each label, or before it when the rows print their numbers first."""
    after = [gap_tokens(text, loc.label_end, loc.gap_end, layout) for loc in located]
    before = [
        gap_tokens(text, located[i - 1].label_end if i else start, loc.label_start, layout)
        for i, loc in enumerate(located)
    ]

    def complete(rows: list[list[Token]]) -> int:
        return sum(1 for tokens, width in zip(rows, widths, strict=True) if _readings(tokens, width, ["count"] * width))

    return before if complete(before) > complete(after) else after


def _row_span(loc: Located, readings: list[Reading]) -> tuple[int, int]:
    ends = [c.end for r in readings for c in r]
    starts = [c.start for r in readings for c in r]
    return min([loc.label_start, *starts]), max([loc.label_end, *ends])


def _choose(
    table: TableRead,
    rows: list[tuple[str, list[str], list[Reading]]],
    score: Callable[[list[Reading | None]], int],
) -> None:
    """Pick the readings of multi-reading rows that satisfy the most identities; record what stays ambiguous."""
    rows = [(key, paths, _distinct(readings)) for key, paths, readings in rows]
    multi = [i for i, (_, _, rs) in enumerate(rows) if len(rs) > 1]
    combos = 1
    for i in multi:
        combos *= len(rows[i][2])
    chosen: list[list[Reading]] = [[rs[0]] if rs else [] for _, _, rs in rows]
    if multi and combos <= MAX_COMBINATIONS:
        best: list[tuple[Reading, ...]] = []
        best_score = -1
        for combo in itertools.product(*(rows[i][2] for i in multi)):
            current: list[Reading | None] = [rs[0] if rs else None for _, _, rs in rows]
            for i, reading in zip(multi, combo, strict=True):
                current[i] = reading
            value = score(current)
            if value > best_score:
                best, best_score = [combo], value
            elif value == best_score:
                best.append(combo)
        for pos, i in enumerate(multi):
            chosen[i] = [combo[pos] for combo in best]
    else:
        for i in multi:
            chosen[i] = rows[i][2]
    for i, (_, paths, _) in enumerate(rows):
        options = chosen[i]
        if not options:
            continue
        for col, path in enumerate(paths):
            values = sorted({r[col].value for r in options}, key=lambda v: (v is None, v))
            if len(values) == 1:
                table.cells[path] = options[0][col]
            else:
                table.ambiguous[path] = values


def _distinct(readings: list[Reading]) -> list[Reading]:
    """Readings with different values (a row of eight zeros reads the same whichever zero is extra)."""
    seen: dict[tuple[int | float | None, ...], Reading] = {}
    for reading in readings:
        seen.setdefault(tuple(c.value for c in reading), reading)
    return list(seen.values())


def _values(reading: Reading | None) -> list[int | float | None]:
    return [c.value for c in reading] if reading else [None] * len(COLUMN_KEYS)


def read_t3(text: str, start: int, end: int, layout: Layout, hints: dict[str, int]) -> TableRead:
    """Table 3: 25 rows (23 with a single （六）其他处理 row) × 7 columns."""
    table = TableRead()
    located, table.single_other_row = locate_t3(text, start, end)
    if len(located) < 5:
        return table
    table.found = True
    width = len(COLUMN_KEYS)
    kinds = ["count"] * width
    gaps = _aligned(text, start, located, layout, [width] * len(located))
    per_row = [_readings(tokens, width, kinds, [width]) for tokens in gaps]
    if any(not r for r in per_row):
        bounds = [loc.label_start for loc in located[1:]] + [end]
        flat = [
            t for loc, stop in zip(located, bounds, strict=True) for t in gap_tokens(text, loc.label_end, stop, layout)
        ]
        flat = [t for t in flat if t.kind != "blank"] if len(flat) != width * len(located) else flat
        if len(flat) == width * len(located):
            per_row = [[[parse(t) for t in flat[i * width : (i + 1) * width]]] for i in range(len(located))]
        else:
            table.problems += [f"表三 {loc.key} 行无法读取" for loc, r in zip(located, per_row, strict=True) if not r]
    rows = []
    for loc, readings in zip(located, per_row, strict=True):
        paths = [f"applications.{loc.key}.{c}" for c in COLUMN_KEYS]
        rows.append((loc.key, paths, readings))
        span = _row_span(loc, readings)
        table.quotes.update({p: span for p in paths})
    keys = [key for key, _, _ in rows]

    def score(current: list[Reading | None]) -> int:
        grid = {k: _values(r) for k, r in zip(keys, current, strict=True)}
        leaves = [k for k in keys if k not in ("new_received", "carried_over", "results_total", "carried_forward")]
        points = 0
        for col in range(width):
            total = grid.get("results_total", [None] * width)[col]
            parts = [grid[k][col] for k in leaves]
            if total is not None and None not in parts and sum(parts) == total:  # type: ignore[arg-type]
                points += 1
            terms = [grid.get(k, [None] * width)[col] for k in ("new_received", "carried_over", "carried_forward")]
            if total is not None and None not in terms and terms[0] + terms[1] == total + terms[2]:  # type: ignore[operator]
                points += 1
        for key, path_col in (("new_received", "applications_received"), ("results_total", "applications_done")):
            if key in grid and hints.get(path_col) is not None and grid[key][-1] == hints[path_col]:
                points += 1
        return points

    _choose(table, rows, score)
    return table


def read_t4(text: str, start: int, end: int, layout: Layout, hints: dict[str, int]) -> TableRead:
    """Table 4: three review groups × 5 cells, in one value row."""
    table = TableRead()
    tokens = region_tokens(text, start, end, layout)
    if not any(t.kind == "num" for t in tokens):
        runs = [m for m in re.finditer(r"[\d/—–\-]+", text[start:end]) if re.search(r"\d", m.group())]
        if len(runs) == 1:
            tokens = compact_tokens(runs[0].group(), start + runs[0].start())
    while tokens and tokens[-1].kind == "blank":
        tokens.pop()
    if len(tokens) > 15 and all(t.kind == "blank" for t in tokens[:-15]):
        tokens = tokens[-15:]
    readings = _readings(tokens, 15, ["count"] * 15, [5, 5, 5])
    if not readings:
        if any(t.kind == "num" for t in tokens):
            table.found = True
            table.problems.append("表四 数值无法读取")
        return table
    table.found = True
    paths = [f"reviews.{g}.{c}" for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS]
    span = (min(c.start for r in readings for c in r), max(c.end for r in readings for c in r))
    table.quotes.update({p: span for p in paths})

    def score(current: list[Reading | None]) -> int:
        values = _values(current[0]) if current[0] else [None] * 15
        points = 0
        if hints.get("reviews") is not None and values[4] == hints["reviews"]:
            points += 1
        if hints.get("litigation") is not None and None not in (values[9], values[14]):
            points += int(values[9] + values[14] == hints["litigation"])  # type: ignore[operator]
        return points

    _choose(table, [("reviews", paths, readings)], score)
    return table


def read_t2(text: str, start: int, end: int, layout: Layout, fmt: str | None, hints: dict[str, int]) -> TableRead:
    """Table 2: the rows of the format version; a row's readings are narrowed by numbers in the prose."""
    table = TableRead()
    found = locate_t2(text, start, end, fmt)
    table.found = bool(found)
    gaps = _aligned(text, start, [loc for _, loc in found], layout, [len(row.cells) for row, _ in found])
    for (row, loc), tokens in zip(found, gaps, strict=True):
        paths = [f"active_disclosure.{row.key}.{cell}" for cell, _ in row.cells]
        kinds = ["amount" if c in AMOUNT_CELLS else "signed" if c in SIGNED_CELLS else "count" for c, _ in row.cells]
        readings = _readings(tokens, len(paths), kinds)
        if not readings:
            table.problems.append(f"表二 {row.label} 行无法读取")
            continue
        for col, path in enumerate(paths):
            if path in hints and len(readings) > 1:
                kept = [r for r in readings if r[col].value == hints[path]]
                readings = kept or readings
        table.quotes.update({p: _row_span(loc, readings) for p in paths})
        _choose(table, [(row.key, paths, readings)], lambda _: 0)
    return table
