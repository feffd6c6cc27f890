"""Writing the variant files and ``manifest.json`` for every gold record."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from evals.variants.build import build_variants
from evals.variants.identities import arithmetic_findings, tx_new_holds
from evals.variants.model import ARITH_RULES, Gold, Variant, all_paths
from evals.variants.prose import source_prose
from evals.variants.render_docx import render_docx
from evals.variants.render_html import render_html
from evals.variants.render_pdf import render_pdf
from evals.variants.render_text import render_cells, render_numbers_first, render_runtogether, render_tsv

RENDER_TEXT = {
    "tsv": render_tsv,
    "cells": render_cells,
    "runtogether": render_runtogether,
    "numbers_first": render_numbers_first,
    "gb18030": render_tsv,
    "v2019": render_tsv,
}


def render(var: Variant) -> bytes:
    if var.fmt == "html":
        return render_html(var).encode("utf-8")
    if var.fmt == "docx":
        return render_docx(var)
    if var.fmt == "pdf":
        return render_pdf(var)
    fn = RENDER_TEXT.get(var.layout, render_tsv)
    return fn(var).encode(var.encoding)


def manifest_entry(var: Variant, file: str) -> dict[str, Any]:
    order = all_paths(var.version, var.single_other)
    amb = set(var.ambiguous)
    cells = {p: var.values[p] for p in order if p in var.values and p not in amb}
    meta = dict(var.meta)
    meta.update(var.extra_meta)
    return {
        "file": file,
        "gold": var.gold_id,
        "layout": var.layout,
        "format": var.fmt,
        "encoding": var.encoding,
        "meta": meta,
        "cells": cells,
        "ambiguous": list(var.ambiguous),
        "expected_findings": var.findings,
        "expected_status": var.status,
    }


def check_against_gold(gold: Gold, var: Variant) -> list[str]:
    """Warnings where this module's identities disagree with the gold's own findings."""
    mine = {f["rule"] for f in arithmetic_findings(var.values, var.single_other)}
    theirs = {f["rule"] for f in gold.get("expected_findings", []) if f["rule"] in ARITH_RULES}
    msgs = []
    if mine != theirs:
        msgs.append(f"{gold['id']}: arithmetic findings differ from gold: mine={sorted(mine)} gold={sorted(theirs)}")
    tx = tx_new_holds(var.values)
    gold_tx = any(f["rule"] == "TX-NEW" for f in gold.get("expected_findings", []))
    if tx is not None and tx != gold_tx:
        msgs.append(f"{gold['id']}: TX-NEW computed {tx}, gold {gold_tx}")
    return msgs


def generate(gold_dir: Path, samples_dir: Path, out_dir: Path, log: TextIO = sys.stderr) -> list[dict[str, Any]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    old_manifest = out_dir / "manifest.json"
    if old_manifest.exists():
        try:
            for e in json.loads(old_manifest.read_text("utf-8")):
                f = out_dir / e["file"]
                if f.is_file() and f.resolve().parent == out_dir.resolve():
                    f.unlink()
        except (ValueError, KeyError, TypeError):
            pass
    manifest: list[dict[str, Any]] = []
    for gpath in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gpath.read_text("utf-8"))
        if "cells" not in gold or "id" not in gold:
            continue
        src = samples_dir / Path(gold.get("source", gpath.stem)).name
        if not src.exists():
            cand = sorted(samples_dir.glob(gpath.stem + ".*"))
            if not cand:
                print(f"skip {gold['id']}: no source sample", file=log)
                continue
            src = cand[0]
        prose = source_prose(src)
        for n in (1, 5, 6):
            if not prose.get(n):
                print(f"warning {gold['id']}: section {n} prose not found in {src.name}", file=log)
        variants = build_variants(gold, prose)
        for msg in check_against_gold(gold, variants[0]):
            print("warning " + msg, file=log)
        for var in variants:
            name = f"{var.gold_id}.{var.layout}.{var.ext}"
            (out_dir / name).write_bytes(render(var))
            manifest.append(manifest_entry(var, name))
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return manifest
