"""Cell values and the readings of a printed row."""

from __future__ import annotations

from service.extract.cells import parse
from service.extract.readings import distinct, readings, sums_hold
from service.locate.tokens import Token, classify


def tok(text: str, at: int = 100) -> Token:
    return Token(text, classify(text) or "num", at, at + len(text))


def values(options: list) -> list[list]:
    return sorted([c.value for c in r] for r in distinct(options))


def test_placeholders_are_null_with_raw_text() -> None:
    for text in ("/", "—", "-", "无", ""):
        cell = parse(tok(text))
        assert cell.value is None and cell.raw == text


def test_numbers_as_people_print_them() -> None:
    assert parse(tok("363")).value == 363
    assert parse(tok("9,487")).value == 9487
    assert parse(tok("1,020,000")).value == 1020000
    assert parse(tok("5件")).value == 5 and parse(tok("5 件")).value == 5
    assert parse(tok("减4"), "signed").value == -4
    assert parse(tok("-8"), "signed").value == -8
    negative = parse(tok("-1"))
    assert negative.value is None and negative.problem == "negative count"
    assert parse(tok("2.5")).problem == "not an integer"
    assert parse(tok("251000元"), "amount").value == 25.1
    assert parse(tok("52.15"), "amount").value == 52.15


def test_run_together_row_readings_that_add_up() -> None:
    row = sums_hold([7])
    assert values(readings([tok("801000081")], ["count"] * 7, row)) == [[80, 1, 0, 0, 0, 0, 81]]
    two = values(readings([tok("220000022")], ["count"] * 7, row))
    assert two == [[2, 20, 0, 0, 0, 0, 22], [22, 0, 0, 0, 0, 0, 22]]


def test_a_stray_space_in_run_together_digits_the_identity_decides() -> None:
    at_a_boundary = readings([tok("230", 0), tok("000023", 4)], ["count"] * 7, sums_hold([7]))
    assert values(at_a_boundary) == [[23, 0, 0, 0, 0, 0, 23]]
    inside_a_number = readings([tok("9", 0), tok("50000095", 2)], ["count"] * 7, sums_hold([7]))
    assert values(inside_a_number) == [[95, 0, 0, 0, 0, 0, 95]]


def test_split_spans_point_into_the_document() -> None:
    (reading,) = readings([tok("170000017")], ["count"] * 7, sums_hold([7]))
    assert [(c.start, c.end) for c in reading[:2]] == [(100, 102), (102, 103)]


def test_no_leading_zeros_and_review_groups() -> None:
    assert values(readings([tok("000")], ["count"] * 3)) == [[0, 0, 0]]
    (review,) = readings([tok("110024001510102")], ["count"] * 15, sums_hold([5, 5, 5]))
    assert [c.value for c in review] == [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2]


def test_signed_changes_start_a_cell() -> None:
    options = values(readings([tok("97", 0), tok("+82179", 2)], ["count", "signed", "count"]))
    assert options == [[97, 8, 2179], [97, 82, 179], [97, 821, 79], [97, 8217, 9]]


def test_a_run_of_slashes_may_be_several_blank_cells() -> None:
    options = values(readings([tok("77", 0), tok("//", 2)], ["count"] * 3))
    assert [77, None, None] in options and [7, 7, None] in options


def test_one_cell_too_many_or_a_number_cut_in_two() -> None:
    tokens = [tok(t, i * 3) for i, t in enumerate(["0", "5", "0", "0", "0", "0", "0", "5"])]
    assert values(readings(tokens, ["count"] * 7, sums_hold([7]))) == [[5, 0, 0, 0, 0, 0, 5]]
    split = [tok(t, i * 3) for i, t in enumerate(["1", "2", "0", "0", "0", "0", "0", "12"])]
    assert values(readings(split, ["count"] * 7, sums_hold([7]))) == [[12, 0, 0, 0, 0, 0, 12]]


def test_too_few_cells_without_run_together_digits_cannot_be_read() -> None:
    assert readings([tok("1")], ["count"] * 7) == []
    assert readings([tok("4", 0), tok("4", 2)], ["count"] * 7) == []
