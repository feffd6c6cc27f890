"""Run-together ambiguity: the readings of cells printed without separators, and AMBIGUOUS findings."""

from __future__ import annotations

import itertools
from typing import Any

from evals.variants.model import (
    COL_KEYS,
    T4_FIELDS,
    T4_GROUPS,
    Finding,
    Reading,
    Variant,
    cell_text,
    p3,
    p4,
    t3_leaves,
    t3_rows,
)


def _tok(var: Variant, path: str) -> str:
    """The text of one cell in the run-together layout (null and absent print as '/')."""
    return cell_text(var, path, null_text="/")


def enumerate_splits(s: str, n: int, limit: int = 2_000_000) -> list[Reading]:
    """All readings of the concatenation ``s`` as n cells: '/' is one null cell, digit runs split
    into integers without leading zeros (except '0'). A token with '.' is kept whole."""
    out: list[Reading] = []

    def rec(pos: int, left: int, acc: list[Any]) -> None:
        if len(out) > limit:
            raise OverflowError
        if pos == len(s):
            if left == 0:
                out.append(tuple(acc))
            return
        if left == 0:
            return
        if s[pos] == "/":
            rec(pos + 1, left - 1, acc + [None])
            return
        end = pos
        while end < len(s) and (s[end].isdigit() or s[end] in ".-"):
            end += 1
        run = s[pos:end]
        if "." in run or not run.lstrip("-").isdigit():
            rec(end, left - 1, acc + [run])
            return
        for k in range(1, len(run) + 1):
            tok = s[pos : pos + k]
            if len(tok) > 1 and tok[0] == "0":
                break
            rec(pos + k, left - 1, acc + [int(tok)])

    rec(0, n, [])
    return out


def _row_ok(vals: Reading) -> bool:
    ints = [v for v in vals if isinstance(v, int)]
    return len(ints) == len(vals) and sum(ints[:-1]) == ints[-1]


def runtogether_ambiguity(var: Variant) -> tuple[list[str], list[Finding]]:
    """Cells that differ between readings of the run-together tables, and AMBIGUOUS findings
    (one per table row or review group)."""
    amb: list[str] = []
    findings: list[Finding] = []

    def truth(path: str) -> Any:
        return var.values.get(path)

    # table 2: no identities; every split of a row is a reading
    for _, _, t2rows in var.t2:
        for _, paths in t2rows:
            if len(paths) == 1:
                continue
            s = "".join(_tok(var, p) for p in paths)
            cands = enumerate_splits(s, len(paths))
            pinned = [
                c for c in cands if all(c[i] == var.prose_pins[p] for i, p in enumerate(paths) if p in var.prose_pins)
            ]
            cands = pinned or cands
            diff = [p for i, p in enumerate(paths) if len({c[i] for c in cands}) > 1]
            if diff:
                amb.extend(diff)
                findings.append(
                    {"rule": "AMBIGUOUS", "cells": diff, "note": f"run-together '{s}' reads {len(cands)} ways"}
                )

    # table 3: per-row splits under T3-ROW, then joint readings under the column identities that
    # hold in the truth
    rows = [k for k, _, _, _ in t3_rows(var.single_other)]
    row_cands: dict[str, list[Reading]] = {}
    row_str: dict[str, str] = {}
    for key in rows:
        paths = [p3(key, c) for c in COL_KEYS]
        s = "".join(_tok(var, p) for p in paths)
        row_str[key] = s
        allc = enumerate_splits(s, 7)
        gold = tuple(truth(p) if p in var.values else None for p in paths)
        ok = [c for c in allc if _row_ok(c)]
        row_cands[key] = ok if gold in ok else allc
    leaves = t3_leaves(var.single_other)

    def col_checks(assign: dict[str, Reading]) -> list[bool | None]:
        res: list[bool | None] = []
        for i, _ in enumerate(COL_KEYS):
            terms = [assign[r][i] for r in leaves]
            tot = assign["results_total"][i]
            if tot is None or any(t is None for t in terms):
                res.append(None)
            else:
                res.append(sum(terms) == tot)
            a, b, c, d = (assign[r][i] for r in ("new_received", "carried_over", "results_total", "carried_forward"))
            res.append(None if None in (a, b, c, d) else a + b == c + d)
        return res

    gold_assign = {k: tuple(truth(p3(k, c)) if p3(k, c) in var.values else None for c in COL_KEYS) for k in rows}
    enforce = [x is True for x in col_checks(gold_assign)]
    multi = [k for k in rows if len(row_cands[k]) > 1]
    n_combos = 1
    for k in multi:
        n_combos *= len(row_cands[k])
    if n_combos <= 2_000_000:
        survivors: list[dict[str, Reading]] = []
        for combo in itertools.product(*(row_cands[k] for k in multi)):
            assign = dict(gold_assign)
            assign.update(dict(zip(multi, combo, strict=True)))
            chk = col_checks(assign)
            if all((not e) or c is True for e, c in zip(enforce, chk, strict=True)):
                survivors.append(assign)
    else:  # fall back to per-row readings (conservative)
        survivors = []
        for k in multi:
            for c in row_cands[k]:
                assign = dict(gold_assign)
                assign[k] = c
                survivors.append(assign)
    for k in rows:
        diff = [p3(k, col) for i, col in enumerate(COL_KEYS) if len({a[k][i] for a in survivors}) > 1]
        if diff:
            amb.extend(diff)
            findings.append(
                {
                    "rule": "AMBIGUOUS",
                    "cells": diff,
                    "note": f"run-together '{row_str[k]}' has more than one reading that satisfies the identities",
                }
            )

    # table 4: the 15 values are one digit string; readings must satisfy T4-SUM in the groups
    # where the truth does
    gstrs = ["".join(_tok(var, p4(g, f)) for f, _ in T4_FIELDS) for g, _ in T4_GROUPS]
    s4 = "".join(gstrs)
    gold_ok = []
    for g, _ in T4_GROUPS:
        vals = tuple(truth(p4(g, f)) if p4(g, f) in var.values else None for f, _ in T4_FIELDS)
        gold_ok.append(_row_ok(vals))
    readings: list[tuple[Reading, ...]] = []

    def rec4(pos: int, gi: int, acc: tuple[Reading, ...]) -> None:
        if gi == len(T4_GROUPS):
            if pos == len(s4):
                readings.append(acc)
            return
        rest = s4[pos:]
        # every prefix of the rest that reads as 5 cells
        for cut in range(1, len(rest) + 1):
            for c in enumerate_splits(rest[:cut], 5):
                if gold_ok[gi] and not _row_ok(c):
                    continue
                rec4(pos + cut, gi + 1, acc + (c,))

    rec4(0, 0, ())
    for gi, (g, _) in enumerate(T4_GROUPS):
        diff = [p4(g, f) for fi, (f, _) in enumerate(T4_FIELDS) if len({r[gi][fi] for r in readings}) > 1]
        if diff:
            amb.extend(diff)
            findings.append(
                {"rule": "AMBIGUOUS", "cells": diff, "note": f"run-together table 4 '{s4}' has more than one reading"}
            )
    return amb, findings
