"""Plain text and Markdown: bytes to a Document, with the encoding detected, not assumed."""

from __future__ import annotations

from service.errors import EmptyTextError, IngestError
from service.ingest.document import Document

DETECTED = ["gb18030", "big5", "utf_16_le", "utf_16_be"]


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode report bytes: a BOM, else the declared charset, else UTF-8 when the bytes are valid UTF-8, else the
    encoding charset-normalizer finds among GB18030 (GBK, GB2312), Big5 and UTF-16 without BOM."""
    if not data.strip():
        raise EmptyTextError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if len(data) % 2:
            raise IngestError("damaged UTF-16 text (an odd number of bytes)")
        return data.decode("utf-16", errors="replace")
    for encoding in ([declared] if declared else []) + ["utf-8"]:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_binary(text):
            raise IngestError("binary file, not text")
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20], cp_isolation=DETECTED).best()
    if best is None:
        raise IngestError("binary file, not text" if b"\x00" in data[:8192] else "unreadable encoding")
    try:
        text = data.decode(best.encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(f"unreadable encoding (looks like {best.encoding} but is not)") from exc
    if _looks_binary(text):
        raise IngestError("binary file, not text")
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(8, len(sample) // 50)


def read_text(data: bytes, fmt: str = "txt") -> Document:
    """A Document from text bytes."""
    return Document(raw=decode(data), format=fmt)
