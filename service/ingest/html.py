"""HTML pages (lxml): text in reading order; data tables as one line per row, cells separated by tabs.

A table that holds another table, or a cell of running text, is page layout, not data: its cells are read as
blocks of text. A data table is written row by row as the page has it (each ``<tr>`` with its own cells), so a
cell merged over several rows or columns is written once, where it is: a merged cell never turns into blank
cells (which would read as blanks the report printed). Empty cells are kept: they are printed blanks.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from service.errors import IngestError
from service.ingest.document import Document
from service.ingest.text import decode

_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title",
    "header", "footer", "blockquote", "pre", "table", "tr", "dd", "dt", "center", "form",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "head", "select", "button", "iframe", "svg"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
LAYOUT_CELL_CHARS = 200


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _cell_text(cell: etree._Element) -> str:
    return " ".join("".join(_own_text(cell)).split())


def _own_text(element: etree._Element) -> list[str]:
    """The text of an element and its children (skipped elements left out, their tails kept)."""
    out: list[str] = []
    if _tag(element) in _SKIP:
        return out
    if element.text:
        out.append(element.text)
    for child in element:
        out += _own_text(child)
        if child.tail:
            out.append(child.tail)
    return out


def _rows(table: etree._Element) -> list[etree._Element]:
    """The rows of a table, not of the tables inside it."""
    return [tr for tr in table.iter("tr") if _nearest_table(tr) is table]


def _nearest_table(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and _tag(parent) != "table":
        parent = parent.getparent()
    return parent


def _is_layout(table: etree._Element) -> bool:
    """A table used to lay out the page: it holds a table, or a cell of running text."""
    if any(_tag(node) == "table" for node in table.iterdescendants()):
        return True
    return any(
        len(_cell_text(cell)) > LAYOUT_CELL_CHARS for tr in _rows(table) for cell in tr if _tag(cell) in ("td", "th")
    )


def render_grid(rows: list[list[str]]) -> str:
    """One line per row, cells separated by tabs."""
    return "\n".join("\t".join(row) for row in rows)


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []

    def walk(self, element: etree._Element) -> None:
        tag = _tag(element)
        if tag in _SKIP or not isinstance(element.tag, str):
            return
        if tag == "table" and not _is_layout(element):
            grid = [[_cell_text(c) for c in tr if _tag(c) in ("td", "th")] for tr in _rows(element)]
            self.out.append("\n" + render_grid([row for row in grid if any(row)]) + "\n")
            return
        block = tag in _BLOCKS or tag in ("td", "th")
        if block:
            self.out.append("\n")
        if element.text:
            self.out.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.out.append(child.tail)
        if block:
            self.out.append("\n")


def read_html(data: bytes) -> Document:
    """A Document from an HTML page."""
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared in ("gb2312", "gbk"):
        declared = "gb18030"
    markup = _XML_DECLARATION.sub("", decode(data, declared))
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"unreadable HTML ({type(exc).__name__})") from exc
    writer = _Writer()
    head_title = root.find(".//title")
    if head_title is not None and head_title.text:
        writer.out.append(head_title.text + "\n")
    body = root.find("body")
    writer.walk(body if body is not None else root)
    text = "".join(writer.out).replace("\xa0", " ")
    text = re.sub(r"[ \u3000]*\n[ \u3000\n]*\n", "\n\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return Document(raw=text.strip(), format="html")
