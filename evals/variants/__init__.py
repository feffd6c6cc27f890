"""Reproducible test-data generator: layout variants of the gold reports.

Run from the project root::

    python -m evals.variants [--gold evals/gold] [--samples evals/data/samples] [--out evals/data/variants]

For every gold record (``evals/gold/<stem>.json``) this writes one complete report per layout
(html, docx, pdf, tsv, cells, runtogether, numbers_first, gb18030, v2019) plus injected-error
variants (inject_cell, inject_swap, inject_total, inject_review, inject_prose; tsv layout), and
``manifest.json`` describing each file: its expected cells, the cells a reader cannot determine,
the expected findings and the expected status.

This package is an independent oracle: it imports nothing from ``service``. The tables are rendered
from the gold cells with the official labels (format.md §1.4/§1.6); the prose of sections 一, 五 and
六 is copied from the source sample; the identities (T3-ROW, T3-SUM, T3-BAL, T4-SUM) and the
run-together ambiguity are computed here.

Determinism: fixed seeds (sha256 of a text key), stable ordering, reportlab ``invariant=1``,
fixed DOCX core properties and zip timestamps.
"""

from evals.variants.ambiguity import _row_ok, enumerate_splits, runtogether_ambiguity
from evals.variants.build import BASE_LAYOUTS, INJECT_KINDS, build_variants, make_base, make_injected, make_v2019
from evals.variants.generate import generate, manifest_entry, render
from evals.variants.identities import arithmetic_findings, tx_new_holds
from evals.variants.model import COL_KEYS, T4_FIELDS, T4_GROUPS, Variant, all_paths, t3_leaves, t3_rows
from evals.variants.prose import source_prose

__all__ = [
    "BASE_LAYOUTS",
    "COL_KEYS",
    "INJECT_KINDS",
    "T4_FIELDS",
    "T4_GROUPS",
    "Variant",
    "_row_ok",
    "all_paths",
    "arithmetic_findings",
    "build_variants",
    "enumerate_splits",
    "generate",
    "make_base",
    "make_injected",
    "make_v2019",
    "manifest_entry",
    "render",
    "runtogether_ambiguity",
    "source_prose",
    "t3_leaves",
    "t3_rows",
    "tx_new_holds",
]
