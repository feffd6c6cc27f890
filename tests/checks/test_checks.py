"""Identities and prose checks: a report's own errors are findings; consistent data gives none."""

from __future__ import annotations

from service.checks.identities import check_t3, check_t4
from service.checks.prose import check_prose
from service.schema.fields import COLUMN_KEYS, t3_rows
from service.schema.record import Value


def consistent() -> dict[str, Value]:
    """新收 20 (19 自然人 + 1 商业企业), 19 予以公开 + 1 无法提供, nothing carried."""
    values: dict[str, Value] = {}
    for row in t3_rows(False):
        for col in COLUMN_KEYS:
            values[f"applications.{row.key}.{col}"] = 0
    for key in ("new_received", "results_total"):
        values.update(
            {
                f"applications.{key}.natural_person": 19,
                f"applications.{key}.commercial_enterprise": 1,
                f"applications.{key}.total": 20,
            }
        )
    values.update(
        {
            "applications.granted.natural_person": 19,
            "applications.granted.total": 19,
            "applications.unable_not_held.commercial_enterprise": 1,
            "applications.unable_not_held.total": 1,
        }
    )
    for group in ("administrative_review", "litigation_direct", "litigation_after_review"):
        values.update({f"reviews.{group}.{c}": 0 for c in ("upheld", "corrected", "other", "pending", "total")})
    values.update(
        {
            "reviews.administrative_review.upheld": 2,
            "reviews.administrative_review.other": 1,
            "reviews.administrative_review.total": 3,
        }
    )
    return values


def test_consistent_tables_have_no_findings() -> None:
    assert check_t3(consistent()) == []
    assert check_t4(consistent()) == []


def test_changed_leaf_cell_breaks_row_and_column() -> None:
    values = consistent()
    values["applications.granted.natural_person"] = 18
    rules = sorted((f.rule, f.cells[-1]) for f in check_t3(values))
    assert rules == [("T3-ROW", "applications.granted.total"), ("T3-SUM", "applications.results_total.natural_person")]
    row = next(f for f in check_t3(values) if f.rule == "T3-ROW")
    assert (row.expected, row.actual) == (18, 19)
    assert "予以公开" in row.message


def test_wrong_total_breaks_balance() -> None:
    values = consistent()
    values["applications.new_received.total"] = 21
    found = {(f.rule, f.cells[0]) for f in check_t3(values)}
    assert found == {
        ("T3-ROW", "applications.new_received.natural_person"),
        ("T3-BAL", "applications.new_received.total"),
    }


def test_null_terms_are_not_assessed() -> None:
    values = consistent()
    values["applications.granted.natural_person"] = None
    assert check_t3(values) == []


def test_review_group_total() -> None:
    values = consistent()
    values["reviews.litigation_direct.total"] = 1
    (finding,) = check_t4(values)
    assert finding.rule == "T4-SUM" and finding.expected == 0 and finding.actual == 1


def test_single_other_row_layout_sums_other_handling() -> None:
    values = {k: v for k, v in consistent().items() if ".other_" not in k}
    values.update({f"applications.other_handling.{c}": 0 for c in COLUMN_KEYS})
    assert check_t3(values, single_other_row=True) == []
    values["applications.other_handling.natural_person"] = 1
    values["applications.other_handling.total"] = 1
    assert [f.rule for f in check_t3(values, single_other_row=True)] == ["T3-SUM", "T3-SUM"]


def test_prose_against_tables() -> None:
    values = consistent()
    stated = {"applications_received": 17, "reviews": 3, "litigation": 2}
    found = check_prose(values, stated, fee_mentioned=True, format_version="2021")
    assert [(f.rule, f.expected, f.actual) for f in found] == [("TX-NEW", 20, 17), ("TX-LIT", 0, 2)]
    assert all(f.severity == "warning" for f in found)
    assert [f.rule for f in check_prose(values, {}, fee_mentioned=False, format_version="2021")] == ["TX-FEE"]
    assert check_prose(values, {}, fee_mentioned=False, format_version="2019") == []  # the fee rules came later
