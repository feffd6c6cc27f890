"""Chunks for retrieval: every section's prose is indexed, including prose printed inside a table section."""

from __future__ import annotations

from service.batch import read_file
from service.config import Settings
from service.index.chunks import make_chunks
from service.locate.sections import find_sections
from tests.conftest import sample


def test_prose_after_a_table_is_indexed_and_table_rows_are_not() -> None:
    # this report prints its problems and measures after table 四, under no heading 五
    record, doc = read_file(sample("shanghai-stcsm-2024"), Settings())
    assert doc is not None
    chunks = make_chunks(record.to_json_dict(), doc, find_sections(doc.text), "r")
    four = [c for c in chunks if c.section == "四"]
    assert four[0].chunk_id == "r:四:0" and "行政复议" in four[0].text  # the table, with its official labels
    prose = [c.text for c in four[1:]]
    assert any("根据上述问题，市科委采取以下措施" in t for t in prose)
    assert any("（一）主要问题市科委 2024 年根据本市机构改革工作安排" in t for t in prose)  # its sub-heading kept
    assert not any("|" in t for t in prose)


def test_a_report_whose_table_sections_hold_only_tables_gets_one_chunk_each() -> None:
    record, doc = read_file(sample("003_9da54bdadbdcae0a"), Settings())
    assert doc is not None
    chunks = make_chunks(record.to_json_dict(), doc, find_sections(doc.text), "r")
    assert [c.chunk_id for c in chunks if c.section in ("二", "三", "四")] == ["r:二:0", "r:三:0", "r:四:0"]
