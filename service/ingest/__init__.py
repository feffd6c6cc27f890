"""Ingest: any supported file to a Document (one module per format)."""

from __future__ import annotations

from pathlib import Path

from service.config import Settings
from service.errors import IngestError
from service.ingest.document import Document

FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}

__all__ = ["FORMATS", "Document", "format_of", "read_document"]


def format_of(path: Path) -> str | None:
    """The record's ``source.format`` of a file name, or None when unsupported."""
    return FORMATS.get(path.suffix.lower())


def read_document(path: Path, data: bytes, settings: Settings) -> Document:
    """Read file bytes as a Document; raises IngestError with a one-line reason."""
    fmt = format_of(path)
    if fmt is None:
        raise IngestError(f"unsupported file type {path.suffix or '(none)'!r}")
    if len(data) > settings.max_file_mb * 1024 * 1024:
        raise IngestError(f"file too large ({len(data) / 1048576:.0f} MB > {settings.max_file_mb:g} MB)")
    if fmt == "pdf":
        from service.ingest.pdf import read_pdf

        return read_pdf(data, settings.max_pdf_pages, settings.max_pdf_stream_mb)
    if fmt == "docx":
        from service.ingest.docx import read_docx

        return read_docx(data, settings.max_docx_xml_mb, settings.max_docx_unpacked_mb)
    if fmt == "html":
        from service.ingest.html import read_html

        return read_html(data)
    from service.ingest.text import read_text

    return read_text(data, fmt)
