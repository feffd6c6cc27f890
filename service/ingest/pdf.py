"""PDF files (pdfplumber): text per page in reading order, pages joined so tables run on across pages.

Bounds: the pages are counted before any is loaded (``max_pdf_pages``), and every stream pdfminer decodes
(FlateDecode, LZW, RunLength, the fallback for damaged Flate data) counts against ``max_pdf_stream_mb`` for the
whole file, checked while it inflates: a small file that would inflate to gigabytes is refused early. pdfminer
offers no hook for this, so its decoders are wrapped once per process (``_bound_decoders``); outside ``read_pdf``
the wrappers behave as the originals.
"""

from __future__ import annotations

import io
import itertools
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace

from service.errors import EmptyTextError, IngestError
from service.ingest.document import Document, normalize

MIN_TEXT_CHARS = 20
MB = 1024 * 1024
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
PAGE_OBJECTS_PER_PAGE = 4  # page objects written in the file per page at most (revisions of a page included)


@dataclass
class _StreamBudget:
    limit: int
    used: int = 0

    def charge(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise _TooMuchData

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    def reason(self) -> str:
        return f"PDF streams inflate to more than {round(self.limit / MB, 2):g} MB (the limit)"


class _TooMuchData(Exception):
    """Raised inside pdfminer when the file's stream budget is spent (turned into an IngestError by read_pdf)."""


_BUDGET: ContextVar[_StreamBudget | None] = ContextVar("pdf_stream_budget", default=None)


def read_pdf(data: bytes, max_pages: int = 200, max_stream_mb: float = 50.0) -> Document:
    """A Document from PDF bytes; ``page_starts`` marks where each page begins in the text."""
    with _stream_budget(int(max_stream_mb * MB)) as budget:
        try:
            pages = _page_texts(data, max_pages)
        except (IngestError, MemoryError):
            raise
        except Exception as exc:
            if budget.exceeded:
                raise IngestError(budget.reason()) from None
            raise IngestError(f"damaged PDF ({type(exc).__name__})") from exc
        if budget.exceeded:  # pdfminer caught the error somewhere and went on
            raise IngestError(budget.reason())
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


def _page_texts(data: bytes, max_pages: int) -> list[str]:
    page_objects = _PAGE_OBJECT.finditer(data)  # before pdfminer parses a tree of 100,000 pages (seconds, 100s of MB)
    if _more_than(PAGE_OBJECTS_PER_PAGE * max_pages, page_objects):
        raise IngestError(f"PDF has more than {max_pages} pages (the limit)")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
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
        if isinstance(cause, _TooMuchData | MemoryError):
            raise cause from None
        raise IngestError(f"damaged PDF ({type(cause).__name__})") from exc
    if _more_than(max_pages, PDFPage.create_pages(pdf.doc)):
        raise IngestError(f"PDF has more than {max_pages} pages (the limit)")  # not pdf.close(): it loads every page
    with pdf:
        pages = []
        for page in pdf.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:  # pdfminer raises many kinds of errors on damaged content streams
                cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
                budget = _BUDGET.get()
                if isinstance(cause, MemoryError) or (budget is not None and budget.exceeded):
                    raise cause from None
                raise IngestError(f"damaged PDF page {page.page_number} ({type(exc).__name__})") from exc
            page.close()  # drop the page's characters and layout before the next page
    return pages


def _more_than(limit: int, items: Iterator[object]) -> bool:
    return sum(1 for _ in itertools.islice(items, limit + 1)) > limit


@contextmanager
def _stream_budget(limit: int) -> Iterator[_StreamBudget]:
    _bound_decoders()
    budget = _StreamBudget(limit)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _bound_decoders() -> None:
    """Wrap the decoders pdfminer's PDFStream.decode calls so that they charge the current budget (once)."""
    from pdfminer import pdftypes

    if getattr(pdftypes, "_nianbao_bounded", False):
        return
    vars(pdftypes).update(
        zlib=SimpleNamespace(decompress=_inflate, decompressobj=zlib.decompressobj, error=zlib.error),
        decompress_corrupted=_inflate_damaged,
        lzwdecode=_charging_lzw,
        rldecode=_charging(vars(pdftypes)["rldecode"], _runlength_size),
        _nianbao_bounded=True,
    )


def _inflate(data: bytes) -> bytes:
    """``zlib.decompress`` that stops once the budget is spent."""
    budget = _BUDGET.get()
    if budget is None:
        return zlib.decompress(data)
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, budget.left + 1)
    budget.charge(len(out))
    if not inflater.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return out


def _inflate_damaged(data: bytes) -> bytes:
    """pdfminer's fallback for Flate data with a bad checksum (byte by byte, keep what inflates), bounded."""
    budget = _BUDGET.get()
    inflater = zlib.decompressobj()
    out = bytearray()
    try:
        for i in range(len(data)):
            piece = inflater.decompress(data[i : i + 1])
            if budget is not None:
                budget.charge(len(piece))
            out += piece
    except zlib.error:
        pass  # keep what inflated before the damage, as pdfminer does
    return bytes(out)


def _charging_lzw(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    budget = _BUDGET.get()
    out = bytearray()
    for piece in LZWDecoder(io.BytesIO(data)).run():
        if budget is not None:
            budget.charge(len(piece))
        out += piece
    return bytes(out)


def _charging(decode: Callable[[bytes], bytes], size: Callable[[bytes], int]) -> Callable[[bytes], bytes]:
    """A decoder that charges the size its output will have before producing it."""

    def bounded(data: bytes) -> bytes:
        budget = _BUDGET.get()
        if budget is not None:
            budget.charge(size(data))
        return decode(data)

    return bounded


def _runlength_size(data: bytes) -> int:
    """The length RunLengthDecode will produce (PDF 1.7, 7.4.5)."""
    size = i = 0
    while i < len(data) and data[i] != 128:
        if data[i] < 128:
            size += data[i] + 1
            i += data[i] + 2
        else:
            size += 257 - data[i]
            i += 2
    return size


def _first_at_or_after(offsets: list[int], raw_pos: int) -> int:
    import bisect

    return bisect.bisect_left(offsets, raw_pos)
