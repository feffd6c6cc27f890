"""HTML pages: text in reading order; tables as cell grids with rowspan/colspan expanded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from service.ingest.document import Document
from service.ingest.text import decode

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr", "title"}
_SKIP = {"script", "style", "noscript", "template"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class _Cell:
    def __init__(self, rowspan: int, colspan: int) -> None:
        self.rowspan = rowspan
        self.colspan = colspan
        self.parts: list[str] = []


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[_Cell]] = []


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.tables: list[_Table] = []
        self.cell: _Cell | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "table":
            self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            spans = dict(attrs)
            self.cell = _Cell(_span(spans.get("rowspan")), _span(spans.get("colspan")))
            table.rows[-1].append(self.cell)
        elif tag in _BLOCKS and self.cell is None and not self.tables:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self.cell = None
        elif tag == "table" and self.tables:
            table = self.tables.pop()
            rendered = render_grid(expand(table.rows))
            if self.tables and self.cell is not None:
                self.cell.parts.append(rendered.replace("\n", " ").replace("\t", " "))
            else:
                self.out.append("\n" + rendered + "\n")
        elif tag in _BLOCKS and self.cell is None and not self.tables:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.parts.append(data)
        elif not self.tables:
            self.out.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 500))
    except ValueError:
        return 1


def expand(rows: list[list[_Cell]]) -> list[list[str]]:
    """A grid of cell texts; positions covered by a rowspan/colspan are empty strings."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            text = " ".join("".join(cell.parts).split())
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else ""
            c += cell.colspan
            width = max(width, c)
    height = len(rows)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def render_grid(grid: list[list[str]]) -> str:
    """One line per row, cells separated by tabs (trailing empty cells dropped)."""
    lines = []
    for row in grid:
        while row and not row[-1]:
            row = row[:-1]
        lines.append("\t".join(row))
    return "\n".join(lines)


def read_html(data: bytes) -> Document:
    """A Document from an HTML page."""
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared in ("gb2312", "gbk"):
        declared = "gb18030"
    parser = _Parser()
    parser.feed(decode(data, declared))
    parser.close()
    text = re.sub(r"[ \t\u3000]*\n[ \t\u3000\n]*\n", "\n\n", "".join(parser.out))
    return Document(raw=text.strip(), format="html")
