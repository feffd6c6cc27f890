"""Numeric queries run by code over the cells table: every value, sum, difference and share is computed here and
every cell used is cited. A blank cell is "未填报", never 0; a report lacking a cell is named, not counted."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from service.qa.model import Answer, Item, cite, num, who
from service.qa.query import Query, Subject
from service.qa.subjects import ROW_BY_NAME, cell_labels, default_column, paths_of
from service.store import CellRow, Store

T3_STOCK = {"本年新收", "上年结转", "办理结果总计", "结转下年度继续办理"}


@dataclass
class Point:
    """One report's value of one subject (the sum of its cells; None when a cell is blank)."""

    report_id: str
    issuer: str | None
    year: int | None
    value: float | None
    cells: list[CellRow] = field(default_factory=list)


def label(s: Subject) -> str:
    """本年新收 · 自然人 → 本年新收（自然人）; the total column is not repeated."""
    if s.column in ("", "总计") or s.column == default_column(ROW_BY_NAME[s.row]):
        return s.row
    return f"{s.row}（{s.column}）"


def points(store: Store, s: Subject, issuers: list[str] | None, years: list[int] | None) -> list[Point]:
    """The subject's value in every report in scope that has its cells."""
    row = ROW_BY_NAME[s.row]
    cells = store.query_cells(paths_of(row, s.column), issuers=issuers, years=years)
    grouped: dict[str, list[CellRow]] = defaultdict(list)
    for cell in cells:
        grouped[cell.report_id].append(cell)
    out = []
    for rid, group in grouped.items():
        values = [c.value for c in group]
        total = None if any(v is None for v in values) else float(sum(v for v in values if v is not None))
        out.append(Point(rid, group[0].issuer, group[0].year, total, group))
    return sorted(out, key=lambda p: (p.issuer or "", p.year or 0, p.report_id))


def denominator(s: Subject) -> Subject | None:
    """What a share is taken of: 办理结果总计 for a result row, the row's 总计 for one column."""
    row = ROW_BY_NAME[s.row]
    if row.columns in ("applicant", "review") and s.column not in ("", "总计"):
        return Subject(row=s.row, column="总计")
    if row.table == "三" and s.row not in T3_STOCK:
        return Subject(row="办理结果总计", column=s.column or "总计")
    return None


def pct(value: float) -> str:
    """A percentage as shown (one decimal)."""
    return f"{value * 100:.1f}%"


class NumberAnswer:
    """Builds one numeric answer: its text lines, its citations and the facts it shows."""

    def __init__(self, q: Query, key: Callable[[str], str]) -> None:
        self.q = q
        self.key = key
        self.lines: list[str] = []
        self.cited: list[CellRow] = []
        self.facts: set[float] = set()
        self.items: list[Item] = []
        self.value: float | None = None

    def fact(self, value: float | None) -> str:
        if value is not None:
            self.facts.add(round(value, 4))
        return num(value)

    def named(self, points: list[Point]) -> str:
        """巨各庄镇 2023年、… (the years shown are facts of the answer)."""
        self.facts |= {float(p.year) for p in points if p.year}
        return "、".join(who(p.issuer, p.year) for p in points)

    def unit(self, s: Subject) -> str:
        return ROW_BY_NAME[s.row].unit

    def shown(self, p: Point, s: Subject) -> str:
        return f"{self.fact(p.value)}{self.unit(s)}" if p.value is not None else "未填报"

    def answer(self) -> Answer:
        return Answer(
            answer="\n".join(self.lines),
            citations=[cite(c) for c in dict.fromkeys(self.cited)],
            route="numbers",
            value=self.value,
            items=self.items,
            facts=sorted(self.facts),
        )


def run_numbers(q: Query, store: Store, issuers: list[str] | None, key: Callable[[str], str]) -> Answer:
    """Run a numeric query over the reports of ``issuers`` (None: every report) in its years."""
    out = NumberAnswer(q, key)
    years = sorted(set(q.years)) or None
    if not q.subjects:  # 库里有多少份报告
        reports = [r for r in store.reports() if (issuers is None or r.issuer in issuers)]
        reports = [r for r in reports if years is None or r.year in years]
        out.value = float(len(reports))
        out.lines.append(f"共 {out.fact(out.value)} 份报告。")
        return out.answer()
    series = [(s, points(store, s, issuers, years)) for s in q.subjects]
    if not any(p for _, p in series):
        return Answer(answer="没有查到这些报告的这项数字。", citations=[], route="numbers", found=False)
    op = q.operation
    single = all(len(p) <= 1 for _, p in series)
    if op in ("diff", "growth") or (op == "trend" and not single):
        _changes(out, series)
    elif op == "share":
        _share(out, store, series, issuers, years)
    elif single and op in ("value", "list", "max", "min", "rank", "sum", "avg", "trend"):
        _values(out, series)
    elif op in ("max", "min", "rank"):
        _ranked(out, series[0])
    elif op in ("sum", "avg"):
        _total(out, series)
    elif op in ("count", "zero"):
        _filtered(out, series[0])
    else:
        _values(out, series)
    return out.answer()


def _values(out: NumberAnswer, series: list[tuple[Subject, list[Point]]]) -> None:
    """Each report's value of each subject (the 分别 answer)."""
    for s, pts in series:
        for p in pts:
            row = ROW_BY_NAME[s.row]
            parts = "（" + " + ".join(f"{_short(c)} {num(c.value)}" for c in p.cells) + "）"
            detail = parts if len(p.cells) > 1 and p.value is not None and len(row.rows) > 1 else ""
            out.lines.append(f"{who(p.issuer, p.year)} {label(s)}：{out.shown(p, s)}{detail}。")
            if p.value is None and any(c.value is not None for c in p.cells):  # some parts printed, some blank
                shown = [out.fact(c.value) + out.unit(s) if c.value is not None else "未填报" for c in p.cells]
                parts = "，".join(f"{_short(c)} {v}" for c, v in zip(p.cells, shown, strict=True))
                out.lines[-1] = f"{who(p.issuer, p.year)} {label(s)}：有未填报的部分，无法合计（{parts}）。"
            elif p.value is None:
                out.lines[-1] = f"{who(p.issuer, p.year)} 的报告没有填报{label(s)}（表格中为空或无法确定）。"
            out.cited += p.cells
            out.items.append(Item(issuer=p.issuer, year=p.year, value=p.value))
    if len(out.items) == 1:
        out.value = out.items[0].value


def _short(cell: CellRow) -> str:
    _, row, column = cell_labels(cell.path)
    row = re.sub(r"\d+\.", "", row)
    return row if column in ("总计", "") else f"{row} {column}"


def _ranked(out: NumberAnswer, pair: tuple[Subject, list[Point]]) -> None:
    s, pts = pair
    known = [p for p in pts if p.value is not None]
    blank = [p for p in pts if p.value is None]
    if not known:
        out.lines.append(f"这 {len(pts)} 份报告都没有填报{label(s)}。")
        return
    order = sorted(known, key=lambda p: -(p.value or 0))
    if out.q.operation in ("max", "min"):
        best = (order[0] if out.q.operation == "max" else order[-1]).value
        top = [p for p in known if p.value == best]
        word = "最多" if out.q.operation == "max" else "最少"
        names = "、".join(who(p.issuer, p.year) for p in top)
        out.lines.append(f"在 {out.fact(len(pts))} 份报告中，{label(s)}{word}的是 {names}：{out.shown(top[0], s)}。")
        out.cited += [c for p in top for c in p.cells]
        out.items = [Item(issuer=p.issuer, year=p.year, value=p.value) for p in top]
        out.value = best
    else:
        out.lines.append(f"{label(s)}从多到少：")
        for n, p in enumerate(order, 1):
            out.lines.append(f"{n}. {who(p.issuer, p.year)}：{out.shown(p, s)}")
            out.cited += p.cells
        out.items = [Item(issuer=p.issuer, year=p.year, value=p.value) for p in order]
    if blank:
        out.lines.append("未填报（未参与比较）：" + out.named(blank))


def _total(out: NumberAnswer, series: list[tuple[Subject, list[Point]]]) -> None:
    every = [(s, p) for s, pts in series for p in pts]
    known = [(s, p) for s, p in every if p.value is not None]
    total = sum(p.value or 0.0 for _, p in known)
    names = "、".join(dict.fromkeys(label(s) for s, _ in series))
    reports = len({p.report_id for _, p in known})
    if out.q.operation == "avg":
        mean = total / len(known) if known else None
        out.lines.append(
            f"{out.fact(reports)} 份报告的{names}平均 {out.fact(mean)}{out.unit(series[0][0])}"
            f"（合计 {out.fact(total)} ÷ {out.fact(len(known))}）。"
        )
        out.value = mean
    else:
        parts = " + ".join(out.fact(p.value) for _, p in known)
        out.lines.append(
            f"{out.fact(reports)} 份报告的{names}合计 {out.fact(total)}{out.unit(series[0][0])}（{parts}）。"
        )
        out.value = total
    for _, p in every:
        out.cited += p.cells
        out.items.append(Item(issuer=p.issuer, year=p.year, value=p.value))
    blank = [p for _, p in every if p.value is None]
    if blank:
        out.lines.append("未填报（未计入）：" + out.named(blank))


def _filtered(out: NumberAnswer, pair: tuple[Subject, list[Point]]) -> None:
    s, pts = pair
    zero = out.q.operation == "zero"
    hits = [p for p in pts if p.value is not None and ((p.value == 0) if zero else (p.value > 0))]
    out.fact(0)
    what = f"{label(s)}为 0" if zero else f"{label(s)}大于 0"
    names = "、".join(who(p.issuer, p.year) for p in hits)
    out.lines.append(
        f"在 {out.fact(len(pts))} 份报告中，{out.fact(len(hits))} 份{what}" + (f"：{names}。" if hits else "。")
    )
    blank = [p for p in pts if p.value is None]
    if blank:
        out.lines.append("未填报（不计）：" + out.named(blank))
    out.cited += [c for p in hits for c in p.cells]
    out.items = [Item(issuer=p.issuer, year=p.year, value=p.value) for p in hits]
    out.value = float(len(hits))


def _changes(out: NumberAnswer, series: list[tuple[Subject, list[Point]]]) -> None:
    """Differences and growth year over year per body; or between two bodies of one year."""
    growth = out.q.operation == "growth"
    for s, pts in series:
        by_body: dict[str, list[Point]] = defaultdict(list)
        for p in pts:
            by_body[out.key(p.issuer or "")].append(p)
        if len(by_body) == 2 and all(len(v) == 1 for v in by_body.values()) and len(set(out.q.years)) <= 1:
            named = [out.key(b) for b in out.q.bodies]  # as the question put them: A比B多多少 is A − B
            a, b = sorted((v[0] for v in by_body.values()), key=lambda p: _place(named, out.key(p.issuer or "")))
            _versus(out, s, a, b, growth)
            continue
        for body_points in by_body.values():
            ordered = sorted(body_points, key=lambda p: p.year or 0)
            name = ordered[0].issuer
            if len(ordered) < 2:
                p = ordered[0]
                out.lines.append(
                    f"{who(name, None)} 只有 {p.year}年 的报告（{label(s)} {out.shown(p, s)}），无法比较。"
                )
                out.cited += p.cells
                continue
            if out.q.operation == "trend" or len(ordered) > 2:
                steps = [f"{ordered[0].year}年 {out.shown(ordered[0], s)}"]
                for a, b in zip(ordered, ordered[1:], strict=False):
                    since = f"较{a.year}年 " if (b.year or 0) - (a.year or 0) > 1 else ""  # a year missing between
                    known = a.value is not None and b.value is not None
                    change = f"（{since}{_signed(out, (b.value or 0) - (a.value or 0))}）" if known else ""
                    steps.append(f"{b.year}年 {out.shown(b, s)}{change}")
                out.lines.append(f"{who(name, None)} {label(s)}：" + "；".join(steps) + "。")
                out.cited += [c for p in ordered for c in p.cells]
                out.items += [Item(issuer=p.issuer, year=p.year, value=p.value) for p in ordered]
                continue
            _step(out, s, ordered[0], ordered[1], who(name, None), growth)


def _signed(out: NumberAnswer, value: float) -> str:
    out.fact(abs(value))
    return f"+{num(value)}" if value > 0 else num(value) if value < 0 else "持平"


def _both_known(out: NumberAnswer, a: Point, b: Point, head: str) -> tuple[float, float] | None:
    """Cites the two points of a comparison and returns their values; when one is blank, says so (None)."""
    out.cited += a.cells + b.cells
    out.items += [Item(issuer=p.issuer, year=p.year, value=p.value) for p in (a, b)]
    if a.value is None or b.value is None:
        out.lines.append(head + "，有一方未填报，无法计算。")
        return None
    return a.value, b.value


def _step(out: NumberAnswer, s: Subject, a: Point, b: Point, name: str, growth: bool) -> None:
    head = f"{name} {label(s)}：{_when(a, b)}{out.shown(a, s)} → {_when(b, a)}{out.shown(b, s)}"
    known = _both_known(out, a, b, head)
    if known is None:
        return
    before, after = known
    diff = after - before
    word = "增加" if diff > 0 else "减少" if diff < 0 else "持平"
    text = f"{head}，{word}" + (f" {out.fact(abs(diff))}{out.unit(s)}" if diff else "")
    if growth:
        if before == 0:
            text += "（上一期为 0，无法计算增减幅度）"
        else:
            rate = diff / before
            out.facts.add(round(abs(rate) * 100, 1))
            formula = f"({num(after)} − {num(before)}) ÷ {num(before)}"
            text += f"，{'增长' if rate >= 0 else '下降'} {pct(abs(rate))}（{formula}）"
    out.lines.append(text + "。")
    out.value = diff if not growth or before == 0 else diff / before


def _place(named: list[str], key: str) -> int:
    return named.index(key) if key in named else len(named)


def _versus(out: NumberAnswer, s: Subject, a: Point, b: Point, growth: bool) -> None:
    """Two bodies of one year: how far the first named is above or below the second."""
    head = f"{label(s)}：{who(a.issuer, a.year)} {out.shown(a, s)}，{who(b.issuer, b.year)} {out.shown(b, s)}"
    known = _both_known(out, a, b, head)
    if known is None:
        return
    first, second = known
    diff = first - second
    if not diff:
        out.lines.append(head + "，两者相同。")
        out.value = 0.0
        return
    text = f"{head}；{a.issuer} 比 {b.issuer} {'多' if diff > 0 else '少'} {out.fact(abs(diff))}{out.unit(s)}"
    if growth and not second:
        text += f"（{b.issuer} 为 0，无法计算高低幅度）"
    elif growth:
        rate = diff / second
        out.facts.add(round(abs(rate) * 100, 1))
        text += f"（{'高' if rate > 0 else '低'} {pct(abs(rate))}，({num(first)} − {num(second)}) ÷ {num(second)}）"
    out.lines.append(text + "。")
    out.value = diff if not growth or not second else diff / second


def _when(p: Point, other: Point) -> str:
    return f"{p.year}年 " if p.year != other.year else (f"{p.issuer} " if p.issuer != other.issuer else "")


def _share(
    out: NumberAnswer,
    store: Store,
    series: list[tuple[Subject, list[Point]]],
    issuers: list[str] | None,
    years: list[int] | None,
) -> None:
    """(sum of the subjects) ÷ their denominator, per report and over all, with the formula shown."""
    base = denominator(series[0][0])
    if base is None:
        out.lines.append(
            f"“{label(series[0][0])}”没有可以求占比的总数（只有表三的办理结果和申请人类别、表四的结果可以）。"
        )
        return
    whole = {p.report_id: p for p in points(store, base, issuers, years)}
    names = " + ".join(label(s) for s, _ in series)
    per_report: dict[str, list[Point]] = defaultdict(list)
    for _, pts in series:
        for p in pts:
            per_report[p.report_id].append(p)
    sums = [0.0, 0.0]
    for rid, parts in per_report.items():
        total = whole.get(rid)
        if total is None or total.value is None or any(p.value is None for p in parts):
            out.lines.append(f"{who(parts[0].issuer, parts[0].year)}：有未填报的数字，无法计算。")
            continue
        top = sum(p.value or 0.0 for p in parts)
        out.cited += [c for p in parts for c in p.cells] + total.cells
        sums[0] += top
        sums[1] += total.value
        share = top / total.value if total.value else None
        shown = pct(share) if share is not None else "无法计算（分母为 0）"
        if share is not None:
            out.facts.add(round(share * 100, 1))
        out.lines.append(
            f"{who(parts[0].issuer, parts[0].year)}：({names}) ÷ {label(base)} = "
            f"{out.fact(top)} ÷ {out.fact(total.value)} = {shown}"
        )
        out.items.append(Item(issuer=parts[0].issuer, year=parts[0].year, value=share))
    if len(out.items) > 1 and sums[1]:
        out.value = sums[0] / sums[1]
        out.facts.add(round(out.value * 100, 1))
        out.lines.append(f"合计：{out.fact(sums[0])} ÷ {out.fact(sums[1])} = {pct(out.value)}")
    elif len(out.items) == 1:
        out.value = out.items[0].value
    out.lines.insert(0, f"占比 = ({names}) ÷ {label(base)}：")
