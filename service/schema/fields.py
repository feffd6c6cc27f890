"""The cell layout of the national format: rows, columns, cell paths and official labels.

Glossary (path key -> official label) for table 3 rows; the columns are the six applicant kinds plus 总计.
Keys follow the official table positions, not the label text (其他 is both a column and a row).
"""

from __future__ import annotations

from dataclasses import dataclass

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_interest_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
COLUMN_KEYS = tuple(key for key, _ in APPLICANT_COLUMNS)
COLUMN_LABELS = dict(APPLICANT_COLUMNS)


@dataclass(frozen=True)
class Row:
    """One value row of table 3."""

    key: str
    label: str
    group: str  # "" for rows outside 三、本年度办理结果
    leaf: bool  # counted in 三（七）总计


T3_ROWS_2021: tuple[Row, ...] = (
    Row("new_received", "一、本年新收政府信息公开申请数量", "", False),
    Row("carried_over", "二、上年结转政府信息公开申请数量", "", False),
    Row("granted", "（一）予以公开", "", True),
    Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", True),
    Row("withheld_state_secret", "1.属于国家秘密", "（三）不予公开", True),
    Row("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开", True),
    Row("withheld_security_stability", "3.危及“三安全一稳定”", "（三）不予公开", True),
    Row("withheld_third_party_rights", "4.保护第三方合法权益", "（三）不予公开", True),
    Row("withheld_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开", True),
    Row("withheld_process_information", "6.属于四类过程性信息", "（三）不予公开", True),
    Row("withheld_enforcement_files", "7.属于行政执法案卷", "（三）不予公开", True),
    Row("withheld_administrative_inquiry", "8.属于行政查询事项", "（三）不予公开", True),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", True),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供", True),
    Row("unable_unclear_after_amendment", "3.补正后申请内容仍不明确", "（四）无法提供", True),
    Row("not_processed_petition_complaint", "1.信访举报投诉类申请", "（五）不予处理", True),
    Row("not_processed_duplicate", "2.重复申请", "（五）不予处理", True),
    Row("not_processed_publication", "3.要求提供公开出版物", "（五）不予处理", True),
    Row("not_processed_mass_repeated", "4.无正当理由大量反复申请", "（五）不予处理", True),
    Row("not_processed_confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", True),
    Row(
        "other_no_amendment",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
        True,
    ),
    Row(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
        True,
    ),
    Row("other_other", "3.其他", "（六）其他处理", True),
    Row("results_total", "（七）总计", "", False),
    Row("carried_forward", "四、结转下年度继续办理", "", False),
)
OTHER_HANDLING = Row("other_handling", "（六）其他处理", "", True)
OTHER_SUBROWS = ("other_no_amendment", "other_unpaid_fee", "other_other")


def t3_rows(single_other_row: bool) -> tuple[Row, ...]:
    """Table 3 rows in order; the 2019 layout has one （六）其他处理 row instead of three."""
    if not single_other_row:
        return T3_ROWS_2021
    rows: list[Row] = []
    for row in T3_ROWS_2021:
        if row.key == "other_no_amendment":
            rows.append(OTHER_HANDLING)
        elif row.key not in OTHER_SUBROWS:
            rows.append(row)
    return tuple(rows)


REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("administrative_review", "行政复议"),
    ("litigation_direct", "行政诉讼 未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼 复议后起诉"),
)
REVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


@dataclass(frozen=True)
class T2Row:
    """One row of table 2 in one format: its label and the cell keys in column order."""

    key: str
    label: str
    block: str
    cells: tuple[tuple[str, str], ...]  # (cell key, column label)


_DECISIONS = (("decisions", "本年处理决定数量"),)
_ITEMS_2019 = (("previous_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))
_DOCS_2021 = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
_DOCS_2019 = (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total_published", "对外公开总数量"))

T2_ROWS_2021: tuple[T2Row, ...] = (
    T2Row("rules", "规章", "第二十条第（一）项", _DOCS_2021),
    T2Row("normative_documents", "行政规范性文件", "第二十条第（一）项", _DOCS_2021),
    T2Row("licensing", "行政许可", "第二十条第（五）项", _DECISIONS),
    T2Row("punishment", "行政处罚", "第二十条第（六）项", _DECISIONS),
    T2Row("enforcement", "行政强制", "第二十条第（六）项", _DECISIONS),
    T2Row("fees", "行政事业性收费", "第二十条第（八）项", (("amount_wan_yuan", "本年收费金额（单位：万元）"),)),
)
T2_ROWS_2019: tuple[T2Row, ...] = (
    T2Row("rules", "规章", "第二十条第（一）项", _DOCS_2019),
    T2Row("normative_documents", "规范性文件", "第二十条第（一）项", _DOCS_2019),
    T2Row("licensing", "行政许可", "第二十条第（五）项", _ITEMS_2019),
    T2Row("other_services", "其他对外管理服务事项", "第二十条第（五）项", _ITEMS_2019),
    T2Row("punishment", "行政处罚", "第二十条第（六）项", _ITEMS_2019),
    T2Row("enforcement", "行政强制", "第二十条第（六）项", _ITEMS_2019),
    T2Row("fees", "行政事业性收费", "第二十条第（八）项", _ITEMS_2019[:2]),
    T2Row(
        "procurement",
        "政府集中采购",
        "第二十条第（九）项",
        (("items", "采购项目数量"), ("amount_wan_yuan", "采购总金额")),
    ),
)
SIGNED_CELLS = frozenset({"change"})
AMOUNT_CELLS = frozenset({"amount_wan_yuan"})

NARRATIVE_LABELS = {
    "proactive_items": "总体情况：全年主动公开政府信息条数",
    "applications_received": "总体情况：文中写明的本年收到/受理依申请公开件数",
    "fee_collected_yuan": "其他需要报告的事项：实际收取信息处理费金额（元）",
}


def t2_rows(format_version: str | None) -> tuple[T2Row, ...]:
    """Table 2 rows of a format version (the 2021 layout when unknown)."""
    return T2_ROWS_2019 if format_version == "2019" else T2_ROWS_2021


def label_of(path: str) -> str:
    """The official Chinese label of a cell path, e.g. ``一、本年新收政府信息公开申请数量 / 自然人``."""
    parts = path.split(".")
    if parts[0] == "applications":
        row = next((r for r in (*T3_ROWS_2021, OTHER_HANDLING) if r.key == parts[1]), None)
        if row is not None:
            if row.group:
                name = f"三{row.group} {row.label}"
            else:
                name = f"三{row.label}" if row.label.startswith("（") else row.label
            return f"{name} / {COLUMN_LABELS[parts[2]]}"
    if parts[0] == "reviews":
        group = dict(REVIEW_GROUPS)[parts[1]]
        return f"{group} / {dict(REVIEW_COLUMNS)[parts[2]]}"
    if parts[0] == "active_disclosure":
        for t2 in (*T2_ROWS_2021, *T2_ROWS_2019):
            cells = dict(t2.cells)
            if t2.key == parts[1] and parts[2] in cells:
                return f"{t2.block} {t2.label} {cells[parts[2]]}"
    if parts[0] == "narrative":
        return NARRATIVE_LABELS.get(parts[1], path)
    return path


def all_cell_paths(format_version: str | None, single_other_row: bool = False) -> list[str]:
    """Every table cell path of a layout, in table order."""
    paths = [f"active_disclosure.{r.key}.{c}" for r in t2_rows(format_version) for c, _ in r.cells]
    paths += [f"applications.{r.key}.{c}" for r in t3_rows(single_other_row) for c in COLUMN_KEYS]
    paths += [f"reviews.{g}.{c}" for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS]
    return paths
