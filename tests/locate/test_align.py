"""Official rows aligned with printed labels: wording variants match, enumerators must agree, no row shifts."""

from __future__ import annotations

from service.extract.tables import read_t3
from service.locate.align import OfficialRow, Scorer
from service.schema.fields import t3_rows

T3 = Scorer([OfficialRow(r.key, r.label, 7) for r in t3_rows(False)])


def best(label: str) -> str | None:
    scores = {r.key: T3.score(r.key, label) for r in T3.rows}
    key = max(scores, key=lambda k: scores[k])
    return key if scores[key] >= 0.6 else None


def test_wording_variants_of_real_reports_match_their_row() -> None:
    assert best("四、结转下一年度继续办理") == "carried_forward"
    assert best("一、本年度新收政府信息公开申请数量") == "new_received"
    assert best("二、上年度结转政府信息公开申请数量") == "carried_over"
    assert best("（七）合计") == "results_total"
    assert best("2.其他法律、行政法规禁止公开") == "withheld_prohibited_by_law"
    assert best("年 3.危及‘三安全一稳定’") == "withheld_security_stability"
    assert best("（四）无法提供 1.本机关不掌握相关政府信息") == "unable_not_held"
    assert best("（二）部分公开") == "partially_granted"


def test_enumerators_must_agree() -> None:
    assert T3.score("other_other", "（六）其他处理") == 0.0
    assert T3.score("other_other", "2.申请人逾期未按收费通知要求缴纳费用") == 0.0
    assert T3.score("other_other", "3.其他") == 1.0


def _table(lines: list[str]) -> str:
    return "\n".join(lines)


def test_a_missing_row_stays_unread_and_never_shifts_the_rows_after_it() -> None:
    rows = [r for r in t3_rows(False) if r.key != "withheld_third_party_rights"]
    text = _table([f"{r.label} {i} 0 0 0 0 0 {i}" for i, r in enumerate(rows, 1)])
    table = read_t3(text, 0, len(text), {})
    assert "withheld_third_party_rights" in table.unread
    assert table.cells["applications.withheld_internal_affairs.total"].value == 8
    assert "applications.withheld_third_party_rights.total" not in table.cells


def test_numbers_printed_apart_from_their_labels_are_given_in_order_between_anchored_rows() -> None:
    lines = []
    for r in t3_rows(False):
        if r.key in ("partially_granted", "withheld_state_secret"):
            lines.append(r.label)  # labels of two rows, then their numbers
        else:
            lines.append(f"{r.label} 0 0 0 0 0 0 0")
        if r.key == "withheld_state_secret":
            lines += ["9 0 0 0 0 0 9", "1", "0 0 0 0 0 0 0"]  # "1": a stray page number
    text = _table(lines)
    table = read_t3(text, 0, len(text), {})
    assert table.cells["applications.partially_granted.total"].value == 9
    assert table.cells["applications.withheld_state_secret.total"].value == 0
    assert sorted(table.by_order) == ["partially_granted", "withheld_state_secret"]
    assert not table.unread
