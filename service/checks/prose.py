"""Prose against tables: the TX-* warnings."""

from __future__ import annotations

from service.schema.record import Finding, Value

Values = dict[str, Value]

# rule, prose key, table paths summed, what the prose says
TX_RULES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("TX-NEW", "applications_received", ("applications.new_received.total",), "本年收到申请"),
    ("TX-CARRY-IN", "applications_carried_in", ("applications.carried_over.total",), "上年结转"),
    ("TX-DONE", "applications_done", ("applications.results_total.total",), "办结"),
    ("TX-CARRY-OUT", "applications_carried_out", ("applications.carried_forward.total",), "结转下年度"),
    ("TX-REVIEW", "reviews", ("reviews.administrative_review.total",), "行政复议"),
    (
        "TX-LIT",
        "litigation",
        ("reviews.litigation_direct.total", "reviews.litigation_after_review.total"),
        "行政诉讼",
    ),
    ("TX-NORM", "normative_issued", ("active_disclosure.normative_documents.issued",), "制发行政规范性文件"),
    ("TX-NORM", "normative_repealed", ("active_disclosure.normative_documents.repealed",), "废止行政规范性文件"),
    ("TX-NORM", "normative_in_force", ("active_disclosure.normative_documents.in_force",), "现行有效行政规范性文件"),
)


def check_prose(
    values: Values, stated: dict[str, int | float], *, fee_mentioned: bool, format_version: str | None
) -> list[Finding]:
    """A number in the prose that disagrees with the table; section 六 silent on 信息处理费 (2021 format only:
    the fee rules, 国办函〔2020〕109号, postdate the 2019 format)."""
    findings: list[Finding] = []
    for rule, key, paths, what in TX_RULES:
        said = stated.get(key)
        got = [values.get(p) for p in paths]
        if said is None or any(v is None for v in got):
            continue
        table = sum(got)  # type: ignore[arg-type]
        if table != said:
            cells = [f"narrative.{key}"] if key in ("applications_received",) else []
            findings.append(
                Finding(
                    rule=rule,
                    severity="warning",
                    message=f"正文称{what} {said} 件，表格为 {table} 件",
                    cells=[*cells, *paths],
                    expected=table,
                    actual=said,
                )
            )
    if not fee_mentioned and format_version != "2019":
        findings.append(
            Finding(
                rule="TX-FEE",
                severity="warning",
                message="六、其他需要报告的事项 未说明信息处理费收取情况",
                cells=["narrative.fee_collected_yuan"],
            )
        )
    return findings
