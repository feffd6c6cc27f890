"""Tables 二, 三 and 四: text rows aligned with the official rows, read, and chosen by the identities.

Each aligned row yields its readings (``readings``); the identities of the form choose among them (T3-ROW per
row, then T3-SUM / T3-BAL per column, T4-SUM per group), helped by numbers stated in the prose. When more than
one reading survives, the cells that differ stay null and are reported as ambiguous. The printed numbers are
never changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from service.extract.cells import Cell
from service.extract.readings import Reading, distinct, fit, readings, sums_hold
from service.locate.align import AlignedRow, OfficialRow, assign, match_any_order, match_in_order
from service.locate.align import scorer as table_scorer
from service.locate.rows import TextRow, table_rows
from service.locate.tokens import Token
from service.schema.fields import (
    AMOUNT_CELLS,
    COLUMN_KEYS,
    OTHER_SUBROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SIGNED_CELLS,
    t2_rows,
    t3_rows,
)

MAX_COMBINATIONS = 20000
MIN_T3_ROWS = 5
Value = int | float | None


@dataclass
class TableRead:
    """What the reader found in one table."""

    cells: dict[str, Cell] = field(default_factory=dict)
    ambiguous: dict[str, list[Value]] = field(default_factory=dict)
    quotes: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> span of the row text
    unread: list[str] = field(default_factory=list)  # row keys the table should have but that could not be read
    by_order: list[str] = field(default_factory=list)  # row keys whose numbers were given to them by order
    found: bool = False
    single_other_row: bool = False


def _fits(kinds: Callable[[OfficialRow], list[str]]) -> Callable[[OfficialRow, TextRow], bool]:
    return lambda o, r: bool(readings(r.values, kinds(o)))


def _row_readings(tokens: tuple[Token, ...], kinds: list[str], groups: list[int] | None) -> tuple[list[Reading], bool]:
    """A row's readings; with ``groups``, the readings whose sums hold when there is a choice.

    The flag is False when there was a choice and no reading's sums hold: nothing confirms any of them, so the
    other rows' identities must not pick one (its cells that differ stay ambiguous).
    """
    options = distinct(readings(tokens, kinds))
    if groups and len(options) > 1:
        kept = [r for r in options if sums_hold(groups)(r)]
        return (kept, True) if kept else (options, False)
    return options, True


def _settle_row(table: TableRead, paths: list[str], options: list[Reading]) -> None:
    """The cells of a row left with ``options``: those all options agree on are read, the others stay ambiguous."""
    for col, path in enumerate(paths):
        values = sorted({r[col].value for r in options}, key=lambda v: (v is None, v))
        if len(values) == 1:
            table.cells[path] = options[0][col]
        else:
            table.ambiguous[path] = values


def _choose(
    table: TableRead,
    rows: list[tuple[str, list[str], list[Reading]]],
    score: Callable[[list[Reading | None]], int],
) -> None:
    """Pick the readings of multi-reading rows that satisfy the most identities; record what stays ambiguous."""
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
        if chosen[i]:
            _settle_row(table, paths, chosen[i])


def _values(reading: Reading | None, width: int) -> list[Value]:
    return [c.value for c in reading] if reading else [None] * width


def _span(aligned: AlignedRow, options: list[Reading]) -> tuple[int, int]:
    row = aligned.values
    assert row is not None
    starts = [row.start] + [c.start for r in options for c in r]
    ends = [row.end] + [c.end for r in options for c in r]
    return min(starts), max(ends)


def _read_aligned(
    table: TableRead,
    aligned: list[AlignedRow],
    paths_of: Callable[[OfficialRow], list[str]],
    kinds_of: Callable[[OfficialRow], list[str]],
    groups: list[int] | None,
    pins: dict[str, int],
) -> list[tuple[str, list[str], list[Reading]]]:
    """Each aligned row's readings (narrowed by numbers the prose pins, when there is a choice)."""
    rows = []
    for a in aligned:
        paths = paths_of(a.row)
        options, confirmed = _row_readings(a.values.values, kinds_of(a.row), groups) if a.values else ([], True)
        for col, path in enumerate(paths):
            if path in pins and len(options) > 1:
                options = [r for r in options if r[col].value == pins[path]] or options
        if not options:
            table.unread.append(a.row.key)
            continue
        if a.found == "order":
            table.by_order.append(a.row.key)
        table.quotes.update(dict.fromkeys(paths, _span(a, options)))
        if confirmed:
            rows.append((a.row.key, paths, options))
        else:
            _settle_row(table, paths, options)  # none of its readings adds up: no other row picks one
    return rows


@dataclass(frozen=True)
class Aligned:
    """A table's official rows aligned with its text rows (what the reader and the LLM checks both start from)."""

    rows: list[AlignedRow]
    single_other_row: bool = False


def t2_kinds(fmt: str | None) -> Callable[[OfficialRow], list[str]]:
    """The kind (count, signed, amount) of each cell of a table 二 row."""
    spec = {r.key: r for r in t2_rows(fmt)}
    return lambda o: [
        "amount" if c in AMOUNT_CELLS else "signed" if c in SIGNED_CELLS else "count" for c, _ in spec[o.key].cells
    ]


def align_t3(text: str, start: int, end: int) -> Aligned | None:
    """Table 三's rows found in ``text[start:end]`` (the 2019 single （六） row when its sub-rows are absent)."""
    width = len(COLUMN_KEYS)
    official = [OfficialRow(r.key, r.label, width) for r in t3_rows(False)]
    rows = table_rows(text, start, end, table_scorer(tuple(official)).keep())
    matched = match_in_order(table_scorer(tuple(official)), rows)
    single = False
    if not matched.keys() & set(OTHER_SUBROWS):
        one_row = [OfficialRow(r.key, r.label, width) for r in t3_rows(True)]
        found = match_in_order(table_scorer(tuple(one_row)), rows)
        if "other_handling" in found:
            official, matched, single = one_row, found, True
    if len(matched) < MIN_T3_ROWS:
        return None
    kinds = ["count"] * width
    return Aligned(assign(official, rows, matched, _fits(lambda _: kinds)), single)


def align_t2(text: str, start: int, end: int, fmt: str | None) -> Aligned | None:
    """Table 二's rows of the format version found in ``text[start:end]`` (its blocks in any order)."""
    official = [OfficialRow(r.key, r.label, len(r.cells)) for r in t2_rows(fmt)]
    scorer = table_scorer(tuple(official))
    rows = table_rows(text, start, end, scorer.keep())
    matched = match_any_order(scorer, rows)
    return Aligned(assign(official, rows, matched, _fits(t2_kinds(fmt)))) if matched else None


def t4_tokens(text: str, start: int, end: int) -> list[Token]:
    """Table 四's value tokens: its one row of 15 numbers (or its rows read one after the other)."""
    return fit([t for row in table_rows(text, start, end, lambda _: False) for t in row.values], 15)


def read_t3(text: str, start: int, end: int, hints: dict[str, int]) -> TableRead:
    """Table 3: 25 rows (23 with a single （六）其他处理 row) × 7 columns."""
    table = TableRead()
    width = len(COLUMN_KEYS)
    aligned = align_t3(text, start, end)
    if aligned is None:
        return table
    table.found, table.single_other_row = True, aligned.single_other_row
    kinds = ["count"] * width
    found = _read_aligned(
        table, aligned.rows, lambda o: [f"applications.{o.key}.{c}" for c in COLUMN_KEYS], lambda _: kinds, [width], {}
    )
    keys = [key for key, _, _ in found]

    def score(current: list[Reading | None]) -> int:
        grid = {k: _values(r, width) for k, r in zip(keys, current, strict=True)}
        blank = [None] * width
        leaves = [k for k in keys if k not in ("new_received", "carried_over", "results_total", "carried_forward")]
        points = 0
        for col in range(width):
            total = grid.get("results_total", blank)[col]
            parts = [grid[k][col] for k in leaves]
            if total is not None and None not in parts and sum(parts) == total:  # type: ignore[arg-type]
                points += 1
            terms = [grid.get(k, blank)[col] for k in ("new_received", "carried_over", "carried_forward")]
            if total is not None and None not in terms and terms[0] + terms[1] == total + terms[2]:  # type: ignore[operator]
                points += 1
        for key, said in (("new_received", "applications_received"), ("results_total", "applications_done")):
            if key in grid and hints.get(said) is not None and grid[key][-1] == hints[said]:
                points += 1
        return points

    _choose(table, found, score)
    return table


def read_t4(text: str, start: int, end: int, hints: dict[str, int]) -> TableRead:
    """Table 4: three review groups × 5 cells, in one value row (or several rows read one after the other)."""
    table = TableRead()
    tokens = t4_tokens(text, start, end)
    if not any(t.kind == "num" for t in tokens):
        return table
    table.found = True
    paths = [f"reviews.{g}.{c}" for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS]
    options, confirmed = _row_readings(tuple(tokens), ["count"] * 15, [5, 5, 5])
    if not options:
        table.unread.append("reviews")
        return table
    table.quotes.update(
        dict.fromkeys(paths, (min(c.start for r in options for c in r), max(c.end for r in options for c in r)))
    )

    def score(current: list[Reading | None]) -> int:
        values = _values(current[0], 15)
        points = 0
        if hints.get("reviews") is not None and values[4] == hints["reviews"]:
            points += 1
        if hints.get("litigation") is not None and None not in (values[9], values[14]):
            points += int(values[9] + values[14] == hints["litigation"])  # type: ignore[operator]
        return points

    if confirmed:
        _choose(table, [("reviews", paths, options)], score)
    else:
        _settle_row(table, paths, options)
    return table


def read_t2(text: str, start: int, end: int, fmt: str | None, hints: dict[str, int]) -> TableRead:
    """Table 2: the rows of the format version; a row's readings are narrowed by numbers in the prose."""
    table = TableRead()
    aligned = align_t2(text, start, end, fmt)
    if aligned is None:
        return table
    table.found = True
    spec = {r.key: r for r in t2_rows(fmt)}
    found = _read_aligned(
        table,
        aligned.rows,
        lambda o: [f"active_disclosure.{o.key}.{c}" for c, _ in spec[o.key].cells],
        t2_kinds(fmt),
        None,
        hints,
    )
    _choose(table, found, lambda _: 0)  # no identity joins the rows of table 二: each row stands alone
    return table
