"""Numbers of the prose: attached to the keyword of their own clause, written as people write them."""

from __future__ import annotations

import pytest

from service.extract.narrative import number_value, read_prose
from service.ingest.document import Document
from service.locate.sections import find_sections


def stated(section_one: str, section_six: str = "无。") -> dict[str, int | float]:
    doc = Document(
        raw=f"一、总体情况\n{section_one}\n二、主动公开政府信息情况\n六、其他需要报告的事项\n{section_six}",
        format="txt",
    )
    return {k: s.value for k, s in read_prose(doc, find_sections(doc.text)).items()}


def test_chinese_numerals_and_thousands_separators() -> None:
    assert [number_value(t) for t in ("二百零六", "十二", "两", "一千零二十", "3万", "1,020")] == [
        206,
        12,
        2,
        1020,
        None,
        1020,
    ]
    assert number_value("三万二千") == 32000


def test_a_number_belongs_to_the_keyword_of_its_own_clause() -> None:
    got = stated("清理后保留部门规范性文件181件，废止25件。")
    assert got["normative_repealed"] == 25
    hebei = stated("对53件文件规范性文件进行清理，其中49件保留、3件列入限期修改、1件予以废止或宣布失效。")
    assert hebei["normative_repealed"] == 1
    assert "normative_repealed" not in stated("保留部门规范性文件181件。本年废止的公告2件。")


def test_received_counts_as_people_write_them() -> None:
    assert stated("全年共收到政府信息公开申请二十三件。")["applications_received"] == 23
    assert stated("全县全年共受理政府信息公开申请 1,020 件，办结1,020件。")["applications_received"] == 1020
    assert stated("共收到8份政府信息公开申请。")["applications_received"] == 8
    assert stated("线上收到申请3件，线下收到申请2件。")["applications_received"] == 5
    assert stated("本年度未收到政府信息公开申请。")["applications_received"] == 0


def test_reviews_litigation_and_carry_over_with_the_number_before_or_after_the_noun() -> None:
    got = stated("有 1 件涉及政府信息公开工作的行政复议，行政诉讼0件；及时办结69件，1件结转下年度继续办理。")
    assert (got["reviews"], got["litigation"], got["applications_done"], got["applications_carried_out"]) == (
        1,
        0,
        69,
        1,
    )
    assert stated("全年无行政复议、诉讼。")["reviews"] == 0


def test_fee_statements() -> None:
    assert stated("略。", "2024 年，市科委未发生政府信息公开收费事项。")["fee_collected_yuan"] == 0
    assert stated("略。", "全年收取信息处理费共计380元。")["fee_collected_yuan"] == 380
    assert "fee_collected_yuan" not in stated("略。", "无其他需要报告的事项。")


def test_proactive_total_or_its_parts() -> None:
    assert stated("主动公开信息360条，其中本级政府文件9条，公告公示9条。")["proactive_items"] == 360
    assert stated("主动公开规章13件,行政规范性文件60件,市政府其他文件162件。")["proactive_items"] == 235
    assert stated("发布政府信息公开工作年度报告 1 条、基层动态 2 条、自评报告 4 条。")["proactive_items"] == 7


@pytest.mark.parametrize(
    "heading",
    ["存在的主要问题及改进情况", "存在的主要问题及整改措施", "存在的不足和下一步工作打算", "主要问题和改进措施"],
)
def test_section_five_under_the_headings_reports_use(heading: str) -> None:
    text = f"一、总体情况\n甲\n四、行政复议、行政诉讼情况\n丁\n五、{heading}\n戊。\n六、其他需要报告的事项\n"
    five = find_sections(text)["五"]
    assert text[five.start : five.body_start] == f"五、{heading}" and text[five.body_start : five.end].strip() == "戊。"


def test_disclosed_items_listed_with_long_labels_are_summed_and_applications_are_not_items() -> None:
    listed = stated("全年主动公开区政府规章 3 件、区政府及区政府办公室行政规范性文件 12 件、人事任免文件 40 件；")
    assert listed["proactive_items"] == 55
    applications = stated("本机关共受理政府信息公开申请 120 件，办结 110 件（含上年结转 8 件）。")
    assert "proactive_items" not in applications and applications["applications_done"] == 110
