"""Issuer names to bodies: normalisation, short forms, the alias table."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import ConfigError
from service.review.bodies import Bodies, alias_table, core, read_aliases


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
