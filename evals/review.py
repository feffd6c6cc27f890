"""Cross-report review evals: generated series (evals/series.py) into a temporary store, ``review``, scores per rule.

A finding is matched by (report, rule, subject, other report): the subject is the applicant column
(Y-CARRY), the table-2 row (Y-NORM), or the section 一/五, ``tables`` or ``五-peer`` (Y-COPY).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from evals.series import Key, Series, generate
from service.review import DEFAULT_THRESHOLD, ReviewResult, review
from service.store import Store

RULES = ("Y-CARRY", "Y-NORM", "Y-COPY")
NOW = "2025-01-01T00:00:00+00:00"


@dataclass
class ReviewScore:
    """True/false positives and misses per rule, with the keys that went wrong."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    false: list[Key] = field(default_factory=list)
    missed: list[Key] = field(default_factory=list)
    reports: int = 0
    seconds: float = 0.0

    def precision(self, rule: str) -> float:
        """Share of found findings that were expected."""
        found = self.tp[rule] + self.fp[rule]
        return self.tp[rule] / found if found else 1.0

    def recall(self, rule: str) -> float:
        """Share of expected findings that were found."""
        wanted = self.tp[rule] + self.fn[rule]
        return self.tp[rule] / wanted if wanted else 1.0


def fill_store(series: Series, path: Path) -> Store:
    """A store holding every generated report with its sections 一, 五 and 六."""
    store = Store(path)
    store._db.execute("PRAGMA synchronous = OFF")  # a throwaway store: no disk sync after every report
    for report in series.reports:
        store.put(report.record(), report.sections, [], now=NOW)
    return store


def found_keys(result: ReviewResult, files: dict[str, str]) -> set[Key]:
    """The review's findings as (file, rule, subject, other file)."""
    return {(files[f.report_id], f.finding.rule, f.subject, files[f.other_report_id]) for f in result.findings}


def score(expected: set[Key], found: set[Key]) -> ReviewScore:
    """Precision and recall per rule over matched keys."""
    out = ReviewScore()
    for key in found & expected:
        out.tp[key[1]] += 1
    for key in sorted(found - expected):
        out.fp[key[1]] += 1
        out.false.append(key)
    for key in sorted(expected - found):
        out.fn[key[1]] += 1
        out.missed.append(key)
    return out


def run_review_eval(
    bodies: int = 50, years: int = 8, *, first_year: int = 2017, threshold: float = DEFAULT_THRESHOLD
) -> ReviewScore:
    """Generate a series, store it in a temporary SQLite file, review it and score the findings."""
    series = generate(bodies, years, first_year=first_year)
    with tempfile.TemporaryDirectory() as tmp:
        store = fill_store(series, Path(tmp) / "nianbao.sqlite")
        files = {r.report_id: r.file for r in store.reports()}
        start = time.perf_counter()
        result = review(store, threshold=threshold, aliases=series.aliases)
        seconds = time.perf_counter() - start
        store.close()
    out = score(series.expected, found_keys(result, files))
    out.reports, out.seconds = len(series.reports), seconds
    return out


def lines(result: ReviewScore) -> list[str]:
    """The figures as printed by ``nianbao evals run --suite review``."""
    per_rule = "  ".join(
        f"{r} P={result.precision(r):.2%} R={result.recall(r):.2%} (n={result.tp[r] + result.fn[r]})" for r in RULES
    )
    out = [f"review: {result.reports} generated reports, review {result.seconds:.2f} s; {per_rule}"]
    out += [f"  review false: {k}" for k in result.false[:15]]
    out += [f"  review missed: {k}" for k in result.missed[:15]]
    return out


if __name__ == "__main__":
    print("\n".join(lines(run_review_eval())))
