"""Plain text and Markdown: bytes to a Document, with the encoding detected, not assumed."""

from __future__ import annotations

from service.errors import EmptyTextError, IngestError
from service.ingest.document import Document


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode report bytes: BOMs, then a declared charset, then UTF-8, then GB18030."""
    if not data.strip():
        raise EmptyTextError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise IngestError("binary file, not text")
    candidates = [declared] if declared else []
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_binary(text):
            raise IngestError("binary file, not text")
        return text
    raise IngestError("unreadable encoding (neither UTF-8 nor GB18030)")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(8, len(sample) // 50)


def read_text(data: bytes, fmt: str = "txt") -> Document:
    """A Document from text bytes."""
    return Document(raw=decode(data), format=fmt)
