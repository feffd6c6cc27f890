"""Making the variants of one gold record: the base layouts, the 2019 form and the injected errors."""

from __future__ import annotations

import itertools
import re
from typing import Any

from evals.variants.ambiguity import runtogether_ambiguity
from evals.variants.identities import TX_NEW_FINDING_CELLS, _num, arithmetic_findings, tx_new_holds
from evals.variants.model import (
    AD,
    APPL_COLS,
    ARITH_RULES,
    COL_KEYS,
    OTHER_SPLIT_KEYS,
    T4_FIELDS,
    T4_GROUPS,
    Cells,
    Finding,
    Gold,
    Prose,
    Variant,
    all_paths,
    p3,
    p4,
    seeded,
    t3_leaves,
    t3_rows,
)
from evals.variants.prose import received_number_spans, stated_review_counts

BASE_LAYOUTS = ["html", "docx", "pdf", "tsv", "cells", "runtogether", "numbers_first", "gb18030", "v2019"]
INJECT_KINDS = ["cell", "swap", "total", "review", "prose"]


def _t3_complete(var: Variant) -> bool:
    return all(_num(var.values, p3(k, c)) is not None for k, _, _, _ in t3_rows(var.single_other) for c in COL_KEYS)


def _carried_findings(gold: Gold, *, drop_shape: bool = False) -> list[Finding]:
    """Non-arithmetic findings of the gold (TX-*, SHAPE, NN …); AMBIGUOUS is recomputed per variant."""
    out = []
    for f in gold.get("expected_findings", []):
        if f["rule"] in ARITH_RULES or f["rule"] == "AMBIGUOUS":
            continue
        if drop_shape and f["rule"] == "SHAPE":
            continue
        out.append(dict(f))
    return out


def finalize(
    var: Variant,
    carried: list[Finding],
    *,
    reading_ambiguous: list[str] | None = None,
    amb_findings: list[Finding] | None = None,
    tx_new_recompute: bool = False,
    tx_review: tuple[Finding, ...] | None = None,
) -> Variant:
    reading_ambiguous = reading_ambiguous or []
    skip = set(reading_ambiguous)
    findings = []
    for f in carried:
        if skip & set(f.get("cells") or []):
            continue
        if tx_new_recompute and f["rule"] == "TX-NEW":
            continue
        if tx_review and f["rule"] in ("TX-REVIEW", "TX-LIT"):
            continue
        if f["rule"] == "TX-FEE" and var.version == "2019":
            continue  # the fee rules postdate the 2019 format
        findings.append(f)
    if tx_new_recompute and not (skip & set(TX_NEW_FINDING_CELLS)):
        if tx_new_holds(var.values):
            n = _num(var.values, "narrative.applications_received")
            t = _num(var.values, p3("new_received", "total"))
            findings.append(
                {
                    "rule": "TX-NEW",
                    "cells": list(TX_NEW_FINDING_CELLS),
                    "note": f"prose says {n}, table 一 本年新收 总计 is {t}",
                }
            )
    if tx_review:
        findings.extend(tx_review)
    findings.extend(arithmetic_findings(var.values, var.single_other, skip))
    findings.extend(amb_findings or [])
    var.findings = findings
    var.ambiguous = sorted(set(var.gold_ambiguous) | set(reading_ambiguous), key=lambda p: _order_index(var, p))
    unsure = reading_ambiguous or any(f["rule"] in ("SHAPE", "AMBIGUOUS") for f in findings)
    var.status = "needs_review" if unsure else "ok"
    return var


def _order_index(var: Variant, path: str) -> int:
    order = all_paths(var.version, var.single_other)
    return order.index(path) if path in order else len(order)


def base_values(gold: Gold) -> tuple[Cells, bool]:
    cells = dict(gold["cells"])
    single_other = any(k.startswith("applications.other_handling.") for k in cells) and not any(
        k.startswith(f"applications.{r}.") for r in OTHER_SPLIT_KEYS for k in cells
    )
    return cells, single_other


def make_base(gold: Gold, prose: Prose, layout: str, fmt: str, encoding: str = "utf-8") -> Variant:
    cells, single_other = base_values(gold)
    meta = dict(gold["meta"])
    var = Variant(
        gold_id=gold["id"],
        layout=layout,
        fmt=fmt,
        encoding=encoding,
        meta=meta,
        version=meta.get("format_version", "2021"),
        single_other=single_other,
        values=cells,
        prose={k: list(v) for k, v in prose.items()},
        gold_ambiguous=list(gold.get("ambiguous", {}).keys()),
        prose_pins=dict(gold.get("prose_pins", {})),
    )
    return var


def make_v2019(gold: Gold, prose: Prose) -> Variant:
    cells, single_other = base_values(gold)
    rng = seeded(f"{gold['id']}:v2019")
    vals: Cells = {}
    gold_amb = set(gold.get("ambiguous", {}).keys())
    amb2019: list[str] = []
    # 第二十条第（一）项: a 2019 gold keeps its own cells; a 2021 gold is mirrored (made = published = issued,
    # total = in_force)
    for kind in ("rules", "normative_documents"):
        mapping = {"made": "issued", "published": "issued", "total_published": "in_force"}
        for new, old in mapping.items():
            dst, src = AD + f"{kind}.{new}", AD + f"{kind}.{old}"
            if dst in cells:
                vals[dst] = cells[dst]
            elif src in cells:
                vals[dst] = cells[src]
            elif dst in gold_amb or src in gold_amb:
                amb2019.append(dst)
    for kind in ("licensing", "other_services", "punishment", "enforcement"):
        prev = rng.randint(0, 60)
        change = rng.randint(-min(5, prev), 6)  # this year's items stay >= 0
        vals[AD + f"{kind}.previous_items"] = prev
        vals[AD + f"{kind}.change"] = change
        dpath = AD + f"{kind}.decisions"
        if kind != "other_services" and dpath in cells:
            vals[dpath] = cells[dpath]
        elif kind != "other_services" and dpath in gold_amb:
            amb2019.append(dpath)
        else:
            vals[dpath] = rng.randint(0, 200)
    fee_prev = rng.randint(4, 20)
    vals[AD + "fees.previous_items"] = fee_prev
    vals[AD + "fees.change"] = -rng.randint(1, 4)  # at least one negative change cell
    vals[AD + "procurement.items"] = rng.randint(1, 40)
    vals[AD + "procurement.amount_wan_yuan"] = round(rng.randint(100, 99999) / 10, 1)
    # tables 3 and 4: same cells, （六）其他处理 as one row
    for k, v in cells.items():
        if k.startswith("applications.") or k.startswith("reviews.") or k.startswith("narrative."):
            if any(k.startswith(f"applications.{r}.") for r in OTHER_SPLIT_KEYS):
                continue
            vals[k] = v
    if not single_other:
        for c in COL_KEYS:
            parts = [p3(r, c) for r in OTHER_SPLIT_KEYS]
            if all(p in cells for p in parts):
                nums = [cells[p] for p in parts]
                if all(x is None for x in nums):
                    vals[p3("other_handling", c)] = None
                elif all(x is not None for x in nums):
                    vals[p3("other_handling", c)] = sum(nums)
            if any(p in gold_amb for p in parts):
                amb2019.append(p3("other_handling", c))
                vals.pop(p3("other_handling", c), None)
    for k in gold_amb:
        if k.startswith("applications.") or k.startswith("reviews.") or k.startswith("narrative."):
            if not any(k.startswith(f"applications.{r}.") for r in OTHER_SPLIT_KEYS):
                amb2019.append(k)
    meta = dict(gold["meta"])
    meta["format_version"] = "2019"
    var = Variant(
        gold_id=gold["id"],
        layout="v2019",
        fmt="txt",
        encoding="utf-8",
        meta=meta,
        version="2019",
        single_other=True,
        values=vals,
        prose={k: list(v) for k, v in prose.items()},
        gold_ambiguous=sorted(set(amb2019)),
    )
    var.extra_meta["synthetic_cells"] = sorted(
        p
        for p in vals
        if p.startswith(AD)
        and (p.endswith(("previous_items", ".change")) or ".other_services." in p or ".procurement." in p)
    )
    return var


def _nonempty_text(prose: Prose) -> str:
    return "".join(prose.get(1, []))


def make_injected(gold: Gold, prose: Prose, kind: str) -> Variant | None:
    var = make_base(gold, prose, f"inject_{kind}", "txt")
    rng = seeded(f"{gold['id']}:inject:{kind}")
    carried = _carried_findings(gold)
    leaves = t3_leaves(var.single_other)
    sec1 = _nonempty_text(var.prose)
    if kind in ("cell", "swap", "total") and not _t3_complete(var):
        return None
    if kind == "cell":
        row = rng.choice(leaves)
        col = rng.choice(APPL_COLS)
        path = p3(row, col)
        var.values[path] = var.values[path] + 1
        var.extra_meta["injected"] = {
            "kind": "cell",
            "cell": path,
            "from": var.values[path] - 1,
            "to": var.values[path],
        }
        return finalize(var, carried)
    if kind == "swap":
        pairs = [
            (a, b)
            for a, b in itertools.combinations(leaves, 2)
            if [var.values[p3(a, c)] for c in COL_KEYS] != [var.values[p3(b, c)] for c in COL_KEYS]
        ]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        for c in COL_KEYS:
            var.values[p3(a, c)], var.values[p3(b, c)] = var.values[p3(b, c)], var.values[p3(a, c)]
        var.extra_meta["injected"] = {"kind": "swap", "rows": [a, b]}
        return finalize(var, carried)
    if kind == "total":
        path = p3("new_received", "total")
        var.values[path] += 1
        var.extra_meta["injected"] = {
            "kind": "total",
            "cell": path,
            "from": var.values[path] - 1,
            "to": var.values[path],
        }
        return finalize(var, carried, tx_new_recompute=True)
    if kind == "review":
        groups = [g for g, _ in T4_GROUPS if all(_num(var.values, p4(g, f)) is not None for f, _ in T4_FIELDS)]
        if not groups:
            return None
        rev0, lit0 = stated_review_counts(sec1)
        # prefer a group whose prose count is not stated (keeps the change to T4-SUM alone)
        free = [
            g
            for g in groups
            if (g == "administrative_review" and rev0 is None) or (g != "administrative_review" and lit0 is None)
        ]
        g = rng.choice(free or groups)
        path = p4(g, "total")
        var.values[path] += 1
        var.extra_meta["injected"] = {
            "kind": "review",
            "cell": path,
            "from": var.values[path] - 1,
            "to": var.values[path],
        }
        tx = []
        if rev0 is not None:
            t = _num(var.values, p4("administrative_review", "total"))
            if t is not None and t != rev0:
                tx.append(
                    {
                        "rule": "TX-REVIEW",
                        "cells": [p4("administrative_review", "total")],
                        "note": f"prose says 行政复议 {rev0}, table says {t}",
                    }
                )
        if lit0 is not None:
            ld = _num(var.values, p4("litigation_direct", "total"))
            la = _num(var.values, p4("litigation_after_review", "total"))
            if ld is not None and la is not None and ld + la != lit0:
                tx.append(
                    {
                        "rule": "TX-LIT",
                        "cells": [p4("litigation_direct", "total"), p4("litigation_after_review", "total")],
                        "note": f"prose says 行政诉讼 {lit0}, table says {ld + la}",
                    }
                )
        if rev0 is None and lit0 is None:
            return finalize(var, carried)
        # keep gold's TX-REVIEW/TX-LIT only for the counts the prose does not state
        kept = [
            f for f in carried if f["rule"] == "TX-REVIEW" and rev0 is None or f["rule"] == "TX-LIT" and lit0 is None
        ]
        return finalize(var, carried, tx_review=tuple(kept + tx))
    if kind == "prose":
        table = _num(var.values, p3("new_received", "total"))
        paras = var.prose.get(1, [])
        old = _num(var.values, "narrative.applications_received")
        target_spans: list[tuple[int, int, int, int]] = []
        for pi, ptxt in enumerate(paras):
            for s0, s1, v in received_number_spans(ptxt):
                target_spans.append((pi, s0, s1, v))
        done: dict[str, Any] | None = None
        if old is not None and target_spans:
            pick: tuple[int, int, int, int] | None
            exact = [t for t in target_spans if t[3] == old]
            if exact:
                pick = exact[0]
                new_total = old + 3 if old + 3 != table else old + 4
                delta = new_total - old
            elif sum(t[3] for t in target_spans) == old:
                pick = target_spans[-1]
                delta = 3 if old + 3 != table else 4
                new_total = old + delta
            else:
                pick = None
            if pick:
                pi, s0, s1, v = pick
                paras[pi] = paras[pi][:s0] + str(v + delta) + paras[pi][s1:]
                done = {"kind": "prose", "changed": f"{v}件 -> {v + delta}件", "paragraph": pi}
                var.values["narrative.applications_received"] = new_total
        if done is None:
            n = (table if table is not None else 0) + 3
            sentence = f"本年共收到政府信息公开申请{n}件。"
            # replace a sentence that says there were no applications, else append to section 一
            replaced = False
            for pi, ptxt in enumerate(paras):
                for m in re.finditer(r"[^。]*?(?:没有|未|无)[^。]*?申请[^。]*。", ptxt):
                    if re.search(r"\d+\s*件", m.group(0)):
                        continue
                    paras[pi] = ptxt[: m.start()] + sentence + ptxt[m.end() :]
                    replaced = True
                    done = {"kind": "prose", "replaced": m.group(0).strip(), "with": sentence, "paragraph": pi}
                    break
                if replaced:
                    break
            if not replaced:
                paras.append(sentence)
                done = {"kind": "prose", "inserted": sentence}
            var.values["narrative.applications_received"] = n
        var.prose[1] = paras
        var.extra_meta["injected"] = done
        return finalize(var, carried, tx_new_recompute=True)
    raise ValueError(kind)


def build_variants(gold: Gold, prose: Prose) -> list[Variant]:
    out: list[Variant] = []
    carried = _carried_findings(gold)
    for layout in BASE_LAYOUTS:
        if layout == "v2019":
            var = make_v2019(gold, prose)
            # the single （六） row is the 2019 form: a SHAPE warning about missing （六）1-3 does not apply
            finalize(var, _carried_findings(gold, drop_shape=True))
            out.append(var)
            continue
        fmt = {"html": "html", "docx": "docx", "pdf": "pdf"}.get(layout, "txt")
        enc = "gb18030" if layout == "gb18030" else "utf-8"
        var = make_base(gold, prose, layout, fmt, enc)
        if layout == "runtogether":
            amb, af = runtogether_ambiguity(var)
            finalize(var, carried, reading_ambiguous=amb, amb_findings=af)
        else:
            finalize(var, carried)
        out.append(var)
    for kind in INJECT_KINDS:
        inj = make_injected(gold, prose, kind)
        if inj is not None:
            out.append(inj)
    return out
