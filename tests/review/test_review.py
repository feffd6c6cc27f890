"""The review over a store: findings stored with origin 'review', `nianbao review`, Q&A over them, the timeline."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evals.review import NOW
from evals.series import Series, generate
from service.cli import main
from service.config import Settings
from service.qa.answer import answer
from service.review import pivot, review, timeline
from service.store import Store, open_store
from tests.conftest import Engine

REQUIRED = {"issuer", "year", "rule", "severity", "message", "other_year", "cells", "ratio"}


@pytest.fixture(scope="module")
def series() -> Series:
    return generate(20, 5, first_year=2019)


@pytest.fixture(scope="module")
def filled(engine: Engine, tmp_path_factory: pytest.TempPathFactory, series: Series) -> Settings:
    settings = engine.settings(tmp_path_factory.mktemp("home"))
    store = open_store(settings)
    for report in series.reports:
        store.put(report.record(), report.sections, [], now=NOW)
    store.close()
    lines = [f"{new}\t{old}" for new, old in series.aliases.items()]
    (settings.home / "aliases.tsv").write_text("# 更名\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return settings


@pytest.fixture
def store(filled: Settings):
    store = open_store(filled)
    yield store
    store.close()


@pytest.fixture
def env(engine: Engine, filled: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in engine.env(filled).items():
        monkeypatch.setenv(key, value)


def test_findings_go_into_the_records_and_a_rerun_replaces_them(store: Store, series: Series) -> None:
    first = review(store, aliases=series.aliases)
    assert first.reports == 100 and first.bodies == 20 and first.pairs == 80 and not first.ambiguous
    assert Counter(f.finding.rule for f in first.findings) == Counter(k[1] for k in series.expected)
    again = review(store, aliases=series.aliases)
    stored = [f for f in store.findings(["Y-CARRY", "Y-NORM", "Y-COPY"]) if f["origin"] == "review"]
    assert len(stored) == len(again.findings) == len(first.findings)
    sample = again.findings[0]
    record = store.record(sample.report_id)
    assert record is not None
    mine = [f for f in record["findings"] if f["message"] == sample.finding.message]
    assert mine == [
        {
            "rule": sample.finding.rule,
            "severity": "warning",
            "message": sample.finding.message,
            "cells": sample.finding.cells,
        }
    ]


def test_without_the_alias_table_the_renamed_body_splits(store: Store, series: Series) -> None:
    result = review(store)
    assert result.bodies == 21 and result.pairs == 79
    review(store, aliases=series.aliases)


@pytest.mark.usefixtures("env")
def test_cli_review_writes_jsonl_and_xlsx(tmp_path: Path, capsys) -> None:
    assert main(["review", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "reviewed: 100 reports of 20 bodies; consecutive-year pairs compared: 80" in out
    assert "written:" in out
    rows = [json.loads(line) for line in (tmp_path / "review.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows and all(REQUIRED <= set(row) for row in rows)
    copies = [r for r in rows if r["rule"] == "Y-COPY" and r["section"]]
    assert copies and all(r["ratio"] >= 0.8 and r["text"] and r["other_text"] for r in copies)
    assert all(r["ratio"] is None for r in rows if r["rule"] != "Y-COPY")
    sheet = load_workbook(tmp_path / "review.xlsx").active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["单位", "年度", "规则", "说明"] and sheet.max_row == len(rows) + 1


@pytest.mark.usefixtures("env")
def test_cli_review_of_one_body(series: Series, capsys) -> None:
    body = next(r for r in series.reports if r.file == sorted(series.expected)[0][0])
    names = {r.issuer for r in series.reports if r.body == body.body}
    assert main(["review", "--issuer", body.issuer]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("- ")]
    files = {r.file for r in series.reports if r.body == body.body}
    assert len(listed) == sum(1 for k in series.expected if k[0] in files)
    assert all(any(line.startswith(f"- {name} ") for name in names) for line in listed)
    assert main(["review", "--issuer", "不存在的单位"]) == 1
    assert "no stored report of 不存在的单位" in capsys.readouterr().err


def test_cli_review_without_a_store(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path / "empty"))
    assert main(["review"]) == 1
    assert "nianbao ingest" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["review", "--threshold", "1.5"])


def test_questions_are_answered_from_the_review_findings(store: Store, series: Series) -> None:
    review(store, aliases=series.aliases)
    copied = answer("哪些报告照搬了上年的内容", store=store, index=None)
    want = {f["issuer"] for f in store.findings(["Y-COPY"])}
    assert copied.route == "findings" and {c.issuer for c in copied.citations} == want
    carry = answer("哪些单位的结转数前后对不上", store=store, index=None)
    want = {f["issuer"] for f in store.findings(["Y-CARRY"])}
    assert carry.route == "findings" and {c.issuer for c in carry.citations} == want
    assert "上年结转" in carry.answer


def test_timeline_per_body(store: Store, series: Series) -> None:
    review(store, aliases=series.aliases)
    rows = timeline(store, aliases=series.aliases)
    assert len(rows) == 100 and len({r["issuer"] for r in rows}) == 20
    varied = next(r for r in series.reports if r.issuer != series.reports[r.body].issuer)
    mine = timeline(store, issuer=varied.issuer, aliases=series.aliases)
    assert [r["year"] for r in mine] == [2019, 2020, 2021, 2022, 2023]
    gen = {r.year: r for r in series.reports if r.body == varied.body}
    assert all(r["received"] == gen[r["year"]].values["applications.new_received.total"] for r in mine)
    assert all(r["carried_forward"] == gen[r["year"]].values["applications.carried_forward.total"] for r in mine)
    files = {r.file for r in gen.values()}
    assert sum(r["findings"] for r in mine) == sum(1 for k in series.expected if k[0] in files)
    table = pivot(rows, mine[0]["issuer"])
    assert table[0] == ["", "2019年", "2020年", "2021年", "2022年", "2023年"]
    assert [row[0] for row in table[1:]] == ["本年新收", "办理结果总计", "上年结转", "结转下年度", "发现的问题"]
