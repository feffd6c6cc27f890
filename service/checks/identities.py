"""The arithmetic identities of tables 3 and 4 (勾稽关系). An identity with a null term is not assessed."""

from __future__ import annotations

from service.schema.fields import (
    APPLICANT_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    Row,
    label_of,
    t3_rows,
)
from service.schema.record import Finding, Value

Values = dict[str, Value]


def _known(values: Values, paths: list[str]) -> list[int | float] | None:
    got = [values.get(p) for p in paths]
    return None if any(v is None for v in got) else got  # type: ignore[return-value]


def _short(path: str) -> str:
    return label_of(path).split(" / ")[0]


def check_t3(values: Values, single_other_row: bool = False) -> list[Finding]:
    """T3-ROW per row, T3-SUM and T3-BAL per column."""
    rows: tuple[Row, ...] = t3_rows(single_other_row)
    findings: list[Finding] = []
    cols = [key for key, _ in APPLICANT_COLUMNS]
    for row in rows:
        paths = [f"applications.{row.key}.{c}" for c in cols]
        got = _known(values, paths)
        if got is not None and sum(got[:-1]) != got[-1]:
            findings.append(
                Finding(
                    rule="T3-ROW",
                    severity="error",
                    message=f"表三 {_short(paths[0])}：六类申请人之和 {sum(got[:-1])} ≠ 总计 {got[-1]}",
                    cells=paths,
                    expected=sum(got[:-1]),
                    actual=got[-1],
                )
            )
    leaves = [row.key for row in rows if row.leaf]
    for col, label in APPLICANT_COLUMNS:
        total_path = f"applications.results_total.{col}"
        leaf_paths = [f"applications.{k}.{col}" for k in leaves]
        got = _known(values, [*leaf_paths, total_path])
        if got is not None and sum(got[:-1]) != got[-1]:
            findings.append(
                Finding(
                    rule="T3-SUM",
                    severity="error",
                    message=f"表三 {label}列：办理结果各项之和 {sum(got[:-1])} ≠（七）总计 {got[-1]}",
                    cells=[*leaf_paths, total_path],
                    expected=sum(got[:-1]),
                    actual=got[-1],
                )
            )
        terms = [
            f"applications.{k}.{col}" for k in ("new_received", "carried_over", "results_total", "carried_forward")
        ]
        got = _known(values, terms)
        if got is not None and got[0] + got[1] != got[2] + got[3]:
            findings.append(
                Finding(
                    rule="T3-BAL",
                    severity="error",
                    message=(
                        f"表三 {label}列：本年新收 {got[0]} + 上年结转 {got[1]} ≠ "
                        f"办理结果总计 {got[2]} + 结转下年度 {got[3]}"
                    ),
                    cells=terms,
                    expected=got[0] + got[1],
                    actual=got[2] + got[3],
                )
            )
    return findings


def check_t4(values: Values) -> list[Finding]:
    """T4-SUM per review group."""
    findings: list[Finding] = []
    for group, label in REVIEW_GROUPS:
        paths = [f"reviews.{group}.{c}" for c, _ in REVIEW_COLUMNS]
        got = _known(values, paths)
        if got is not None and sum(got[:-1]) != got[-1]:
            findings.append(
                Finding(
                    rule="T4-SUM",
                    severity="error",
                    message=f"表四 {label}：结果维持+结果纠正+其他结果+尚未审结 = {sum(got[:-1])} ≠ 总计 {got[-1]}",
                    cells=paths,
                    expected=sum(got[:-1]),
                    actual=got[-1],
                )
            )
    return findings


def identity_groups(single_other_row: bool = False) -> list[tuple[list[str], list[str]]]:
    """Every identity of tables 三 and 四 as (cells on the left, cells on the right): left sums = right sums."""
    rows: tuple[Row, ...] = t3_rows(single_other_row)
    cols = [key for key, _ in APPLICANT_COLUMNS]
    groups = [([f"applications.{r.key}.{c}" for c in cols[:-1]], [f"applications.{r.key}.total"]) for r in rows]
    leaves = [row.key for row in rows if row.leaf]
    for col in cols:
        groups.append(([f"applications.{k}.{col}" for k in leaves], [f"applications.results_total.{col}"]))
        groups.append(
            (
                [f"applications.new_received.{col}", f"applications.carried_over.{col}"],
                [f"applications.results_total.{col}", f"applications.carried_forward.{col}"],
            )
        )
    for group, _ in REVIEW_GROUPS:
        paths = [f"reviews.{group}.{c}" for c, _ in REVIEW_COLUMNS]
        groups.append((paths[:-1], paths[-1:]))
    return groups


def confirmed_by_identity(values: Values, path: str, single_other_row: bool = False) -> bool:
    """Some identity holding ``path`` has every term read and holds: the value adds up with the others."""
    for left, right in identity_groups(single_other_row):
        if path not in left and path not in right:
            continue
        a, b = _known(values, left), _known(values, right)
        if a is not None and b is not None and sum(a) == sum(b):
            return True
    return False
