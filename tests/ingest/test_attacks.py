"""Expansion attacks: each file fails with its one-line reason, and no worker goes past 500 MB."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from evals.attacks import EXPECTED, PARAGRAPH, _docx, _lying, write_attacks
from service.batch import extract_job, run_batch
from service.config import Settings
from service.errors import IngestError
from service.ingest import read_document
from service.ingest.pdf import _charging_lzw, _stream_budget, _TooMuchData
from service.schema.record import Record
from service.workers import run_jobs
from tests.conftest import sample


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("attacks")
    write_attacks(folder)
    return folder


def test_every_attack_fails_with_its_reason_and_no_worker_passes_500_mb(corpus: Path) -> None:
    settings = Settings(jobs=2, file_timeout_s=30)  # the default is 180 s
    outcomes = list(run_jobs(extract_job, [str(p) for p in sorted(corpus.iterdir())], settings))
    assert sorted(Path(o.path).name for o in outcomes) == sorted(EXPECTED)
    for outcome in outcomes:
        name = Path(outcome.path).name
        error = Record.model_validate_json(outcome.value).error if outcome.value else outcome.error
        reasons = EXPECTED[name] if isinstance(EXPECTED[name], tuple) else (EXPECTED[name],)
        assert error and any(r in error for r in reasons) and "\n" not in error, (name, error)
        assert outcome.peak_mb is not None and outcome.peak_mb < 500, (name, outcome.peak_mb)


def test_each_bound_is_a_setting(tmp_path: Path) -> None:
    pdf = sample("hongze")
    docx = tmp_path / "t.docx"
    docx.write_bytes(_docx(PARAGRAPH, 1000))
    cases = [
        (pdf, Settings(max_pdf_pages=4), "PDF has more than 4 pages"),
        (pdf, Settings(max_pdf_stream_mb=0.01), "PDF streams inflate to more than 0.01 MB"),
        (docx, Settings(max_docx_xml_mb=0.01), "DOCX too large unpacked"),
        (docx, Settings(max_docx_unpacked_mb=0.01), "DOCX too large unpacked"),
    ]
    for path, settings, reason in cases:
        with pytest.raises(IngestError, match=reason.replace("(", r"\(")):
            read_document(path, path.read_bytes(), settings)
    read_document(pdf, pdf.read_bytes(), Settings(max_pdf_pages=5))  # 5 pages: within the bound
    result = run_batch([docx], tmp_path / "out", Settings(max_docx_xml_mb=0.01), progress=False)
    assert result.records[0]["status"] == "failed" and "DOCX too large unpacked" in result.records[0]["error"]


def test_a_zip_that_lies_about_sizes_inflates_no_further_than_it_says() -> None:
    data = _lying(_docx(PARAGRAPH, 1_000_000))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1000
        with pytest.raises(zipfile.BadZipFile), archive.open("word/document.xml") as part:
            assert len(part.read()) <= 1000


def test_lzw_is_bounded_too() -> None:
    code = bytes([0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01])  # LZW of "-----A---B" (PDF 1.7, 7.4.4.2)
    assert _charging_lzw(code) == b"-----A---B"
    with _stream_budget(5), pytest.raises(_TooMuchData):
        _charging_lzw(code)
