"""Reproducible report series for the cross-report review: bodies × consecutive years, with planted defects.

Each generated report is a record of the national format (as plain data) plus the text of sections 一, 五
and 六; no document is rendered. Planted (per report after a body's first year, seeded):

* a carry mismatch: 上年结转 of one applicant column (and so of 总计) raised above last year's 结转下年度;
* a stock mismatch: 行政规范性文件 (or 规章) 现行有效 off by a few documents;
* a copied section: 一 or 五 is last year's text with a phrase or two swapped (years and numbers updated);
* copied tables: table 三 and 四 of last year, cell for cell;
* a peer copy: section 五 taken from another body of the same year, a phrase or two swapped.

Hard negatives, never findings: section 六 is the same boilerplate for every report; a body's fresh
text keeps one (五) or two (一) of last year's six sentences; small bodies print all-zero tables 三/四
year after year; issuer names change form between years (人民政府 / 人民政府办公室 / short form /
spaces); one body is renamed (its alias is part of the series); the reports up to 2020 use the 2019
table layout (Y-NORM not assessable across the switch).

Expected findings: Y-CARRY, Y-NORM and identical tables are computed from the generated numbers by the
rules' definitions (format.md §2.3), independently of ``service``; copied sections are known from the
planting. A body involved in a peer copy writes a wholly fresh 五 the next year, so no two compared texts
are related through more than one copy.

This module imports nothing from ``service``.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

Values = dict[str, Any]
Key = tuple[str, str, str, str]  # (file, rule, subject, other file)

COLS = ["natural_person", "commercial_enterprise", "research_institution", "public_interest_org", "legal_service_org"]
COLS += ["other_org"]
LEAVES_2021 = [
    "granted",
    "partially_granted",
    "withheld_state_secret",
    "withheld_third_party_rights",
    "withheld_process_information",
    "unable_not_held",
    "unable_needs_creation",
    "not_processed_petition_complaint",
    "not_processed_duplicate",
    "other_no_amendment",
    "other_unpaid_fee",
    "other_other",
]
LEAVES_2019 = [*LEAVES_2021[:9], "other_handling"]
REVIEW_GROUPS = ["administrative_review", "litigation_direct", "litigation_after_review"]
PLANT = {"carry": 0.08, "stock": 0.08, "copy_一": 0.06, "copy_五": 0.06, "tables": 0.04, "peer": 0.03}

PLACE = "安平清河山阳江宁兴华新东西南北泉林石长永丰和福顺德昌明庆康源水云龙凤桥溪"
OPENERS = [
    "围绕中心工作", "对照年度工作要点", "按照上级部署要求", "聚焦群众关切", "结合本地实际", "立足职能定位",
    "坚持问题导向", "以标准化规范化建设为抓手", "紧扣重点领域", "在优化营商环境方面", "在乡村振兴领域",
    "在重大建设项目方面", "在财政预决算方面", "在民生保障方面", "在政策解读方面",
]  # fmt: skip
VERBS = [
    "持续深化", "全面推进", "认真落实", "不断完善", "扎实开展", "着力加强", "进一步规范", "积极探索",
    "统筹推进", "稳步推进", "大力推动", "切实做好", "细化实化", "系统梳理", "加快健全",
]  # fmt: skip
OBJECTS = [
    "决策公开和执行公开", "政务公开目录动态更新", "政府网站信息发布审核", "依申请公开办理流程",
    "政策文件集中发布", "基层政务公开标准目录", "行政规范性文件清理", "政务新媒体日常运维",
    "重点领域信息公开", "政策解读和回应关切", "政务公开专区建设", "公众参与和意见征集",
    "财政资金使用公开", "办事服务指南编制", "信息发布保密审查",
]  # fmt: skip
PURPOSES = [
    "切实保障人民群众的知情权、参与权和监督权", "推动政务公开提质增效", "增强政府工作透明度",
    "提升政府公信力和执行力", "以公开促落实、促规范、促服务", "打造阳光透明政府", "回应社会公众关切",
    "方便企业群众查询办事", "营造良好的政务环境", "推动各项政策落地见效", "提高政务服务水平",
    "促进依法行政", "助力经济社会高质量发展", "让权力在阳光下运行", "夯实基层治理基础",
]  # fmt: skip
AREAS = [
    "政府网站信息发布", "政策解读工作", "依申请公开办理", "基层政务公开", "重点领域信息公开",
    "政务新媒体管理", "公开目录编制", "公众参与工作", "信息发布审核", "办事服务信息",
    "财政信息公开", "规范性文件管理", "公开专区建设", "业务培训工作", "考核监督机制",
]  # fmt: skip
ISSUES = [
    "的及时性有待提高", "还不够规范", "的深度和广度不够", "的形式较为单一", "的针对性还不强",
    "存在薄弱环节", "的标准化程度不高", "还需进一步加强", "的实效性不够明显", "的机制还不够健全",
    "与群众期盼仍有差距", "的覆盖面还不够广", "的质量有待提升", "的协同配合不够顺畅", "的主动性还不够强",
]  # fmt: skip
CONSEQUENCES = [
    "影响了公开工作的整体成效", "群众获取信息仍不够便捷", "与上级要求相比还有差距", "个别信息存在滞后现象",
    "部分内容可读性不强", "企业群众的获得感不够强", "工作合力尚未完全形成", "信息发布存在重形式轻实效的情况",
    "部分栏目长期未更新", "解读材料与政策文件同步发布率不高", "基层工作人员力量相对薄弱",
    "数据开放程度还不够高", "意见征集的回应反馈不够充分", "公开与保密的界限把握不够精准", "平台之间数据共享不足",
]  # fmt: skip
CHANNELS = ["政府门户网站", "政务微信公众号", "政务微博", "公开栏", "新闻发布会", "政务服务大厅电子屏"]
ORDINALS = "一二三四五六七八"
FEE_TEXT = (
    "按照《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》规定的按件、按量收费标准，"
    "本年度没有产生信息公开处理费。"
)


def seeded(key: str) -> random.Random:
    """A random generator seeded by a text key."""
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


@dataclass
class Body:
    """One generated body: its names, its size, its running state."""

    index: int
    name: str  # canonical issuer
    kind: str  # town | county | department
    small: bool
    self_word: str
    variants: list[str] = field(default_factory=list)  # other ways the issuer is written
    renamed: tuple[int, str] | None = None  # from this year on, this issuer


@dataclass
class GenReport:
    """One generated report: record data and section texts."""

    file: str
    body: int
    issuer: str
    year: int
    format_version: str
    values: Values
    sections: dict[str, str]

    def record(self) -> dict[str, Any]:
        """The report as a ``gov-annual-report/1`` record (plain data, no findings, no evidence)."""
        tables: dict[str, dict[str, dict[str, Any]]] = {"active_disclosure": {}, "applications": {}, "reviews": {}}
        for path, value in self.values.items():
            table, row, cell = path.split(".")
            tables[table].setdefault(row, {})[cell] = value
        sha = hashlib.sha256(self.file.encode("utf-8")).hexdigest()
        return {
            "schema": "gov-annual-report/1",
            "source": {"file": self.file, "sha256": sha, "format": "txt"},
            "status": "ok",
            "meta": {"issuer": self.issuer, "year": self.year, "format_version": self.format_version},
            **tables,
            "narrative": {},
            "findings": [],
            "evidence": {},
        }


@dataclass
class Series:
    """Generated reports, the alias table they need and the findings a review must report."""

    reports: list[GenReport]
    aliases: dict[str, str]
    expected: set[Key]


def _bodies(count: int, rng: random.Random) -> list[Body]:
    bodies: list[Body] = []
    used: set[str] = set()
    while len(bodies) < count:
        city = "".join(rng.sample(PLACE, 2)) + "市"
        county = "".join(rng.sample(PLACE, 2)) + rng.choice("县区")
        kind = rng.choice(["town", "town", "county", "department"])
        if kind == "town":
            place = "".join(rng.sample(PLACE, 2)) + rng.choice(["镇", "乡", "街道"])
            core, self_word = county + place, "我" + place[-1] if not place.endswith("街道") else "本街道"
        elif kind == "county":
            core, self_word = city + county, "我" + county[-1]
        else:
            core, self_word = city + county + rng.choice(["科学技术局", "民政局", "司法局", "财政局"]), "我局"
        if core in used or any(core.endswith(u[-4:]) or u.endswith(core[-4:]) for u in used):
            continue
        used.add(core)
        suffix = "" if core.endswith("局") else ("办事处" if core.endswith("街道") else "人民政府")
        body = Body(len(bodies), core + suffix, kind, kind == "town" and rng.random() < 0.7, self_word)
        if suffix == "人民政府" and rng.random() < 0.3:
            short = core[len(city) :] if kind == "county" else core[len(county) :]
            body.variants = [core + "人民政府办公室", f"{core[:3]} {core[3:]}人民政府", short + "人民政府"]
        bodies.append(body)
    return bodies


# ---------------------------------------------------------------------------------------------
# Prose: sentences are kept as parts ("{s}" stands for the body's 我镇/我区/我局), so a copy can
# rewrite one part and a fresh text can keep two parts of last year's.
# ---------------------------------------------------------------------------------------------


def _part(rng: random.Random, section: str, slot: int) -> str:
    if section == "一":
        return f"{rng.choice(OPENERS)}，{{s}}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(PURPOSES)}。"
    if slot < 3:
        return f"{rng.choice(AREAS)}{rng.choice(ISSUES)}，{rng.choice(CONSEQUENCES)}"
    return f"{{s}}将{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(PURPOSES)}"


def _parts(rng: random.Random, section: str, keep: list[str] | None, kept: int) -> list[str]:
    """A fresh text's parts; ``kept`` parts of ``keep`` (last year's) stay where they were."""
    parts = [_part(rng, section, slot) for slot in range(6)]
    if keep:
        for slot in rng.sample(range(6), kept):
            parts[slot] = keep[slot]
    return parts


def _rewrite_one(rng: random.Random, parts: list[str], edits: int = 1) -> list[str]:
    """A copy: the same parts with a phrase or two swapped (a verb, an aim, a shortcoming)."""
    out = list(parts)
    for _ in range(edits):
        slot = rng.randrange(len(out))
        pools = [pool for pool in (PURPOSES, ISSUES, CONSEQUENCES, VERBS) if any(w in out[slot] for w in pool)]
        pool = rng.choice(pools)
        old = next(w for w in pool if w in out[slot])
        out[slot] = out[slot].replace(old, rng.choice([w for w in pool if w != old]), 1)
    return out


def render(section: str, parts: list[str], year: int, self_word: str, items: int) -> str:
    """The text of section 一 or 五 from its parts."""
    if section == "一":
        stats = f"全年通过{CHANNELS[items % len(CHANNELS)]}主动公开政府信息{items}条。"
        body = f"{year}年，" + parts[0] + stats + "".join(parts[1:])
    else:
        problems = "；".join(f"{ORDINALS[i]}是{p}" for i, p in enumerate(parts[:3]))
        measures = "。".join(f"{year + 1}年，{p}" for p in parts[3:])
        body = (
            f"（一）存在的主要问题\n{year}年，{{s}}政府信息公开工作取得了一定成效，但仍存在一些不足：{problems}。\n"
            f"（二）改进情况\n{measures}。"
        )
    return body.replace("{s}", self_word)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def _split(rng: random.Random, total: int, n: int, heavy: int = 0) -> list[int]:
    """``total`` spread over ``n`` slots (slot ``heavy`` gets most)."""
    out = [0] * n
    for _ in range(total):
        out[heavy if rng.random() < 0.6 else rng.randrange(n)] += 1
    return out


def _t3(rng: random.Random, body: Body, carried_over: dict[str, int], fmt: str) -> tuple[Values, dict[str, int]]:
    """Table 三 (consistent: new + carried over = results + carried forward per column); the carried-forward row."""
    leaves = LEAVES_2019 if fmt == "2019" else LEAVES_2021
    scale = (1 if rng.random() < 0.2 else 0) if body.small else rng.randint(4, 80)
    new = dict(zip(COLS, _split(rng, scale, len(COLS)), strict=True))
    rows: dict[str, dict[str, int]] = {k: {} for k in ["new_received", "carried_over", *leaves, "carried_forward"]}
    for col in COLS:
        avail = new[col] + carried_over.get(col, 0)
        forward = rng.randint(0, min(avail, 3)) if avail and not body.small else 0
        rows["new_received"][col] = new[col]
        rows["carried_over"][col] = carried_over.get(col, 0)
        rows["carried_forward"][col] = forward
        for leaf, n in zip(leaves, _split(rng, avail - forward, len(leaves)), strict=True):
            rows[leaf][col] = n
    rows["results_total"] = {col: sum(rows[leaf][col] for leaf in leaves) for col in COLS}
    values: Values = {}
    for row, cols in rows.items():
        for col in COLS:
            values[f"applications.{row}.{col}"] = cols[col]
        values[f"applications.{row}.total"] = sum(cols[c] for c in COLS)
    return values, {c: rows["carried_forward"][c] for c in COLS}


def _t4(rng: random.Random, body: Body) -> Values:
    values: Values = {}
    for group in REVIEW_GROUPS:
        cells = [0, 0, 0, 0] if body.small else [rng.choice([0, 0, 1, 2, 3]) for _ in range(4)]
        for key, n in zip(["upheld", "corrected", "other", "pending"], cells, strict=True):
            values[f"reviews.{group}.{key}"] = n
        values[f"reviews.{group}.total"] = sum(cells)
    return values


def _t2(rng: random.Random, body: Body, stock: dict[str, int], fmt: str) -> Values:
    """Table 二; ``stock`` (现行有效 per row) is updated with this year's issued and repealed documents."""
    values: Values = {}
    busy = 0 if body.small else 1
    for row in ("rules", "normative_documents"):
        if row == "rules" and stock.get(row) is None:
            continue
        issued = rng.randint(0, 2 + 6 * busy)
        repealed = rng.randint(0, min(stock[row], 1 + 2 * busy))
        stock[row] += issued - repealed
        if fmt == "2019":
            cells = {"made": issued, "published": issued, "total_published": stock[row]}
        else:
            cells = {"issued": issued, "repealed": repealed, "in_force": stock[row]}
        values.update({f"active_disclosure.{row}.{k}": v for k, v in cells.items()})
    for row in ("licensing", "punishment", "enforcement"):
        n = rng.randint(0, 5) if body.small else rng.randint(10, 3000)
        if fmt == "2019":
            values[f"active_disclosure.{row}.previous_items"] = rng.randint(0, 40)
            values[f"active_disclosure.{row}.change"] = rng.randint(-3, 3)
        values[f"active_disclosure.{row}.decisions"] = n
    if fmt == "2021":
        values["active_disclosure.fees.amount_wan_yuan"] = 0 if body.small else round(rng.uniform(0, 900), 2)
    return values


# ---------------------------------------------------------------------------------------------
# Series
# ---------------------------------------------------------------------------------------------


@dataclass
class _State:
    """What a body carries from one year to the next."""

    carried: dict[str, int] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)
    fresh_next: set[str] = field(default_factory=set)  # sections that must not resemble this year's next year
    report: GenReport | None = None


def _issuer(rng: random.Random, body: Body, year: int, first: bool) -> str:
    if body.renamed and year >= body.renamed[0]:
        return body.renamed[1]
    if body.variants and not first and rng.random() < 0.35:
        return rng.choice(body.variants)
    return body.name


def _report(rng: random.Random, body: Body, state: _State, year: int, expected: set[Key]) -> GenReport:
    """One body's report of one year, with this year's plants (peer copies come later)."""
    fmt = "2019" if year <= 2020 else "2021"
    prev = state.report
    first = prev is None
    carried = dict(state.carried)
    if not first and rng.random() < PLANT["carry"]:
        col = rng.choice(COLS)
        carried[col] = carried.get(col, 0) + rng.randint(1, 5)
    values, state.carried = _t3(rng, body, carried, fmt)
    if prev is not None and not body.small and prev.format_version == fmt and rng.random() < PLANT["tables"]:
        values = {p: v for p, v in prev.values.items() if p.startswith(("applications.", "reviews."))}
        state.carried = {c: values[f"applications.carried_forward.{c}"] for c in COLS}
    else:
        values.update(_t4(rng, body))
    if first:
        state.stock = {"normative_documents": rng.randint(3, 80)}
        if body.kind == "department" or rng.random() < 0.25:
            state.stock["rules"] = rng.randint(2, 30)
    values.update(_t2(rng, body, state.stock, fmt))
    if not first and fmt == "2021" and rng.random() < PLANT["stock"]:
        row = "rules" if "rules" in state.stock and rng.random() < 0.3 else "normative_documents"
        shift = rng.choice([-3, -2, -1, 1, 2, 3])
        state.stock[row] = max(0, state.stock[row] + shift)
        values[f"active_disclosure.{row}.in_force"] = state.stock[row]
    sections = {"六": FEE_TEXT}
    for key in ("一", "五"):
        last = state.parts.get(key)
        if last is not None and key not in state.fresh_next and rng.random() < PLANT[f"copy_{key}"]:
            state.parts[key] = _rewrite_one(rng, last, rng.choice([1, 2]))
            assert prev is not None
            expected.add((f"{body.index:03d}-{year}.txt", "Y-COPY", key, prev.file))
        else:
            state.parts[key] = _parts(rng, key, last, 0 if key in state.fresh_next else {"一": 2, "五": 1}[key])
    state.fresh_next = set()
    report = GenReport(
        file=f"{body.index:03d}-{year}.txt",
        body=body.index,
        issuer=_issuer(rng, body, year, first),
        year=year,
        format_version=fmt,
        values=values,
        sections=sections,
    )
    items = rng.randint(20, 4000)
    for key in ("一", "五"):
        report.sections[key] = render(key, state.parts[key], year, body.self_word, items)
    return report


def _peer_copies(rng: random.Random, bodies: list[Body], states: list[_State], year: int, expected: set[Key]) -> None:
    """Section 五 of some bodies taken from another body of the same year (one source per copier)."""
    involved: set[int] = set()
    fresh = {b.index for b in bodies if not any(k[0] == f"{b.index:03d}-{year}.txt" and k[2] == "五" for k in expected)}
    for copier in rng.sample(bodies, len(bodies)):
        if copier.index in involved or copier.index not in fresh or rng.random() >= PLANT["peer"]:
            continue
        sources = [b for b in bodies if b.index not in involved and b.index != copier.index]
        if not sources:
            continue
        source = rng.choice(sources)
        parts = _rewrite_one(rng, states[source.index].parts["五"], rng.choice([1, 2]))
        mine, theirs = states[copier.index], states[source.index]
        assert mine.report is not None and theirs.report is not None
        mine.parts["五"] = parts
        mine.report.sections["五"] = render("五", parts, year, copier.self_word, 0)
        expected.add((mine.report.file, "Y-COPY", "五-peer", theirs.report.file))
        expected.add((theirs.report.file, "Y-COPY", "五-peer", mine.report.file))
        involved |= {copier.index, source.index}
        mine.fresh_next.add("五")
        theirs.fresh_next.add("五")


def generate(bodies: int = 30, years: int = 6, *, first_year: int = 2019, seed: str = "review-v1") -> Series:
    """``bodies`` × ``years`` reports with planted defects, the alias table and the expected findings."""
    rng = seeded(f"{seed}:{bodies}:{years}:{first_year}")
    people = _bodies(bodies, rng)
    aliases: dict[str, str] = {}
    renamed = next((b for b in people if b.kind == "department"), None)
    if renamed is not None and years > 2:
        new_name = renamed.name[:-1] + "和工业信息化局" if renamed.name.endswith("科学技术局") else "新" + renamed.name
        renamed.renamed = (first_year + years // 2, new_name)
        aliases[new_name] = renamed.name
    states = [_State() for _ in people]
    expected: set[Key] = set()
    reports: list[GenReport] = []
    for year in range(first_year, first_year + years):
        this_year = []
        for body, state in zip(people, states, strict=True):
            report = _report(rng, body, state, year, expected)
            this_year.append(report)
            state.report = report
        _peer_copies(rng, people, states, year, expected)
        reports += this_year
    expected |= expected_numbers(reports)
    return Series(reports=reports, aliases=aliases, expected=expected)


def expected_numbers(reports: list[GenReport]) -> set[Key]:
    """Y-CARRY, Y-NORM and identical tables by their definitions, over each body's consecutive years."""
    by_body = {(r.body, r.year): r for r in reports}
    out: set[Key] = set()
    for cur in reports:
        prev = by_body.get((cur.body, cur.year - 1))
        if prev is None:
            continue
        now, before = cur.values, prev.values
        for col in [*COLS, "total"]:
            a, b = now.get(f"applications.carried_over.{col}"), before.get(f"applications.carried_forward.{col}")
            if a is not None and b is not None and a != b:
                out.add((cur.file, "Y-CARRY", col, prev.file))
        for row in ("rules", "normative_documents"):
            cells = [now.get(f"active_disclosure.{row}.{c}") for c in ("in_force", "issued", "repealed")]
            last = before.get(f"active_disclosure.{row}.in_force")
            if None not in cells and last is not None and cells[0] != last + cells[1] - cells[2]:
                out.add((cur.file, "Y-NORM", row, prev.file))
        same = []
        for head in ("active_disclosure.", "applications.", "reviews."):
            a_cells = {p: v for p, v in now.items() if p.startswith(head)}
            b_cells = {p: v for p, v in before.items() if p.startswith(head)}
            same.append(a_cells == b_cells and sum(1 for v in a_cells.values() if v) >= 5)
        if any(same):
            out.add((cur.file, "Y-COPY", "tables", prev.file))
    return out
