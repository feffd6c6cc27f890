"""The consecutive-year rules on hand-made reports: what is assessed, what is reported, with which cells."""

from __future__ import annotations

from service.review.rules import Report, check_carry, check_copied_sections, check_pair, check_stock, check_tables
from service.review.similarity import profile
from tests.review.test_similarity import FIVE, OTHER

COLS = ["natural_person", "commercial_enterprise", "research_institution", "public_interest_org"]
COLS += ["legal_service_org", "other_org", "total"]


def report(year: int, values: dict, texts: dict[str, str] | None = None, issuer: str = "某县人民政府") -> Report:
    texts = texts or {}
    return Report(
        report_id=f"r{year}",
        issuer=issuer,
        body="某县",
        year=year,
        values=values,
        texts=texts,
        profiles={k: profile(t) for k, t in texts.items()},
    )


def carry(row: str, numbers: list[int | None]) -> dict:
    return {f"applications.{row}.{c}": n for c, n in zip(COLS, numbers, strict=True)}


def test_carry_per_column_with_the_other_report_named() -> None:
    prev = report(2022, carry("carried_forward", [3, 0, 0, 0, 0, 1, 4]))
    cur = report(2023, carry("carried_over", [5, 0, 0, 0, 0, 1, 6]))
    found = check_carry(cur, prev)
    assert [f.subject for f in found] == ["natural_person", "total"]
    first = found[0]
    assert first.finding.rule == "Y-CARRY" and first.finding.severity == "warning"
    assert first.finding.cells == ["applications.carried_over.natural_person"]
    assert (first.finding.expected, first.finding.actual) == (3, 5)
    assert "某县人民政府 2022年报告" in first.finding.message and "差 +2" in first.finding.message
    assert (first.other_year, first.other_report_id) == (2022, "r2022")


def test_carry_with_a_null_term_is_not_assessed() -> None:
    prev = report(2022, carry("carried_forward", [3, 0, 0, 0, 0, 1, None]))
    cur = report(2023, carry("carried_over", [3, 0, 0, 0, 0, 1, 9]))
    assert check_carry(cur, prev) == []
    assert check_carry(report(2023, {}), prev) == []


def _docs(row: str, issued: int, repealed: int, in_force: int) -> dict:
    return {
        f"active_disclosure.{row}.issued": issued,
        f"active_disclosure.{row}.repealed": repealed,
        f"active_disclosure.{row}.in_force": in_force,
    }


def test_stock_difference_is_reported_with_its_size() -> None:
    prev = report(2022, _docs("normative_documents", 2, 0, 40) | _docs("rules", 0, 0, 5))
    cur = report(2023, _docs("normative_documents", 6, 2, 41) | _docs("rules", 1, 0, 6))
    (found,) = check_stock(cur, prev)
    assert found.subject == "normative_documents"
    assert (found.finding.expected, found.finding.actual) == (44, 41)
    assert "40 + 本年制发 6 − 本年废止 2 = 44" in found.finding.message and "差 -3" in found.finding.message
    assert found.finding.cells == [
        "active_disclosure.normative_documents.in_force",
        "active_disclosure.normative_documents.issued",
        "active_disclosure.normative_documents.repealed",
    ]


def test_stock_is_not_assessed_across_the_2019_layout() -> None:
    prev = report(2020, {"active_disclosure.normative_documents.total_published": 40})
    cur = report(2021, _docs("normative_documents", 6, 2, 99))
    assert check_stock(cur, prev) == []


def test_copied_sections_one_and_five_but_never_six() -> None:
    one = OTHER * 2
    prev = report(2022, {}, {"一": one, "五": FIVE, "六": "本年度未收取任何信息处理费用，也未发出收费通知。" * 3})
    cur = report(2023, {}, {"一": one.replace("四十", "五十"), "五": OTHER, "六": prev.texts["六"]})
    (found,) = check_copied_sections(cur, prev, 0.8)
    assert (found.subject, found.section, found.finding.rule) == ("一", "一", "Y-COPY")
    assert found.ratio == 0.9894 and found.text == cur.texts["一"] and found.other_text == one
    assert "一、总体情况" in found.finding.message and "相似度 99%" in found.finding.message


def _table3(scale: int) -> dict:
    return {f"applications.granted.{c}": scale for c in COLS} | {"applications.new_received.total": scale * 2}


def test_identical_tables_need_five_non_zero_cells() -> None:
    zeros = report(2022, _table3(0) | {"reviews.administrative_review.total": 0})
    assert check_tables(report(2023, dict(zeros.values)), zeros) == []
    busy = report(2022, _table3(3) | {"reviews.administrative_review.total": 0})
    (found,) = check_tables(report(2023, dict(busy.values)), busy)
    assert found.subject == "tables" and "表三" in found.finding.message and "表四" not in found.finding.message
    assert len(found.finding.cells) == 8
    changed = dict(busy.values) | {"applications.granted.other_org": 4}
    assert check_tables(report(2023, changed), busy) == []


def test_check_pair_runs_every_rule() -> None:
    prev = report(2022, carry("carried_forward", [1, 0, 0, 0, 0, 0, 1]) | _table3(2), {"五": FIVE})
    cur = report(2023, carry("carried_over", [0, 0, 0, 0, 0, 0, 0]) | _table3(2), {"五": FIVE})
    rules = sorted((f.finding.rule, f.subject) for f in check_pair(cur, prev, 0.8))
    assert rules == [("Y-CARRY", "natural_person"), ("Y-CARRY", "total"), ("Y-COPY", "五")]
