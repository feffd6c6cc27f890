"""Tests of the variant generator (evals/variants/).

The generator is run as a subprocess (``python -m evals.variants``) twice, into two temporary
directories, from the project root.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "evals" / "gold"
SAMPLES = ROOT / "evals" / "data" / "samples"
BASE_LAYOUTS = ["html", "docx", "pdf", "tsv", "cells", "runtogether", "numbers_first", "gb18030", "v2019"]
INJECT_RULES = {  # rules each injected change must produce
    "inject_cell": {"T3-ROW", "T3-SUM"},
    "inject_total": {"T3-ROW", "T3-BAL"},
    "inject_review": {"T4-SUM"},
    "inject_prose": {"TX-NEW"},
}
ARITH = {"T3-ROW", "T3-SUM", "T3-BAL", "T4-SUM"}


def _load_module():
    return importlib.import_module("evals.variants")


def _gold_ids() -> list[str]:
    return sorted(json.loads(p.read_text("utf-8"))["id"] for p in GOLD.glob("*.json"))


def _run(out: Path) -> list[dict]:
    subprocess.run(
        [sys.executable, "-m", "evals.variants", "--gold", str(GOLD), "--samples", str(SAMPLES), "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    return json.loads((out / "manifest.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not _gold_ids():
        pytest.skip("no gold records")
    a = tmp_path_factory.mktemp("variants_a")
    b = tmp_path_factory.mktemp("variants_b")
    return (a, _run(a)), (b, _run(b))


@pytest.fixture(scope="module")
def manifest(runs):
    return runs[0][1]


@pytest.fixture(scope="module")
def out_dir(runs):
    return runs[0][0]


def test_generation_is_deterministic(runs):
    (a, ma), (b, mb) = runs
    assert ma == mb
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()
    files_a = sorted(p.name for p in a.iterdir())
    files_b = sorted(p.name for p in b.iterdir())
    assert files_a == files_b
    for name in files_a:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_committed_variants_are_what_the_generator_makes(runs):
    """The data the evals score is reproducible from the gold and the generator."""
    (a, _), _ = runs
    committed = ROOT / "evals" / "data" / "variants"
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in a.iterdir())
    for path in a.iterdir():
        assert (committed / path.name).read_bytes() == path.read_bytes(), path.name


def test_every_gold_yields_every_layout(manifest):
    have = {(e["gold"], e["layout"]) for e in manifest}
    for gid in _gold_ids():
        for layout in BASE_LAYOUTS:
            assert (gid, layout) in have, (gid, layout)


def test_manifest_entries_are_well_formed(manifest, out_dir):
    names = set()
    for e in manifest:
        assert set(e) >= {
            "file",
            "gold",
            "layout",
            "format",
            "encoding",
            "meta",
            "cells",
            "ambiguous",
            "expected_findings",
            "expected_status",
        }
        assert e["file"] not in names
        names.add(e["file"])
        assert (out_dir / e["file"]).is_file()
        assert e["format"] in {"txt", "html", "docx", "pdf"}
        assert e["encoding"] in {"utf-8", "gb18030"}
        assert e["expected_status"] in {"ok", "needs_review"}
        assert not set(e["cells"]) & set(e["ambiguous"])
        for f in e["expected_findings"]:
            assert isinstance(f["rule"], str) and isinstance(f.get("cells", []), list)
        if any(f["rule"] == "AMBIGUOUS" for f in e["expected_findings"]):
            assert e["expected_status"] == "needs_review"
        if e["layout"] == "v2019":
            assert e["meta"]["format_version"] == "2019"
            assert any(k.startswith("applications.other_handling.") for k in e["cells"])
            assert not any(k.startswith("applications.other_other.") for k in e["cells"])
            assert any(k.endswith(".change") and v < 0 for k, v in e["cells"].items())


def test_injected_variants_have_expected_findings(manifest):
    by_key = {(e["gold"], e["layout"]): e for e in manifest}
    injected = [e for e in manifest if e["layout"].startswith("inject_")]
    assert injected
    for e in injected:
        base = by_key[(e["gold"], "tsv")]
        if e["layout"] == "inject_swap":
            assert e["cells"] != base["cells"]
            arith = sorted(f["rule"] for f in e["expected_findings"] if f["rule"] in ARITH)
            base_arith = sorted(f["rule"] for f in base["expected_findings"] if f["rule"] in ARITH)
            assert arith == base_arith  # a row swap keeps every sum
            continue
        assert e["expected_findings"], e["file"]
        rules = {f["rule"] for f in e["expected_findings"]}
        assert INJECT_RULES[e["layout"]] <= rules, (e["file"], rules)


def test_gb18030_is_not_utf8(manifest, out_dir):
    entries = [e for e in manifest if e["layout"] == "gb18030"]
    assert entries
    for e in entries:
        data = (out_dir / e["file"]).read_bytes()
        assert e["encoding"] == "gb18030"
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        tsv = next(x for x in manifest if x["gold"] == e["gold"] and x["layout"] == "tsv")
        assert data.decode("gb18030") == (out_dir / tsv["file"]).read_text("utf-8")


def test_tsv_table3_round_trips(manifest, out_dir):
    """Read table 3 back from the tsv files by label and compare with the manifest cells."""
    mod = _load_module()
    for e in manifest:
        if e["layout"] not in ("tsv", "inject_cell", "inject_swap", "inject_total"):
            continue
        lines = (out_dir / e["file"]).read_text("utf-8").splitlines()
        single = any(k.startswith("applications.other_handling.") for k in e["cells"])
        for key, _, label, _ in mod.t3_rows(single):
            row = next(ln for ln in lines if label in ln.split("\t"))
            vals = row.split("\t")[-7:]
            for col, txt in zip(mod.COL_KEYS, vals, strict=True):
                path = f"applications.{key}.{col}"
                if path in e["cells"]:
                    want = e["cells"][path]
                    assert txt == ("" if want is None else str(want)), (e["file"], path)
                else:
                    assert txt == "/", (e["file"], path)


def test_own_identities():
    mod = _load_module()
    values = {}
    for key, _, _, _ in mod.t3_rows(False):
        for col in mod.COL_KEYS:
            values[f"applications.{key}.{col}"] = 0
    for g, _ in mod.T4_GROUPS:
        for f, _ in mod.T4_FIELDS:
            values[f"reviews.{g}.{f}"] = 0
    assert mod.arithmetic_findings(values, False) == []
    values["applications.granted.natural_person"] = 1
    rules = sorted(f["rule"] for f in mod.arithmetic_findings(values, False))
    assert rules == ["T3-ROW", "T3-SUM"]
    values["applications.granted.natural_person"] = None  # a null term skips its identities
    assert mod.arithmetic_findings(values, False) == []
    values["reviews.litigation_direct.total"] = 1
    assert [f["rule"] for f in mod.arithmetic_findings(values, False)] == ["T4-SUM"]


def test_runtogether_splits():
    mod = _load_module()
    assert mod.enumerate_splits("1153", 3) == [(1, 1, 53), (1, 15, 3), (11, 5, 3)]
    assert mod.enumerate_splits("000", 3) == [(0, 0, 0)]
    assert mod.enumerate_splits("0/5", 3) == [(0, None, 5)]
    ok = [c for c in mod.enumerate_splits("170000017", 7) if mod._row_ok(c)]
    assert ok == [(17, 0, 0, 0, 0, 0, 17)]
