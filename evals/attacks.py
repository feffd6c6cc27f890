"""A corpus of hostile files (expansion attacks), each with the reason its record must fail with.

``python -m evals.attacks`` (and ``make bench``) reads every file in a fresh worker and prints its reason, the
worker's peak memory and the wall time; ``tests/ingest/test_attacks.py`` asserts the reasons and the 500 MB bound.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
TITLE = "某镇2023年政府信息公开工作年度报告"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

NOT_A_REPORT = "not a government information disclosure annual report"
TOO_SLOW_OR_TOO_BIG = ("took longer than", "MB of memory to read")  # which comes first depends on the machine
# file name -> what its record's ``error`` must contain (one of them)
EXPECTED: dict[str, str | tuple[str, ...]] = {
    "spans.html": NOT_A_REPORT,  # spans are not expanded (each row's own cells): a page of 32 cells
    "wide-rows.html": NOT_A_REPORT,
    "cell-flood.html": TOO_SLOW_OR_TOO_BIG,  # 4 million cells: the parse tree alone needs more than 450 MB
    "nested.html": NOT_A_REPORT,  # 200,000 nested tags
    "xml-50mb.docx": "DOCX too large unpacked",
    "xml-200mb.docx": "DOCX too large unpacked",
    "media-300mb.docx": "DOCX too large unpacked",
    "lying-sizes.docx": "corrupt DOCX",
    "gridspan.docx": NOT_A_REPORT,  # one cell, never expanded to 50 million
    "entities.docx": "corrupt DOCX",  # billion laughs and an external entity: refused, nothing expanded or fetched
    "flate-1gb.pdf": "PDF streams inflate to more than",
    "runlength-256mb.pdf": "PDF streams inflate to more than",
    "pages-100k.pdf": "PDF has more than 200 pages",
    "glyphs.pdf": TOO_SLOW_OR_TOO_BIG,  # 16 million characters on one page
}


def write_attacks(folder: Path) -> dict[str, str | tuple[str, ...]]:
    """Write the corpus into ``folder``; returns EXPECTED."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "spans.html": _html(
            "<table><tr>" + '<td rowspan="500" colspan="500">x</td>' * 32 + "</tr>" + "<tr></tr>" * 499 + "</table>"
        ),
        "wide-rows.html": _html("<table>" + '<tr><td colspan="500">x</td></tr>' * 500 + "</table>"),
        "cell-flood.html": _html("<table><tr>" + "<td>1" * 4_000_000 + "</tr></table>"),
        "nested.html": _html("<div>" * 200_000 + "正文" + "</div>" * 200_000),
        "xml-50mb.docx": _docx(PARAGRAPH, 50 * MB // len(PARAGRAPH)),
        "xml-200mb.docx": _docx(PARAGRAPH, 200 * MB // len(PARAGRAPH)),
        "media-300mb.docx": _docx(PARAGRAPH, 100, media_mb=300),
        "lying-sizes.docx": _lying(_docx(PARAGRAPH, 50 * MB // len(PARAGRAPH))),
        "gridspan.docx": _docx(
            b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="50000000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p>'
            b"</w:tc></w:tr></w:tbl>"
        ),
        "entities.docx": _docx(PARAGRAPH, 100, entities=True),
        "flate-1gb.pdf": _pdf([_stream(_zero_bomb(1024), "/FlateDecode")]),
        "runlength-256mb.pdf": _pdf([_stream(bytes([129, 32]) * (2 * MB) + b"\x80", "/RunLengthDecode")]),
        "pages-100k.pdf": _pdf([_stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET", "")] * 100_000),
        "glyphs.pdf": _pdf([_stream(b"BT /F1 1 Tf 0 0 Td (" + b"a" * (16 * MB) + b") Tj ET", "")]),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return EXPECTED


def _html(body: str) -> bytes:
    return f"<html><head><meta charset='utf-8'></head><body><p>{TITLE}</p>{body}</body></html>".encode()


PARAGRAPH = "<w:p><w:r><w:t>依申请公开</w:t></w:r></w:p>".encode()


def _docx(body: bytes, repeat: int = 1, *, media_mb: int = 0, entities: bool = False) -> bytes:
    """A minimal DOCX whose body is ``body`` repeated (written in pieces: the corpus is built in little memory)."""
    prolog = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    if entities:
        prolog += (
            b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
            b'<!ENTITY x SYSTEM "http://127.0.0.1:9/secret">]>'
        )
        prolog += b"<w:document " + W.encode() + b"><w:body><w:p><w:r><w:t>&f;&f;&f;&x;</w:t></w:r></w:p>"
    else:
        prolog += f"<w:document {W}><w:body>".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" '
            'ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(prolog)
            per_write = max(1, MB // len(body))
            for start in range(0, repeat, per_write):
                part.write(body * min(per_write, repeat - start))
            part.write(b"</w:body></w:document>")
        if media_mb:
            with archive.open("word/media/image1.png", "w", force_zip64=True) as part:
                for _ in range(media_mb):
                    part.write(bytes(MB))
    return out.getvalue()


def _lying(data: bytes) -> bytes:
    """The DOCX with document.xml declared 1,000 bytes long (it inflates to far more)."""
    name = b"word/document.xml"
    out = bytearray(data)
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(name)] == name:
                out[at + size_at : at + size_at + 4] = (1000).to_bytes(4, "little")
            start = at + 4
    return bytes(out)


def _zero_bomb(total_mb: int) -> bytes:
    """A zlib stream of ``total_mb`` MB of spaces, about 1 KB per MB (the same flushed block repeated)."""
    block = b" " * MB
    deflate = zlib.compressobj(9)
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(total_mb):
        adler = zlib.adler32(block, adler)
    return first + again * (total_mb - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def _stream(data: bytes, filters: str) -> bytes:
    head = f"<< /Length {len(data)}" + (f" /Filter {filters}" if filters else "") + " >>"
    return head.encode() + b"\nstream\n" + data + b"\nendstream"


def _pdf(contents: list[bytes]) -> bytes:
    """A PDF with one page per content stream (Helvetica as /F1)."""
    n = len(contents)
    # objects: 1 catalog, 2 pages, 3 font, then page i at 4 + 2i and its content at 5 + 2i
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Count {n} /Kids [{kids}] >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(content)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def measure(folder: Path) -> list[tuple[str, str, float | None, float]]:
    """(file, the record's error, the worker's peak MB, seconds) for every file, each read in a fresh worker."""
    from service.batch import extract_job
    from service.config import Settings
    from service.schema.record import Record
    from service.workers import run_jobs

    rows = []
    for path in sorted(folder.iterdir()):
        start = time.perf_counter()
        outcome = next(run_jobs(extract_job, [str(path)], Settings()))
        wall = time.perf_counter() - start
        error = Record.model_validate_json(outcome.value).error if outcome.value else outcome.error
        rows.append((path.name, error or "(read)", outcome.peak_mb, wall))
    return rows


def main() -> int:
    """Print the corpus' reasons, peak memory per worker and times."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_attacks(folder)
        print("attack corpus (each file in a fresh worker): file, size, peak memory, time, reason")
        for name, error, peak, wall in measure(folder):
            size = (folder / name).stat().st_size
            shown = f"{peak:.0f} MB" if peak is not None else "?"
            print(f"  {name:22} {size / 1024:9,.0f} KB  {shown:>7}  {wall:5.1f} s  {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
