"""Issuer names (service/names.py): normalisation, short forms, the alias table, kinds, places, spoken forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import ConfigError
from service.names import (
    Bodies,
    Directory,
    alias_table,
    core,
    described_places,
    kind_of,
    normalize,
    places_in,
    read_aliases,
    spoken_forms,
)


@pytest.mark.parametrize(
    "name",
    [
        "淮安市洪泽区人民政府",
        "淮安市洪泽区人民政府办公室",
        "淮安市 洪泽区人民政府",
        "淮安市洪泽区政府",
        "淮安市洪泽区\u3000人民政府办公厅",
        "  淮安市洪泽区  ",
    ],
)
def test_suffixes_and_spaces_are_one_body(name: str) -> None:
    assert core(name) == "淮安市洪泽区"


def test_long_department_words_are_shortened() -> None:
    assert core("河北省科学技术厅") == core("河北省科技厅") == "河北省科技厅"
    assert core("平潭综合实验区管理委员会") == "平潭综合实验区"
    assert core("某某街道办事处") == "某某街道"


def test_a_short_form_joins_the_only_body_it_can_be() -> None:
    bodies = Bodies(
        ["淮安市洪泽区人民政府", "洪泽区人民政府", "北京市平谷区巨各庄镇人民政府", "巨各庄镇", "平谷区巨各庄镇"]
    )
    assert bodies.key("洪泽区人民政府") == bodies.key("淮安市洪泽区人民政府") == "淮安市洪泽区"
    assert bodies.key("巨各庄镇") == bodies.key("平谷区巨各庄镇") == "北京市平谷区巨各庄镇"


def test_an_ambiguous_short_form_stays_alone() -> None:
    bodies = Bodies(["甲县城关镇人民政府", "乙县城关镇人民政府", "城关镇人民政府"])
    assert bodies.key("城关镇人民政府") == "城关镇"
    assert bodies.key("甲县城关镇人民政府") != bodies.key("乙县城关镇人民政府")


def test_no_merge_without_a_place_boundary() -> None:
    bodies = Bodies(["新华镇人民政府", "东新华镇人民政府"])
    assert bodies.key("新华镇人民政府") != bodies.key("东新华镇人民政府")


def test_the_alias_table_joins_renamed_bodies(tmp_path: Path) -> None:
    table = tmp_path / "aliases.tsv"
    table.write_text(
        "# 机构改革后更名\n某市科学技术和工业信息化局\t某市科学技术局\n河北科技厅  河北省科学技术厅  # 简称\n\n",
        encoding="utf-8",
    )
    aliases = read_aliases(table)
    bodies = Bodies(["某市科学技术局", "某市科学技术和工业信息化局", "河北科技厅", "河北省科学技术厅"], aliases)
    assert bodies.key("某市科学技术和工业信息化局") == bodies.key("某市科学技术局")
    assert bodies.key("河北科技厅") == bodies.key("河北省科学技术厅")
    assert alias_table(None, tmp_path) == aliases
    assert alias_table(None, tmp_path / "elsewhere") == {}


def test_a_bad_alias_line_is_a_config_error(tmp_path: Path) -> None:
    table = tmp_path / "aliases.tsv"
    table.write_text("只有一个名字\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        read_aliases(table)
    with pytest.raises(ConfigError, match="cannot be read"):
        alias_table(tmp_path / "missing.tsv", tmp_path)


def test_kinds_and_places_from_the_name() -> None:
    assert [kind_of(n) for n in ("巨各庄镇人民政府", "初麻乡", "某某街道办事处", "淮安市洪泽区人民政府")] == [
        "镇",
        "乡",
        "街道",
        "区",
    ]
    assert [kind_of(n) for n in ("平潭综合实验区管委会", "河北省科学技术厅", "某县", "某市人民政府")] == [
        "功能区",
        "部门",
        "县",
        "市",
    ]
    assert places_in("北京市平谷区巨各庄镇人民政府") == ["北京市", "平谷区"]
    assert places_in("淮安市市场监督管理局") == ["淮安市"]  # 市 of 市场 is no boundary


def test_how_questions_name_bodies() -> None:
    assert {"巨各庄镇", "巨各庄"} <= spoken_forms("巨各庄镇人民政府")
    assert {"洪泽区", "洪泽", "淮安市洪泽区"} <= spoken_forms("淮安市洪泽区人民政府")
    assert {"平潭"} <= spoken_forms("平潭综合实验区")
    assert {"河北人社厅", "省人社厅", "人社厅"} <= spoken_forms("河北省人力资源和社会保障厅")
    assert normalize("河北省 科学技术厅") == "河北省科技厅"


def test_a_report_says_where_its_body_lies() -> None:
    assert described_places("巨各庄镇", "本报告由北京市平谷区巨各庄镇人民政府编制") == ["北京市", "平谷区"]
    assert described_places("巨各庄镇", "巨各庄镇2023年政府信息公开年报") == []


def test_the_directory_finds_bodies_and_regions() -> None:
    directory = Directory(
        ["淮安市洪泽区人民政府", "巨各庄镇", "平潭综合实验区"],
        aliases={"巨各庄镇": "北京市平谷区巨各庄镇人民政府"},
        vocabulary={"公开"},
    )
    found = directory.find(normalize("巨各庄和洪泽区比，淮安市各区县，平谷区各镇"))
    assert [(m.text, m.issuers, m.region) for m in found] == [
        ("巨各庄", ["巨各庄镇"], []),
        ("洪泽区", ["淮安市洪泽区人民政府"], []),
        ("淮安市", [], ["淮安市洪泽区人民政府"]),
        ("平谷区", [], ["巨各庄镇"]),
    ]
    assert directory.kinds == {"淮安市洪泽区人民政府": "区", "巨各庄镇": "镇", "平潭综合实验区": "功能区"}
