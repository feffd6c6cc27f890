"""The table identities (T3-ROW, T3-SUM, T3-BAL, T4-SUM) and TX-NEW, computed here (own implementation)."""

from __future__ import annotations

from evals.variants.model import COL_KEYS, T4_FIELDS, T4_GROUPS, Cells, Finding, p3, p4, t3_leaves, t3_rows


def _num(values: Cells, path: str) -> int | float | None:
    v = values.get(path)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def arithmetic_findings(values: Cells, single_other: bool, skip_cells: set[str] | None = None) -> list[Finding]:
    """T3-ROW (rows), T3-SUM, T3-BAL (columns), T4-SUM (groups); identities with a null, absent or
    skipped term are not evaluated."""
    skip = skip_cells or set()
    out: list[Finding] = []

    def nums(paths: list[str]) -> list[int | float] | None:
        vals = [None if p in skip else _num(values, p) for p in paths]
        if any(v is None for v in vals):
            return None
        return [v for v in vals if v is not None]

    for key, _, _, _ in t3_rows(single_other):
        row = nums([p3(key, c) for c in COL_KEYS])
        if row is not None and sum(row[:-1]) != row[-1]:
            out.append({"rule": "T3-ROW", "cells": [p3(key, "total")], "expected": sum(row[:-1]), "actual": row[-1]})
    leaves = t3_leaves(single_other)
    for col in COL_KEYS:
        colv = nums([p3(r, col) for r in leaves] + [p3("results_total", col)])
        if colv is not None and sum(colv[:-1]) != colv[-1]:
            out.append(
                {"rule": "T3-SUM", "cells": [p3("results_total", col)], "expected": sum(colv[:-1]), "actual": colv[-1]}
            )
    bal_rows = ("new_received", "carried_over", "results_total", "carried_forward")
    for col in COL_KEYS:
        bal = nums([p3(r, col) for r in bal_rows])
        if bal is not None and bal[0] + bal[1] != bal[2] + bal[3]:
            out.append(
                {
                    "rule": "T3-BAL",
                    "cells": [p3(r, col) for r in bal_rows],
                    "expected": bal[0] + bal[1],
                    "actual": bal[2] + bal[3],
                }
            )
    for g, _ in T4_GROUPS:
        grp = nums([p4(g, f) for f, _ in T4_FIELDS])
        if grp is not None and sum(grp[:-1]) != grp[-1]:
            out.append({"rule": "T4-SUM", "cells": [p4(g, "total")], "expected": sum(grp[:-1]), "actual": grp[-1]})
    return out


def tx_new_holds(values: Cells) -> bool | None:
    """Whether TX-NEW fires (None: prose states no number)."""
    n = _num(values, "narrative.applications_received")
    t = _num(values, p3("new_received", "total"))
    if n is None or t is None:
        return None
    return n != t


TX_NEW_FINDING_CELLS = ["narrative.applications_received", p3("new_received", "total")]
