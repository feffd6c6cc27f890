"""Cell values and the digit-splitting search."""

from __future__ import annotations

from service.extract.cells import parse, split_digits, sums_to_last
from service.locate.tokens import Token, classify


def tok(text: str) -> Token:
    return Token(text, classify(text) or "num", 100, 100 + len(text))


def test_placeholders_are_null_with_raw_text() -> None:
    for text in ("/", "—", "-", "无", ""):
        cell = parse(tok(text))
        assert cell.value is None and cell.raw == text


def test_counts_signed_and_amounts() -> None:
    assert parse(tok("363")).value == 363
    assert parse(tok("减4"), "signed").value == -4
    assert parse(tok("-8"), "signed").value == -8
    negative = parse(tok("-1"))
    assert negative.value is None and negative.problem == "negative count"
    assert parse(tok("2.5")).problem == "not an integer"
    assert parse(tok("251000元"), "amount").value == 25.1
    assert parse(tok("52.15"), "amount").value == 52.15


def test_run_together_row_readings_that_add_up() -> None:
    readings = [[c.value for c in r] for r in split_digits(tok("801000081"), [7], sums_to_last)]
    assert readings == [[80, 1, 0, 0, 0, 0, 81]]
    two = [[c.value for c in r] for r in split_digits(tok("220000022"), [7], sums_to_last)]
    assert sorted(two) == [[2, 20, 0, 0, 0, 0, 22], [22, 0, 0, 0, 0, 0, 22]]


def test_split_spans_point_into_the_document() -> None:
    (reading,) = list(split_digits(tok("170000017"), [7], sums_to_last))
    assert [(c.start, c.end) for c in reading[:2]] == [(100, 102), (102, 103)]


def test_no_leading_zeros_and_review_groups() -> None:
    assert [[c.value for c in r] for r in split_digits(tok("000"), [3])] == [[0, 0, 0]]
    (review,) = list(split_digits(tok("110024001510102"), [5, 5, 5], sums_to_last))
    assert [c.value for c in review] == [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2]
