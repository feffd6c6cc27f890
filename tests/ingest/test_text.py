"""Text decoding: encodings are detected, not assumed; bad bytes get a clear reason."""

from __future__ import annotations

import pytest

from service.errors import EmptyTextError, IngestError
from service.ingest.text import decode, read_text
from tests.conftest import sample

TEXT = "卷硐镇2023年政府信息公开工作年度报告\n一、总体情况"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "utf-16", "utf-16-le", "big5"])
def test_encodings_are_detected(encoding: str) -> None:
    text = TEXT if encoding != "big5" else "臺北市政府資訊公開工作年度報告\n一、總體情況，本年度受理申請二十件。"
    assert decode(text.encode(encoding)) == text


def test_odd_length_utf16_gets_a_clear_reason() -> None:
    with pytest.raises(IngestError, match="odd number of bytes"):
        decode(TEXT.encode("utf-16")[:-1])


def test_gb18030_sample_reads_like_the_utf8_one() -> None:
    original = sample("001_").read_text(encoding="utf-8")
    assert read_text(original.encode("gb18030")).text == read_text(original.encode("utf-8")).text


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_empty(data: bytes) -> None:
    with pytest.raises(EmptyTextError, match="empty file"):
        decode(data)


def test_binary_is_refused() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode(bytes(range(256)) * 10)


def test_undecodable_bytes() -> None:
    with pytest.raises(IngestError, match="encoding"):
        decode(b"\x81\x30\xff\xfe\xfd" * 50 + b"abc")


def test_full_width_digits_are_normalised_and_raw_text_kept() -> None:
    doc = read_text("行政处罚　３６３件，（一）主动公开".encode())
    assert "363" in doc.text and "(一)" in doc.text
    start = doc.text.index("363")
    assert doc.raw_span(start, start + 3) == "３６３"
