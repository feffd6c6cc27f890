"""The offline parser: everyday wording becomes a query; group words, years, operations, findings, text, unknowns."""

from __future__ import annotations

import pytest

from service.names import Directory
from service.qa.parse import Context, parse
from service.qa.query import Query, Subject, understood
from service.qa.subjects import vocabulary

ISSUERS = [
    "巨各庄镇",
    "卷硐镇",
    "初麻乡",
    "平潭综合实验区",
    "淮安市洪泽区人民政府",
    "河北省科学技术厅",
    "河北省人力资源和社会保障厅",
    "樟树市临江镇",
]
CONTEXT = Context(Directory(ISSUERS, vocabulary=vocabulary()), [2019, 2020, 2021, 2022, 2023, 2024])


def ask(text: str, previous: Query | None = None) -> Query:
    return parse(text, CONTEXT, previous=previous)


def test_short_names_and_the_ge_inside_a_name() -> None:
    q = ask("巨各庄2023年收了多少件申请")
    assert q.bodies == ["巨各庄镇"] and q.kinds == [] and q.operation == "value" and q.years == [2023]
    assert q.subjects == [Subject(row="本年新收", column="总计")]
    assert ask("平潭的行政诉讼").bodies == ["平潭综合实验区"]
    assert ask("省人社厅收到多少申请").bodies == ["河北省人力资源和社会保障厅"]
    assert ask("河北科技厅收到多少申请").bodies == ["河北省科学技术厅"]


def test_group_words_are_kinds_of_body() -> None:
    q = ask("哪个镇收到的申请最多")
    assert q.kinds == ["镇"] and q.operation == "max" and q.bodies == []
    assert ask("各镇一共收到多少申请").operation == "sum"
    assert set(ask("乡镇的申请分别是多少").kinds) == {"镇", "乡"} and ask("乡镇的申请分别是多少").operation == "list"
    assert set(ask("各区县的行政复议").kinds) == {"区", "县"}
    assert ask("淮安市各区县的申请").regions == ["淮安市"]


def test_years_ranges_and_comparisons() -> None:
    assert ask("2019年到2023年巨各庄镇收到的申请").years == [2019, 2020, 2021, 2022, 2023]
    q = ask("2022年和2023年一共收到多少申请")
    assert q.years == [2022, 2023] and q.operation == "sum"
    q = ask("洪泽区2024年收到的申请比上年增加了多少")
    assert q.compare_previous and q.operation == "diff" and q.years == [2024]
    assert ask("洪泽区收到的申请同比增长率").operation == "growth"
    assert ask("巨各庄镇去年收到多少申请").relative_year == "去年"
    assert ask("巨各庄镇历年收到的申请").operation == "trend"


@pytest.mark.parametrize(
    "text",
    ["巨各庄镇2023年比2022年多收了几件申请", "巨各庄镇2023年比2022年少办了多少件", "巨各庄2023年比2022年多了几件申请"],
)
def test_more_or_fewer_between_two_years_is_a_difference(text: str) -> None:
    q = ask(text)
    assert q.operation == "diff" and q.years == [2022, 2023] and q.bodies == ["巨各庄镇"]


def test_one_body_under_two_issuer_names_is_compared_across_years() -> None:
    directory = Directory(["江海市白沙镇人民政府", "江海市白沙镇人民政府办公室"], vocabulary=vocabulary())
    q = parse("白沙镇2023年比2022年收到的申请", Context(directory, [2022, 2023]))
    assert len(q.bodies) == 2 and q.operation == "diff"
    assert ask("巨各庄镇至少几件").operation != "diff" and ask("巨各庄镇2023年收到多少件申请").operation == "value"


def test_every_cell_people_ask_about() -> None:
    assert ask("复议被纠正了几件").subjects == [Subject(row="行政复议", column="结果纠正")]
    assert ask("行政诉讼尚未审结的有多少").subjects == [Subject(row="行政诉讼", column="尚未审结")]
    assert ask("未经复议直接起诉的有多少").subjects == [Subject(row="未经复议直接起诉", column="总计")]
    assert ask("因为三安全一稳定不予公开的有几件").subjects == [Subject(row="危及“三安全一稳定”", column="总计")]
    assert ask("涉及第三方的有几件").subjects == [Subject(row="保护第三方合法权益", column="总计")]
    assert ask("法人或其他组织申请了多少").subjects == [Subject(row="本年新收", column="法人或其他组织")]
    assert ask("办结了多少件").subjects == [Subject(row="办理结果总计", column="总计")]
    assert ask("现行有效的规范性文件").subjects == [Subject(row="行政规范性文件", column="现行有效")]
    q = ask("洪泽区的公开率是多少")
    assert q.operation == "share" and [s.row for s in q.subjects] == ["予以公开", "部分公开"]


def test_findings_by_everyday_words() -> None:
    assert ask("哪些报告的数字对不上").findings == ["勾稽关系", "正文与表格", "跨年衔接"]
    assert ask("有没有照抄去年的").findings == ["照抄"] and ask("有没有照抄去年的").years == []
    assert ask("哪些报告正文和表格矛盾").findings == ["正文与表格"]
    assert ask("哪些报告没写信息处理费").findings == ["信息处理费"]
    assert ask("哪些单位的结转数前后对不上").findings == ["结转衔接"]
    assert ask("哪些报告有重复申请").findings == [] and ask("哪些报告有重复申请").subjects[0].row == "重复申请"


@pytest.mark.parametrize(
    ("question", "aspect"),
    [("巨各庄镇有哪些短板", "problems"), ("卷硐镇工作中有什么不足", "problems"), ("洪泽区下一步打算", "improvements")],
)
def test_text_questions_by_their_words(question: str, aspect: str) -> None:
    q = ask(question)
    assert q.route == "text" and q.section == "五" and q.aspect == aspect


def test_what_matched_nothing_is_kept_and_named() -> None:
    q = ask("溪翁庄镇和巨各庄镇的申请分别是多少")
    assert q.unmatched == ["溪翁庄镇"] and q.bodies == ["巨各庄镇"]
    assert understood(q, ["巨各庄镇"]).endswith("；没有找到“溪翁庄镇”")
    assert ask("巨各庄镇第一季度收到多少申请").unsupported == ["第一季度"]
    for name in ("淮安市人民政府", "淮安市教育局", "河北省人民政府"):  # a place that is stored, a body that is not
        q = ask(f"{name}的行政诉讼有多少件")
        assert q.unmatched == [name] and q.regions == [] and q.bodies == [], name
    assert ask("洪泽区比上年增加了多少").route == "none"  # which number: not said


def test_follow_ups_take_what_they_do_not_say() -> None:
    first = ask("巨各庄镇2023年行政复议多少件")
    q = ask("那行政诉讼呢", previous=first)
    assert q.bodies == ["巨各庄镇"] and q.years == [2023] and q.subjects[0].row == "行政诉讼"
    q = ask("卷硐镇呢", previous=first)
    assert q.bodies == ["卷硐镇"] and q.subjects[0].row == "行政复议"
    assert understood(ask("洪泽区2024年收到的申请比2023年多了多少"), ["淮安市洪泽区"]) == (
        "按：淮安市洪泽区 · 2023→2024 · 本年新收 · 总计 · 差值"
    )


def test_a_name_one_character_away_is_suggested_not_used() -> None:
    directory = Directory(["沐阳县人民政府", "巨各庄镇"], vocabulary=vocabulary())
    q = parse("沭阳县政府2025年收到多少申请", Context(directory, [2025]))
    assert q.bodies == [] and q.unmatched and directory.near(q.unmatched[0]) == ["沐阳县人民政府"]
    assert directory.near("沭阳县政府") == ["沐阳县人民政府"] and directory.near("巨各庄村") == ["巨各庄镇"]
    assert directory.near("溪翁庄镇") == [] and directory.near("巨庄") == []


def test_a_full_official_name_leaves_nothing_unmatched() -> None:
    directory = Directory(["上海市人民政府办公厅", "平潭综合实验区"], vocabulary=vocabulary())
    for text in ("上海市人民政府办公厅2025年不予处理多少件", "上海市政府办公厅2025年不予处理多少件"):
        q = parse(text, Context(directory, [2025]))
        assert q.bodies == ["上海市人民政府办公厅"] and q.unmatched == [], text


@pytest.mark.parametrize(
    "text",
    ["巨各庄镇2023年收到的申请比卷硐镇多百分之几", "洪泽区2024年的申请比上年高百分之多少", "卷硐镇比初麻乡少了几成"],
)
def test_more_by_a_percentage_is_a_rate_not_a_share(text: str) -> None:
    assert ask(text).operation == "growth"
    assert ask("巨各庄镇2023年公开的占百分之几").operation == "share"
