"""Batch extraction: bad input never stops a batch, every file gets a record, re-runs resume."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.batch import load_records, run_batch
from service.cli import main
from service.config import Settings
from tests.conftest import ROOT, SAMPLES

BAD = {
    "empty.txt": b"",
    "junk.pdf": b"\x00\x01\x02binary junk" * 100,
    "binary.txt": bytes(range(256)) * 40,
    "broken.docx": b"PK\x03\x04 not really a zip",
    "not a report 非年报.html": "<html><body><p>欢迎访问本站。</p><p>联系我们</p></body></html>".encode(),
}


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "in put"
    folder.mkdir()
    shutil.copy(next(SAMPLES.glob("003_*")), folder / "巨各庄镇 2023.txt")
    shutil.copy(next(SAMPLES.glob("hongze*")), folder / "洪泽区.pdf")
    gbk = next(SAMPLES.glob("004_*")).read_text(encoding="utf-8").encode("gb18030")
    (folder / "sub").mkdir()
    (folder / "sub" / "迎春镇.txt").write_bytes(gbk)
    for name, data in BAD.items():
        (folder / name).write_bytes(data)
    (folder / "ignored.xls").write_bytes(b"not picked from folders")
    return folder


def test_every_file_gets_a_record_and_bad_ones_say_why(batch_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch([batch_dir], out, Settings(), progress=False)
    records = {Path(r["source"]["file"]).name: r for r in result.records}
    assert len(records) == 3 + len(BAD)
    for name in ("巨各庄镇 2023.txt", "迎春镇.txt"):
        assert records[name]["status"] == "ok", records[name]
    assert records["洪泽区.pdf"]["status"] == "needs_review"  # its 三（六） is printed as one row: 21 cells missing
    reasons = {name: records[name].get("error", "") for name in BAD}
    assert reasons["empty.txt"] == "empty file"
    assert "PDF" in reasons["junk.pdf"]
    assert "binary" in reasons["binary.txt"]
    assert "corrupt DOCX" in reasons["broken.docx"]
    assert "not a government information disclosure annual report" in reasons["not a report 非年报.html"]
    for name in BAD:
        record = records[name]
        assert record["status"] == "failed" and record["findings"] == [] and "\n" not in record["error"]
        assert record["schema"] == "gov-annual-report/1" and record["source"]["sha256"]
    assert "failed: 5" in result.summary()


def test_outputs(batch_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([batch_dir], out, Settings(), progress=False)
    raw = (out / "cells.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    row = next(r for r in rows if r["path"] == "applications.new_received.total" and "巨各庄镇" in r["file"])
    assert row["value"] == "20" and row["label"] == "一、本年新收政府信息公开申请数量 / 总计"
    assert row["issuer"] == "巨各庄镇" and "20" in row["quote"]
    from openpyxl import load_workbook

    book = load_workbook(out / "reports.xlsx", read_only=True)
    assert book.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼", "正文数字", "发现的问题"]
    header = next(book["表三 依申请公开"].iter_rows(values_only=True))
    assert "一、本年新收政府信息公开申请数量 / 自然人" in header
    findings = list(book["发现的问题"].iter_rows(values_only=True))
    assert any(r[5] == "TX-NEW" for r in findings[1:])


def test_rerun_skips_done_files_and_recovers_from_a_cut_line(batch_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([batch_dir], out, Settings(), progress=False)
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    # as if killed while writing the last record: drop two records, cut the next one short
    (out / "records.jsonl").write_text("\n".join(lines[:-3]) + "\n" + lines[-3][:50], encoding="utf-8")
    result = run_batch([batch_dir], out, Settings(), progress=False)
    assert result.skipped == len(lines) - 3
    again = load_records(out / "records.jsonl")
    assert len(again) == len(lines)
    assert sorted(json.dumps(r, sort_keys=True) for r in again) == sorted(
        json.dumps(json.loads(line), sort_keys=True) for line in lines
    )
    assert run_batch([batch_dir], out, Settings(), progress=False).skipped == len(lines)


def test_a_line_cut_at_any_byte_is_dropped(tmp_path: Path) -> None:
    records = [
        {"source": {"file": f"{name}.txt", "sha256": name}, "meta": {"issuer": name}} for name in ("巨各庄镇", "迎春镇")
    ]
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records]
    path = tmp_path / "records.jsonl"
    for cut in range(len(lines[1]) - 1):  # every byte of the last line, inside a character or not
        path.write_bytes(lines[0] + lines[1][:cut])
        assert load_records(path) == records[:1], cut
    path.write_bytes(lines[0] + b"\x00" * 100 + b"\n" + lines[1])  # a block of zeros after a crash
    assert load_records(path) == records


def test_rerun_after_a_cut_inside_a_chinese_character(batch_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([batch_dir], out, Settings(), progress=False)
    data = (out / "records.jsonl").read_bytes()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    lead = next(i for i, byte in enumerate(last) if byte >= 0xE0)  # the first byte of a 3-byte character
    cut = len(data) - len(last) - 1 + lead + 1
    (out / "records.jsonl").write_bytes(data[:cut])
    result = run_batch([batch_dir], out, Settings(), progress=False)
    assert result.skipped == len(result.records) - 1
    assert (out / "records.jsonl").read_bytes() == data


def test_parallel_jobs_give_the_same_records(batch_dir: Path, tmp_path: Path) -> None:
    one = run_batch([batch_dir], tmp_path / "a", Settings(jobs=1), progress=False)
    two = run_batch([batch_dir], tmp_path / "b", Settings(jobs=2), progress=False)
    assert one.records == two.records
    assert (tmp_path / "a" / "records.jsonl").read_bytes() == (tmp_path / "b" / "records.jsonl").read_bytes()


def test_large_file_is_refused_without_reading_it_as_text(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"0" * (51 * 1024 * 1024))
    result = run_batch([big], tmp_path / "out", Settings(), progress=False)
    assert result.records[0]["status"] == "failed"
    assert "too large" in result.records[0]["error"]


def test_cli_exit_codes_and_single_record(batch_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(batch_dir), "--out", str(tmp_path / "o"), "--no-progress"]) == 1
    assert "ok: 2  needs_review: 1" in capsys.readouterr().out
    good = batch_dir / "巨各庄镇 2023.txt"
    assert main(["extract", str(good), "--out", str(tmp_path / "g"), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["extract", str(good), "--out", "-"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["applications"]["results_total"]["total"] == 19
    with pytest.raises(SystemExit) as usage:
        main(["extract", str(tmp_path / "missing"), "--out", str(tmp_path / "x")])
    assert usage.value.code == 2


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "service", "extract", str(empty), "--out", str(tmp_path / "o"), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "empty file" in proc.stdout
