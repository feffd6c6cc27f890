"""Issuer and year: from the title with its junk stripped, else from the text; with evidence of where."""

from __future__ import annotations

import pytest

from service.extract.meta import read_meta
from service.ingest.document import Document
from service.locate.sections import find_sections


def meta(text: str) -> tuple[str | None, int | None, str | None, str | None]:
    doc = Document(raw=text, format="txt")
    read = read_meta(doc, find_sections(doc.text))
    issuer_ev = read.evidence.get("meta.issuer")
    year_ev = read.evidence.get("meta.year")
    return read.issuer, read.year, issuer_ev.method if issuer_ev else None, year_ev.method if year_ev else None


BODY = "\n一、总体情况\n{opening}\n二、主动公开政府信息情况\n"


@pytest.mark.parametrize(
    ("head", "issuer", "year"),
    [
        ("2024 年上海市科委政府信息公开工作\n年度报告", "上海市科委", 2024),
        ("正文\n2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        ("标题: 平潭综合实验区2022年度政府信息公开工作年度报告\n发布机构: ", "平潭综合实验区", 2022),
        ("发布机构：河北省教育厅\n河北省教育厅2023年政府信息公开工作年度报告", "河北省教育厅", 2023),
        ("2022年度和平街道政府信息公开工作年度报告", "和平街道", 2022),
        ("# 沐阳县人民政府 2025 年 政府信息公开工作年度报告", "沐阳县人民政府", 2025),
        ("政府信息公开\n益阳市大通湖区审计局政府信息公开工作年度报告", "益阳市大通湖区审计局", None),
        ("某县发改局2023年政府信息公开年度报告", "某县发改局", 2023),
    ],
)
def test_titles_as_printed(head: str, issuer: str, year: int | None) -> None:
    got = meta(head + BODY.format(opening="本机关认真贯彻落实《条例》。"))
    assert got[:2] == (issuer, year)
    assert got[2] == "title"


def test_no_title_line_the_body_section_one_opens_with_and_the_statistical_period() -> None:
    text = "本报告中所列数据的统计期限从2023年1月1日起至2023年12月31日止。" + BODY.format(
        opening="2023年，河北省科学技术厅深入贯彻《条例》，我厅全年主动公开信息12条。"
    )
    assert meta(text) == ("河北省科学技术厅", 2023, "body", "period")


@pytest.mark.parametrize(
    ("opening", "issuer"),
    [
        ("2019年,文登区住建局共主动公开政府信息120条。", "文登区住建局"),
        ("2022年,区政府办公室认真贯彻执行《条例》。", "区政府办公室"),
        ("2023年,审计局紧紧围绕县委、县政府中心工作。", "审计局"),
        ("本年度我局门户网站围绕市委中心工作发布信息。", None),
    ],
)
def test_the_body_a_report_names_itself_by(opening: str, issuer: str | None) -> None:
    assert meta("统计周期为 2023 年 1 月 1 日至 12 月 31 日。" + BODY.format(opening=opening))[0] == issuer


def test_a_title_quoted_in_the_text_and_a_pronoun_is_no_issuer() -> None:
    text = "根据《条例》，编制完成《苍溪县乡村振兴局2023年政府信息公开工作年度报告》。" + BODY.format(
        opening="我局认真落实。"
    )
    assert meta(text)[:2] == ("苍溪县乡村振兴局", 2023)
    only_pronoun = "现公布我局2022年政府信息公开工作年度报告。" + BODY.format(opening="本年度我局认真落实。")
    assert meta(only_pronoun)[:2] == (None, 2022)


def test_without_a_title_a_department_named_in_passing_is_not_the_issuer() -> None:
    """我区 speaks: the 局 the text names is another body, so the issuer stays unknown (a manifest can give it)."""
    opening = "2019年，在省政府办公厅的指导下，我区认真贯彻落实《条例》。"
    opening += "区自然资源与生态环境局，区财政金融局，区自然资源与生态环境局，"
    assert meta(BODY.format(opening=opening))[0] is None
