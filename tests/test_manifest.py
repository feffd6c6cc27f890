"""Report identity given by the user: a manifest for a crawl, --issuer/--year for one file; their values win."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from tests.conftest import sample


def _no_title(folder: Path, name: str) -> Path:
    text = sample("003_").read_text(encoding="utf-8").split("\n", 1)[1]  # the title line dropped
    path = folder / name
    path.write_text(text.replace("巨各庄镇", "本镇"), encoding="utf-8")  # and the body never named
    return path


def test_a_manifest_names_the_issuer_and_year_of_each_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    _no_title(folder, "a.txt")
    _no_title(folder, "b.txt")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--no-progress"]) == 0
    first = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["issuer"] for r in first] == [None, None]
    manifest = tmp_path / "meta.csv"
    manifest.write_text("\ufefffile,issuer,year\na.txt,巨各庄镇人民政府,2023\nb.txt,,2022\n", encoding="utf-8")
    assert main(["extract", str(folder), "--out", str(out), "--no-progress", "--meta", str(manifest)]) == 0
    records = {
        Path(r["source"]["file"]).name: r for r in map(json.loads, (out / "records.jsonl").open(encoding="utf-8"))
    }
    assert records["a.txt"]["meta"]["issuer"] == "巨各庄镇人民政府" and records["a.txt"]["meta"]["year"] == 2023
    assert records["a.txt"]["evidence"]["meta.issuer"]["method"] == "manifest"
    assert records["b.txt"]["meta"]["issuer"] is None and records["b.txt"]["meta"]["year"] == 2022
    assert records["b.txt"]["evidence"]["meta.year"] == {"quote": "", "raw": "2023", "method": "manifest"}
    capsys.readouterr()


def test_issuer_and_year_for_one_file_and_a_usage_error_for_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _no_title(tmp_path, "one.txt")
    assert main(["extract", str(one), "--out", "-", "--issuer", "巨各庄镇", "--year", "2023"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["meta"]["issuer"], record["meta"]["year"]) == ("巨各庄镇", 2023)
    _no_title(tmp_path, "two.txt")
    with pytest.raises(SystemExit) as usage:
        main(["extract", str(tmp_path), "--out", str(tmp_path / "o"), "--issuer", "巨各庄镇"])
    assert usage.value.code == 2
    assert "one file" in capsys.readouterr().err
