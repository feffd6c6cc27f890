"""The layout pass: free text, grids and blocks become rows of label text and value tokens."""

from __future__ import annotations

from service.locate.rows import table_rows
from service.locate.tokens import scan


def rows(text: str) -> list[tuple[str, list[str]]]:
    return [(r.label, [t.text for t in r.values]) for r in table_rows(text, 0, len(text), lambda _: False)]


def pieces(line: str) -> list[tuple[str, list[str]]]:
    return [(p.label, [t.text for t in p.values]) for p in scan(line, 0)]


def test_a_flattened_table_splits_at_enumerators_glued_to_digits() -> None:
    line = "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
    assert pieces(line) == [
        ("（三）不予公开1.属于国家秘密", []),
        ("", ["0000000"]),
        ("2.其他法律行政法规禁止公开", []),
        ("", ["0000000"]),
    ]


def test_numbers_of_the_prose_dates_and_notes_are_label_text() -> None:
    assert pieces("2023年，全区共收到申请12件，办结11件。") == [("2023年，全区共收到申请12件，办结11件。", [])]
    assert pieces("本年增/减（指2020年增加或减少的事项数，减用负值表示，如-8）") == [
        ("本年增/减（指2020年增加或减少的事项数，减用负值表示，如-8）", [])
    ]


def test_numbers_as_printed_in_cells() -> None:
    assert pieces("行政许可 9,487") == [("行政许可", []), ("", ["9,487"])]
    assert pieces("予以公开 5件 0 件 5件") == [("予以公开", []), ("", ["5件", "0 件", "5件"])]
    assert pieces("行政规范性文件77//") == [("行政规范性文件", []), ("", ["77", "//"])]
    assert pieces("行政许可97+82179") == [("行政许可", []), ("", ["97", "+82179"])]


def test_free_text_rows_and_wrapped_labels() -> None:
    text = "\n".join(
        ["（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）", "9 0 0 0 0 0 9", "- 3 -"]
        + ["（三）不", "予公开", "1.属于国家秘密 0 0 0 0 0 0 0"]
    )
    assert rows(text) == [
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", []),
        ("", ["9", "0", "0", "0", "0", "0", "9"]),
        ("（三）不予公开", []),
        ("1.属于国家秘密", ["0", "0", "0", "0", "0", "0", "0"]),
    ]


def test_grid_rows_keep_blank_cells_but_not_merged_cells_before_the_label() -> None:
    text = "\t(三) 不予公开\t1.属于国家秘密\t0\t\t0\t0\t0\t0\t0\n\t\t\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
    (first, second) = rows(text)
    assert first == ("(三) 不予公开 1.属于国家秘密", ["0", "", "0", "0", "0", "0", "0"])
    assert second == ("", [""] * 5 + ["0"] * 10)


def test_markdown_pipe_rows_and_a_blank_cell() -> None:
    text = "| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 | 0 | 0 |\n|四、结转下年度继续办理|1|0|0|0|0|0||"
    assert rows(text) == [
        ("信息内容 本年制发件数", []),
        ("规章", ["0", "0", "0"]),
        ("四、结转下年度继续办理", ["1", "0", "0", "0", "0", "0", ""]),
    ]


def test_one_cell_per_line_blocks() -> None:
    cells = ["一、本年新收政府信息公开申请数量", "20", "0", "0", "0", "0", "0", "20"]
    text = "".join(f"\t{c}\n" for c in cells) + "\n\t\n\t（三）不予公开\n\t1.属于国家秘密\n\t0"
    assert rows(text) == [
        ("一、本年新收政府信息公开申请数量", ["20", "0", "0", "0", "0", "0", "20"]),
        ("（三）不予公开 1.属于国家秘密", ["0"]),
    ]
