"""Checking the model's evidence: quotes found in the text sent, numbers found in their quotes, printed blanks."""

from __future__ import annotations

from service.extract.quotes import Source, blank_mark, has_number

TEXT = (
    "二、主动公开政府信息情况\n规章\t0\t0\t0\n行政规范性文件\t１２\t/\t３４\n"
    "全年主动公开信息13,561条。\n（四）无法提供\t—\n"
)


def test_a_quote_is_found_normalised_and_whitespace_free_within_the_spans_sent() -> None:
    from service.ingest.document import normalize

    text = normalize(TEXT)[0]
    source = Source(text, [(0, text.index("全年"))])
    span = source.find("行政规范性文件 12 / 34")  # tabs written as spaces, full-width digits as ASCII
    assert span is not None and text[span[0] : span[1]] == "行政规范性文件\t12\t/\t34"
    assert source.find("行政规范性文件１２") is not None  # the model's quote is normalised like the document
    assert source.find("全年主动公开信息13,561条") is None  # outside the spans sent
    assert source.find("规章 0 0 0 行政") is not None and source.find("") is None


def test_the_number_must_be_in_its_quote() -> None:
    assert has_number("行政规范性文件77132470", 13)  # run-together digits hold their readings
    assert has_number("全年主动公开信息13,561条", 13561)
    assert not has_number("行政规范性文件 12 / 34", 5)
    assert has_number("金额 5949.088667", 5949.088667) and has_number("减4", -4)
    assert not has_number("本年度未发生信息处理费收取情况", 0)
    assert has_number("本年度未发生信息处理费收取情况", 0, zero_words=True)


def test_printed_blanks_are_marks_not_words() -> None:
    assert blank_mark("行政规范性文件 12 / 34") == "/"
    assert blank_mark("（四）无法提供\t—") == "—"
    assert blank_mark("（四）无法提供 3") is None  # 无 inside a label is not a blank cell
    assert blank_mark("行政强制 无") == "无" and blank_mark("行政强制 - ") == "-"
