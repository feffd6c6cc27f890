"""HTML, DOCX and PDF become the same text with tables as tab-separated rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from service.batch import extract_file
from service.config import Settings
from service.errors import EmptyTextError, IngestError
from service.ingest.docx import read_docx
from service.ingest.html import read_html
from service.ingest.pdf import read_pdf
from tests.conftest import sample


def test_html_merged_cells_are_written_once_and_empty_cells_kept() -> None:
    html = """<html><head><meta charset="gbk"></head><body><p>标题</p>
    <table><tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td colspan="2">5</td><td>&nbsp;</td></tr>
    <tr><td>（二）部分公开</td><td></td><td>7</td></tr></table><p>五、问题</p></body></html>"""
    doc = read_html(html.encode("gbk"))
    lines = doc.text.splitlines()
    assert "三、本年度办理结果\t(一)予以公开\t5\t" in lines  # a value over two columns is one cell; &nbsp; is blank
    assert "(二)部分公开\t\t7" in lines
    assert lines[-1] == "五、问题"


def test_html_layout_tables_are_read_as_text_and_their_data_tables_as_rows() -> None:
    html = """<html><body><table><tr><td><p>某局2023年政府信息公开工作年度报告</p>
    <p>一、总体情况</p><table><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr></table>
    <p>五、存在的主要问题及改进情况</p></td><td>右栏</td></tr></table></body></html>"""
    lines = [line for line in read_html(html.encode("utf-8")).text.splitlines() if line]
    assert lines == [
        "某局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "规章\t0\t0\t0",
        "五、存在的主要问题及改进情况",
        "右栏",
    ]


def test_html_scripts_are_ignored() -> None:
    doc = read_html(b"<html><script>var a=1;</script><p>\xe6\xad\xa3\xe6\x96\x87</p></html>")
    assert doc.text == "正文"


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("某镇2023年政府信息公开工作年度报告")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "行政复议"
    table.cell(0, 1).text = "结果维持"
    table.cell(0, 2).text = "总计"
    table.cell(1, 1).text = "0"
    table.cell(1, 2).text = "0"
    document.add_paragraph("五、存在的主要问题及改进情况")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_and_tables_in_order() -> None:
    doc = read_docx(_docx_bytes())
    assert doc.text.splitlines() == [
        "某镇2023年政府信息公开工作年度报告",
        "行政复议\t结果维持\t总计",
        "0\t0",
        "五、存在的主要问题及改进情况",
    ]


def test_corrupt_docx() -> None:
    with pytest.raises(IngestError, match="corrupt DOCX"):
        read_docx(_docx_bytes()[:300])


def test_pdf_pages_and_offsets() -> None:
    doc = read_pdf(sample("hongze").read_bytes())
    assert len(doc.page_starts) == 5
    at = doc.text.index("行政许可 9487")
    assert doc.page_of(at) == 2


def _pdf(tmp_path: Path, *, text: bool, encrypt: str | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "t.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if text:
        c.drawString(72, 720, "Annual report 2023 with enough text to count as a text layer.")
    else:
        c.rect(72, 400, 300, 300, fill=1)  # a picture only, as in a scanned page
    c.save()
    return path.read_bytes()


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    with pytest.raises(EmptyTextError, match="no text layer"):
        read_pdf(_pdf(tmp_path, text=False))


def test_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = _pdf(tmp_path, text=True, encrypt=StandardEncryption("secret", ownerPassword="owner"))
    with pytest.raises(IngestError, match="encrypted PDF"):
        read_pdf(data)


def test_damaged_pdf() -> None:
    with pytest.raises(IngestError, match="PDF"):
        read_pdf(b"%PDF-1.4\n" + b"garbage" * 100)


def test_sample_as_html_table_reads_like_the_text(tmp_path: Path, settings: Settings) -> None:
    """Sample 001's tab-separated tables, wrapped as HTML tables, give the same record values."""
    text = sample("001_").read_text(encoding="utf-8")
    parts = []
    for block in text.split("\n\n"):
        rows = [line.split("\t") for line in block.splitlines()]
        if any(len(r) > 2 for r in rows):
            body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
            parts.append(f"<table>{body}</table>")
        else:
            parts.append("".join(f"<p>{line}</p>" for line in block.splitlines()))
    html = tmp_path / "001.html"
    html.write_text("<html><body>" + "".join(parts) + "</body></html>", encoding="utf-8")
    from_html = extract_file(html, settings)
    from_text = extract_file(sample("001_"), settings)
    assert from_html.values() == from_text.values()
    assert from_html.status == "ok" and from_html.source.format == "html"
