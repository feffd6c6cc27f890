"""The layout pass: a table's text region becomes a list of text rows, once, whatever the format.

Each ``TextRow`` holds the label text as printed (``""`` for a row of numbers only), its value tokens (numbers,
placeholders and blank cells, with their spans) and how it was found:

- ``grid``: a line of cells separated by tabs (HTML and DOCX tables are rendered this way) or by pipes (Markdown
  tables); empty cells are blank values; blank cells before the label are merged cells, not values;
- ``block``: one cell per line, rows separated by empty lines (text copied out of Word tables);
- ``line``: free text, cells separated by spaces or run together (crawled pages, PDF text); one line may hold
  several rows (a crawled table flattened into one line).

A label that wraps onto the next line (free text: a label-only line that does not start with an enumerator;
grids: a row whose cells are all blank) is joined to the label before it, unless it reads as a row label of
its own (``keep``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from service.locate.tokens import Piece, Token, cell_tokens, is_footer, scan, starts_with_enumerator

Found = Literal["grid", "block", "line"]
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?[\s:|-]*-{3}[\s:|-]*\|?\s*$")


@dataclass(frozen=True)
class TextRow:
    """A row of a table as printed: label text, value tokens, where it was found."""

    label: str
    label_start: int
    label_end: int
    values: tuple[Token, ...]
    line: int
    found: Found

    @property
    def start(self) -> int:
        """Where the row starts in the document text."""
        starts = [self.label_start] if self.label else []
        return min(starts + [t.start for t in self.values]) if starts or self.values else self.label_start

    @property
    def end(self) -> int:
        """Where the row ends in the document text."""
        ends = [self.label_end] if self.label else []
        return max(ends + [t.end for t in self.values]) if ends or self.values else self.label_end


def _is_cells_layout(lines: list[str]) -> bool:
    """One cell per line, each line starting with a tab (text copied out of Word tables)."""
    filled = [line for line in lines if line.strip()]
    one_cell = sum(1 for line in filled if line.startswith("\t") and line.count("\t") == 1)
    return bool(filled) and one_cell >= 0.6 * len(filled)


def _row_of_pieces(pieces: list[Piece], line: int, found: Found, *, skip_lead_blanks: bool) -> list[TextRow]:
    """Rows of the pieces of one grid row or block: the label is every label before the last one's values."""
    last_label = max((i for i, p in enumerate(pieces) if p.label), default=-1)
    rows: list[TextRow] = []
    if last_label < 0:
        every = tuple(t for p in pieces for t in p.values)
        if every:
            rows.append(TextRow("", every[0].start, every[0].start, every, line, found))
        return rows
    early = [t for p in pieces[:last_label] for t in p.values]
    if early and any(t.kind != "blank" for t in early) and not skip_lead_blanks:
        rows.append(TextRow("", early[0].start, early[0].start, tuple(early), line, found))
    labels = [p for p in pieces[: last_label + 1] if p.label]
    label = " ".join(p.label for p in labels)
    values = tuple(t for p in pieces[last_label + 1 :] for t in p.values)
    rows.append(TextRow(label, labels[0].start, labels[-1].end, values, line, found))
    return rows


def _grid_cells(line: str) -> list[tuple[str, int]] | None:
    """Cells of a tab- or pipe-separated line with their offsets in the line, or None for free text."""
    if "\t" in line:
        out, pos = [], 0
        for cell in line.split("\t"):
            out.append((cell, pos))
            pos += len(cell) + 1
        return out
    if _PIPE_ROW.match(line):
        first = line.index("|")
        last = line.rindex("|")
        out, pos = [], first + 1
        for cell in line[first + 1 : last].split("|"):
            out.append((cell, pos))
            pos += len(cell) + 1
        return out
    return None


def table_rows(text: str, start: int, end: int, keep: Callable[[str], bool]) -> list[TextRow]:
    """The text rows of ``text[start:end]`` in document order (see the module docstring)."""
    lines = text[start:end].split("\n")
    rows: list[TextRow] = []
    if _is_cells_layout(lines):
        rows = _blocks(lines, start)
    else:
        pos = start
        for i, line in enumerate(lines):
            rows += _line_rows(line, pos, i)
            pos += len(line) + 1
    return _join_wrapped(rows, keep)


def _line_rows(line: str, base: int, index: int) -> list[TextRow]:
    if not line.strip() or is_footer(line) or _PIPE_RULE.match(line):
        return []
    cells = _grid_cells(line)
    if cells is not None:
        pieces = [p for cell, at in cells for p in cell_tokens(cell, base + at)]
        return _row_of_pieces(pieces, index, "grid", skip_lead_blanks=False)
    rows: list[TextRow] = []
    label: Piece | None = None
    for piece in scan(line, base):
        if piece.label:
            if label is not None:
                rows.append(TextRow(label.label, label.start, label.end, (), index, "line"))
            label = piece
        elif label is not None:
            rows.append(TextRow(label.label, label.start, label.end, piece.values, index, "line"))
            label = None
        else:
            rows.append(TextRow("", piece.start, piece.start, piece.values, index, "line"))
    if label is not None:
        rows.append(TextRow(label.label, label.start, label.end, (), index, "line"))
    return rows


def _blocks(lines: list[str], start: int) -> list[TextRow]:
    """One cell per line; a line without the leading tab continues the cell above; empty lines end a row."""
    rows: list[TextRow] = []
    cells: list[tuple[str, int]] = []
    pos = start
    index = 0

    def flush() -> None:
        nonlocal cells
        pieces = [p for cell, at in cells for p in cell_tokens(cell, at)]
        rows.extend(_row_of_pieces(pieces, index, "block", skip_lead_blanks=True))
        cells = []

    for i, line in enumerate(lines):
        if not line.strip() and not line.startswith("\t"):
            if cells:
                flush()
            index = i + 1
        elif line.startswith("\t") or not cells:
            body = line[1:] if line.startswith("\t") else line
            cells.append((body, pos + len(line) - len(body)))
        else:
            text, at = cells[-1]
            cells[-1] = (text + line, at)  # a wrapped cell: its lines join (no separator in Chinese)
        pos += len(line) + 1
    if cells:
        flush()
    return rows


def _join_wrapped(rows: list[TextRow], keep: Callable[[str], bool]) -> list[TextRow]:
    out: list[TextRow] = []
    for row in rows:
        prev = out[-1] if out else None
        wrapped = (
            prev is not None
            and prev.label
            and row.label
            and not starts_with_enumerator(row.label)
            and not keep(row.label)
            and (
                (row.found == "line" and not row.values and not prev.values and row.line == prev.line + 1)
                or (row.found == "grid" and all(t.kind == "blank" for t in row.values))
            )
        )
        if wrapped and prev is not None:
            out[-1] = replace(prev, label=prev.label + row.label, label_end=row.label_end, line=row.line)
        else:
            out.append(row)
    return out
