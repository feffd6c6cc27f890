"""`nianbao ingest` reviews the bodies it touched: last year's report re-published as this year's is caught."""

from __future__ import annotations

from pathlib import Path

from service.library import ingest
from service.store import open_store
from tests.conftest import Engine, sample


def test_ingest_runs_the_review_for_the_bodies_it_touched(engine: Engine, tmp_path: Path) -> None:
    text = sample("pingtan-zone-2023").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pingtan-2023.txt").write_text(text, encoding="utf-8")
    (folder / "pingtan-2022.txt").write_text(text.replace("2023", "2022"), encoding="utf-8")
    settings = engine.settings(tmp_path / "home", embedding="hash")
    result = ingest([folder], settings, progress=False)
    assert "cross-report review:" in result.summary() and "bodies touched 1, their findings" in result.review
    store = open_store(settings)
    found = store.findings(["Y-COPY"])
    store.close()
    assert {(f["year"], f["origin"]) for f in found} == {(2023, "review")}
    messages = " ".join(f["message"] for f in found)
    assert "2022年报告" in messages and "一、总体情况" in messages and "五、存在的主要问题及改进情况" in messages
    assert "逐格相同" in messages
