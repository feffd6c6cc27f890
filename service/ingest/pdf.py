"""PDF files (pdfplumber): text per page in reading order, pages joined so tables run on across pages."""

from __future__ import annotations

import io

from service.errors import EmptyTextError, IngestError
from service.ingest.document import Document, normalize

MIN_TEXT_CHARS = 20


def read_pdf(data: bytes, max_pages: int = 200) -> Document:
    """A Document from PDF bytes; ``page_starts`` marks where each page begins in the text."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError("encrypted PDF (password required)") from exc
    except (PdfminerException, PDFSyntaxError) as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise IngestError("encrypted PDF (password required)") from exc
        raise IngestError(f"damaged PDF ({type(cause).__name__})") from exc
    with pdf:
        if len(pdf.pages) > max_pages:
            raise IngestError(f"PDF has {len(pdf.pages)} pages, more than the limit of {max_pages}")
        pages = []
        for page in pdf.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:  # pdfminer raises many kinds of errors on damaged content streams
                raise IngestError(f"damaged PDF page {page.page_number} ({type(exc).__name__})") from exc
    if sum(len(p.strip()) for p in pages) < MIN_TEXT_CHARS:
        raise EmptyTextError("PDF has no text layer (scanned images?); OCR is not supported")
    raw = ""
    page_starts: list[int] = []
    for page_text in pages:
        page_starts.append(len(raw))
        raw += page_text + "\n"
    text, offsets = normalize(raw)
    # normalize() drops no characters here except invisible ones, so map page starts through offsets
    starts = [_first_at_or_after(offsets, s) for s in page_starts]
    return Document(raw=raw, format="pdf", text=text, offsets=offsets, page_starts=starts)


def _first_at_or_after(offsets: list[int], raw_pos: int) -> int:
    import bisect

    return bisect.bisect_left(offsets, raw_pos)
