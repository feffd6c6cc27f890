"""A made-up region for the everyday-wording questions: one city, its districts, towns and departments, 2019–2025.

Deterministic (seeded); tables 三 and 四 add up and 上年结转 equals last year's 结转下年度; sections 一 and 五 are
short made-up texts. Stored with ``Store.put`` (no document is rendered). Bodies write their names in
different forms across years (人民政府 / 办公室 / without the city), as real reports do.

This module imports nothing from ``service`` except the Store to write into.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from service.store import Store

YEARS = range(2019, 2026)
CITY = "江海市"
# (name as stored, kind); the towns and streets lie in the district named before them
BODIES: tuple[tuple[str, str], ...] = (
    ("江海市人民政府", "city"),
    ("江海市东湖区人民政府", "county"),
    ("江海市西山区人民政府", "county"),
    ("江海市南岭县人民政府", "county"),
    ("江海市东湖区青石镇人民政府", "town"),
    ("江海市东湖区白沙镇人民政府", "town"),
    ("江海市西山区柳溪街道办事处", "town"),
    ("江海市西山区桃园乡人民政府", "town"),
    ("江海市南岭县石门镇人民政府", "town"),
    ("江海市教育局", "department"),
    ("江海市人力资源和社会保障局", "department"),
    ("江海市自然资源和规划局", "department"),
)
SCALE = {"city": 60, "county": 30, "town": 6, "department": 15}
COLS: tuple[str, ...] = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org")
COLS += ("legal_service_org", "other_org")
RESULTS: tuple[str, ...] = ("granted", "partially_granted", "withheld_third_party_rights")
RESULTS += ("withheld_process_information", "unable_not_held", "not_processed_duplicate", "other_no_amendment")
OPEN = ("围绕中心工作，{s}持续深化决策公开和执行公开。", "{s}严格落实信息发布审核制度，全年主动公开政府信息{n}条。")
PROBLEMS = ("政策解读的形式还不够丰富", "基层政务公开标准化建设仍有差距", "依申请公开答复的规范性有待提升")
PLANS = ("加强政务公开业务培训", "优化依申请公开办理流程", "推进政务公开专区建设")


def _seed(*parts: object) -> random.Random:
    return random.Random(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest())


def _name(name: str, year: int, rng: random.Random) -> str:
    """The issuer as that year's report writes it."""
    if name.endswith("人民政府") and year % 3 == 1:
        return name + "办公室"
    if (
        name.startswith(CITY)
        and name.endswith(("人民政府", "办事处"))
        and name != "江海市人民政府"
        and rng.random() < 0.3
    ):
        return name[len(CITY) :]
    return name


def _report(name: str, kind: str, year: int, carried: dict[str, int]) -> tuple[dict[str, Any], dict[str, str]]:
    rng = _seed("region-v1", name, year)
    values: dict[str, Any] = {}
    new = {c: rng.randint(0, SCALE[kind]) if c == "natural_person" else rng.randint(0, SCALE[kind] // 4) for c in COLS}
    if kind == "town" and rng.random() < 0.3:
        new = dict.fromkeys(COLS, 0)
    for c in COLS:
        values[f"applications.new_received.{c}"] = new[c]
        values[f"applications.carried_over.{c}"] = carried.get(c, 0)
    forward: dict[str, int] = {}
    for c in COLS:
        total = new[c] + carried.get(c, 0)
        forward[c] = rng.randint(0, total // 5) if total else 0
        left = total - forward[c]
        for row in RESULTS[1:]:
            share = rng.randint(0, left // 4) if left else 0
            values[f"applications.{row}.{c}"] = share
            left -= share
        values[f"applications.granted.{c}"] = left
        values[f"applications.results_total.{c}"] = total - forward[c]
        values[f"applications.carried_forward.{c}"] = forward[c]
    for row in ("new_received", "carried_over", *RESULTS, "results_total", "carried_forward"):
        values[f"applications.{row}.total"] = sum(values[f"applications.{row}.{c}"] for c in COLS)
    for group in ("administrative_review", "litigation_direct", "litigation_after_review"):
        parts = [rng.randint(0, 2) if kind != "town" else rng.randint(0, 1) for _ in range(4)]
        for key, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"reviews.{group}.{key}"] = v
        values[f"reviews.{group}.total"] = sum(parts)
    for row in ("licensing", "punishment", "enforcement"):
        values[f"active_disclosure.{row}.decisions"] = rng.randint(0, SCALE[kind] * 20)
    issued, repealed = rng.randint(0, 5), rng.randint(0, 3)
    values["active_disclosure.normative_documents.issued"] = issued
    values["active_disclosure.normative_documents.repealed"] = repealed
    values["active_disclosure.normative_documents.in_force"] = 20 + issued
    values["active_disclosure.fees.amount_wan_yuan"] = rng.randint(0, 500)
    self_word = "我" + ("局" if kind == "department" else name.replace("人民政府", "").replace("办事处", "")[-1])
    items = rng.randint(50, 3000)
    sections = {
        "一": "".join(s.format(s=self_word, n=items) for s in OPEN),
        "五": f"（一）存在的主要问题\n{year}年，{self_word}{rng.choice(PROBLEMS)}。\n"
        f"（二）改进措施\n下一步，{self_word}将{rng.choice(PLANS)}。",
        "六": "本年度未收取信息处理费。",
    }
    tables: dict[str, dict[str, dict[str, Any]]] = {"active_disclosure": {}, "applications": {}, "reviews": {}}
    for path, value in values.items():
        table, row, cell = path.split(".")
        tables[table].setdefault(row, {})[cell] = value
    file = f"region/{name}-{year}.txt"
    record = {
        "schema": "gov-annual-report/1",
        "source": {"file": file, "sha256": hashlib.sha256(file.encode()).hexdigest(), "format": "txt"},
        "status": "ok",
        "meta": {"issuer": _name(name, year, rng), "year": year, "format_version": "2021"},
        **tables,
        "narrative": {"proactive_items": items},
        "findings": [],
        "evidence": {},
    }
    return record, sections


def reports() -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Every report of the region (record, sections), body by body, year by year."""
    out = []
    for name, kind in BODIES:
        carried: dict[str, int] = {}
        for year in YEARS:
            record, sections = _report(name, kind, year, carried)
            carried = {c: record["applications"]["carried_forward"][c] for c in COLS}
            out.append((record, sections))
    return out


def fill(store: Store) -> int:
    """Put the region's reports into a store; returns how many."""
    items = reports()
    for record, sections in items:
        store.put(record, sections, [], now="2026-01-01T00:00:00+00:00")
    return len(items)
