"""DOCX files (python-docx): paragraphs and tables in document order, tables as in ``ingest.html``."""

from __future__ import annotations

import io
import zipfile

from service.errors import IngestError
from service.ingest.document import Document
from service.ingest.html import render_grid


def read_docx(data: bytes) -> Document:
    """A Document from DOCX bytes; merged table cells leave empty positions in the grid."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"corrupt DOCX ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx raises lxml/opc errors of several kinds on damaged files
        raise IngestError(f"corrupt DOCX ({type(exc).__name__})") from exc
    parts: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(block, document).text)
        elif tag == "tbl":
            parts.append(render_grid(_grid(Table(block, document))))
    return Document(raw="\n".join(parts), format="docx")


def _grid(table: object) -> list[list[str]]:
    """Each row's own cells: a cell merged across columns or rows is written once, never as blank cells."""
    rows: list[list[str]] = []
    above: list[object] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells = list(row.cells)
        texts: list[str] = []
        for c, cell in enumerate(cells):
            merged_left = c > 0 and cells[c - 1]._tc is cell._tc
            merged_up = c < len(above) and above[c] is cell._tc
            if not (merged_left or merged_up):
                texts.append(" ".join(cell.text.split()))
        above = [cell._tc for cell in cells]
        if any(texts):
            rows.append(texts)
    return rows
