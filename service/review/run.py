"""``review``: every cross-report rule over the whole store; the findings go back into the store (origin 'review')."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from service.names import Bodies
from service.review.rules import COPY_SECTIONS, CrossFinding, Report, check_pair, peer_copy
from service.review.similarity import near_pairs, profile
from service.schema.fields import all_cell_paths
from service.store import Store

DEFAULT_THRESHOLD = 0.8


@dataclass
class ReviewResult:
    """What a review found, with what it could and could not compare."""

    findings: list[CrossFinding] = field(default_factory=list)
    reports: int = 0
    bodies: int = 0
    pairs: int = 0
    unnamed: int = 0  # reports without an issuer or a year
    ambiguous: list[str] = field(default_factory=list)  # body-years with several different reports
    names: Bodies = field(default_factory=lambda: Bodies(()))
    keys: set[str] = field(default_factory=set)  # every body reviewed
    issuers: set[str] = field(default_factory=set)  # every issuer name as stored

    def knows(self, issuer: str) -> bool:
        """Whether the store holds a report of this body (any of its names, or part of a stored name)."""
        return self.names.key(issuer) in self.keys or any(issuer in name for name in self.issuers)

    def select(self, issuer: str | None = None, bodies: set[str] | None = None) -> list[CrossFinding]:
        """The findings about one body (a name as the store or the user writes it), or about some bodies."""
        found = self.findings
        if bodies is not None:
            found = [f for f in found if f.body in bodies]
        if issuer:
            body = self.names.key(issuer)
            found = [f for f in found if f.body == body or issuer in f.issuer]
        return found

    def summary(self, findings: list[CrossFinding] | None = None) -> str:
        """Plain-text summary: what was compared, findings by rule (Y-COPY by kind)."""
        shown = self.findings if findings is None else findings
        rules = Counter(f.finding.rule for f in shown)
        kinds = Counter(_kind(f.subject) for f in shown if f.finding.rule == "Y-COPY")
        copy = "、".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        lines = [
            f"reviewed: {self.reports} reports of {self.bodies} bodies; consecutive-year pairs compared: {self.pairs}",
            f"cross-report findings: {len(shown)} (Y-CARRY {rules['Y-CARRY']}, Y-NORM {rules['Y-NORM']}, "
            f"Y-COPY {rules['Y-COPY']}{f': {copy}' if copy else ''})",
        ]
        if self.unnamed:
            lines.append(f"not reviewed: {self.unnamed} reports without an issuer or a year")
        if self.ambiguous:
            more = f" …(+{len(self.ambiguous) - 5})" if len(self.ambiguous) > 5 else ""
            lines.append(
                f"not paired (several different reports of one body and year): {', '.join(self.ambiguous[:5])}{more}"
            )
        return "\n".join(lines)


def _kind(subject: str) -> str:
    return {"tables": "tables", "五-peer": "五 across bodies"}.get(subject, f"section {subject}")


def _table_paths() -> list[str]:
    paths = dict.fromkeys(all_cell_paths("2021") + all_cell_paths("2019", single_other_row=True))
    return list(paths)


def load_reports(store: Store, bodies: Bodies | None = None) -> tuple[list[Report], int]:
    """The stored reports with an issuer and a year (table cells, sections 一/五); and how many lack either."""
    rows = store.reports()
    if bodies is None:
        bodies = Bodies(r.issuer for r in rows if r.issuer)
    values: dict[str, dict[str, int | float | None]] = defaultdict(dict)
    for cell in store.query_cells(_table_paths()):
        values[cell.report_id][cell.path] = cell.number
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for rid, _, _, key, text in store.sections():
        if key in COPY_SECTIONS:
            texts[rid][key] = text
    reports = []
    for r in rows:
        if not r.issuer or r.year is None:
            continue
        own = texts.get(r.report_id, {})
        reports.append(
            Report(
                report_id=r.report_id,
                issuer=r.issuer,
                body=bodies.key(r.issuer),
                year=r.year,
                values=values.get(r.report_id, {}),
                texts=own,
                profiles={k: profile(t) for k, t in own.items()},
            )
        )
    return reports, len(rows) - len(reports)


def _predecessor(cur: Report, before: list[Report]) -> Report | None:
    """The report of year N-1 to compare with: the only one, the one with the same issuer, or one of duplicates."""
    if len(before) > 1:
        same = [r for r in before if r.issuer == cur.issuer]
        before = same or before
    if len(before) > 1 and all(r.values == before[0].values for r in before):
        before = before[:1]
    return before[0] if len(before) == 1 else None


def review(
    store: Store, *, threshold: float = DEFAULT_THRESHOLD, aliases: dict[str, str] | None = None
) -> ReviewResult:
    """Run every cross-report rule over the store and replace the stored review findings with the result.

    One review at a time per store (with PostgreSQL, across processes): the last one reads every report stored
    before it started, so reviews run by ingests at once neither lose nor duplicate findings.
    """
    with store.one_at_a_time():
        return _review(store, threshold, aliases)


def _review(store: Store, threshold: float, aliases: dict[str, str] | None) -> ReviewResult:
    bodies = Bodies(store.issuers(), aliases)
    reports, unnamed = load_reports(store, bodies)
    result = ReviewResult(reports=len(reports), unnamed=unnamed, names=bodies)
    by_body: dict[str, dict[int, list[Report]]] = defaultdict(lambda: defaultdict(list))
    for r in reports:
        by_body[r.body][r.year].append(r)
    result.bodies, result.keys, result.issuers = len(by_body), set(by_body), {r.issuer for r in reports}
    for body, years in sorted(by_body.items()):
        for year, current in sorted(years.items()):
            before = years.get(year - 1, [])
            for cur in current:
                prev = _predecessor(cur, before) if before else None
                if prev is None:
                    if before:
                        result.ambiguous.append(f"{body} {year - 1}")
                    continue
                result.pairs += 1
                result.findings += check_pair(cur, prev, threshold)
    result.findings += _peers(reports, threshold)
    result.findings.sort(key=lambda f: (f.body, f.year, f.finding.rule, f.subject, f.report_id, f.other_report_id))
    result.ambiguous = sorted(set(result.ambiguous))
    store.replace_review_findings(
        (f.report_id, f.finding.rule, f.finding.severity, f.finding.message, f.finding.cells) for f in result.findings
    )
    return result


def _peers(reports: list[Report], threshold: float) -> list[CrossFinding]:
    """Y-COPY between different bodies of the same year (section 五)."""
    by_year: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        if "五" in r.profiles:
            by_year[r.year].append(r)
    out = []
    for _, group in sorted(by_year.items()):
        for i, j, value in near_pairs([r.profiles["五"] for r in group], threshold):
            if group[i].body != group[j].body:
                out += peer_copy(group[i], group[j], value)
    return out


def review_touched(
    store: Store,
    issuers: list[str | None],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    aliases: dict[str, str] | None = None,
) -> str:
    """After an ingest: review the whole store (peers need every body); one line about the bodies touched."""
    result = review(store, threshold=threshold, aliases=aliases)
    touched = {result.names.key(i) for i in issuers if i}
    rules = Counter(f.finding.rule for f in result.select(bodies=touched))
    counts = ", ".join(f"{rule} {rules[rule]}" for rule in ("Y-CARRY", "Y-NORM", "Y-COPY"))
    return (
        f"cross-report review: bodies touched {len(touched)}, their findings {sum(rules.values())} ({counts}); "
        "`nianbao review --out DIR` lists them"
    )
