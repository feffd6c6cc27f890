"""DOCX files (python-docx): paragraphs and tables in document order, tables as in ``ingest.html``.

Before python-docx unpacks anything, the sizes the zip declares are checked (zipfile never inflates a part past
its declared size): the XML parts against ``max_docx_xml_mb``, all parts against ``max_docx_unpacked_mb``.
Tables are read from their XML, each ``w:tc`` once: a cell merged across columns (``w:gridSpan``) or rows
(``w:vMerge``) is written once, never as blank cells, and is never expanded (a span of 50 million columns is one
cell, not 50 million), so a table costs no more than its XML.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from service.errors import IngestError
from service.ingest.document import Document
from service.ingest.html import render_grid

MB = 1024 * 1024


def read_docx(data: bytes, max_xml_mb: float = 5.0, max_unpacked_mb: float = 100.0) -> Document:
    """A Document from DOCX bytes; merged table cells are written once."""
    import docx
    from docx.text.paragraph import Paragraph

    _check_unpacked_size(data, max_xml_mb, max_unpacked_mb)
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
            parts.append(render_grid(_grid(block, document)))
    return Document(raw="\n".join(parts), format="docx")


def _check_unpacked_size(data: bytes, max_xml_mb: float, max_unpacked_mb: float) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise IngestError(f"corrupt DOCX ({type(exc).__name__})") from exc
    xml = sum(p.file_size for p in parts if p.filename.endswith((".xml", ".rels")))
    everything = sum(p.file_size for p in parts)
    if xml > max_xml_mb * MB:
        raise IngestError(f"DOCX too large unpacked ({xml / MB:,.0f} MB of XML > {max_xml_mb:g} MB)")
    if everything > max_unpacked_mb * MB:
        raise IngestError(f"DOCX too large unpacked ({everything / MB:,.0f} MB > {max_unpacked_mb:g} MB)")


def _grid(tbl: Any, parent: Any) -> list[list[str]]:
    """Each row's own cells: a cell continuing a vertical merge is left out, a row without text too."""
    from docx.text.paragraph import Paragraph

    rows: list[list[str]] = []
    for tr in tbl.tr_lst:
        texts = [
            " ".join(" ".join(Paragraph(p, parent).text for p in tc.p_lst).split())
            for tc in tr.tc_lst
            if tc.vMerge != "continue"
        ]
        if any(texts):
            rows.append(texts)
    return rows
