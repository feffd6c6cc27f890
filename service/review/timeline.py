"""A body's years side by side (for the Records view): received, handled, carried, findings."""

from __future__ import annotations

from collections import defaultdict
from typing import TypedDict

from service.names import Bodies
from service.store import Store

COLUMNS = {
    "received": "applications.new_received.total",
    "handled": "applications.results_total.total",
    "carried_over": "applications.carried_over.total",
    "carried_forward": "applications.carried_forward.total",
}
LABELS = {
    "received": "本年新收",
    "handled": "办理结果总计",
    "carried_over": "上年结转",
    "carried_forward": "结转下年度",
    "findings": "发现的问题",
}


class TimelineRow(TypedDict):
    """One report of one body: its year, its table 三 totals and its number of findings (both origins)."""

    issuer: str  # the body (issuer names normalised, see service.names)
    year: int
    received: int | float | None
    handled: int | float | None
    carried_over: int | float | None
    carried_forward: int | float | None
    findings: int
    report_id: str
    report_issuer: str  # the issuer as that year's report writes it


def timeline(store: Store, *, issuer: str | None = None, aliases: dict[str, str] | None = None) -> list[TimelineRow]:
    """Rows sorted by body and year; ``issuer`` keeps one body (any of its names)."""
    reports = [r for r in store.reports() if r.issuer and r.year is not None]
    bodies = Bodies((r.issuer for r in reports if r.issuer), aliases)
    wanted = bodies.key(issuer) if issuer else None
    values: dict[str, dict[str, int | float | None]] = defaultdict(dict)
    for cell in store.query_cells(list(COLUMNS.values())):
        values[cell.report_id][cell.path] = cell.number
    rows: list[TimelineRow] = []
    for r in reports:
        assert r.issuer is not None and r.year is not None
        body = bodies.key(r.issuer)
        if wanted is not None and body != wanted:
            continue
        own = values.get(r.report_id, {})
        rows.append(
            TimelineRow(
                issuer=body,
                year=r.year,
                received=own.get(COLUMNS["received"]),
                handled=own.get(COLUMNS["handled"]),
                carried_over=own.get(COLUMNS["carried_over"]),
                carried_forward=own.get(COLUMNS["carried_forward"]),
                findings=r.findings,
                report_id=r.report_id,
                report_issuer=r.issuer,
            )
        )
    return sorted(rows, key=lambda row: (row["issuer"], row["year"], row["report_id"]))


def pivot(rows: list[TimelineRow], body: str) -> list[list[object]]:
    """One body's rows with the years as columns: a header row, then one row per LABELS entry."""
    mine = [r for r in rows if r["issuer"] == body]
    table: list[list[object]] = [["", *(f"{r['year']}年" for r in mine)]]
    for key, label in LABELS.items():
        table.append([label, *(r[key] for r in mine)])  # type: ignore[literal-required]
    return table
