"""What a question can ask about: every row and column of tables 二/三/四 (and two prose numbers), with the words
people use for them.

A subject is a row and a column, both named in Chinese (the names the query model carries and the LLM planner
chooses from). A row may stand for several official rows (不予公开 = its eight reasons; 行政诉讼 = both kinds) and
a column for several columns (法人或其他组织 = the five kinds of organisation): the subject's value in one report
is the sum of its cells, and every cell is cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from service.schema.fields import (
    APPLICANT_COLUMNS,
    OTHER_HANDLING,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    T2_ROWS_2019,
    T2_ROWS_2021,
    T3_ROWS_2021,
)

T3 = "applications"
T4 = "reviews"
ORGANISATIONS = (
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


@dataclass(frozen=True)
class RowDef:
    """A row people ask about: its name, the official rows it covers, its columns, its words."""

    name: str
    table: str  # 一 二 三 四 (一 and 六: numbers stated in the prose)
    rows: tuple[str, ...]  # path prefixes, e.g. applications.new_received
    columns: str  # applicant | review | t2 | none
    words: tuple[str, ...]
    unit: str = "件"
    cells: tuple[tuple[str, tuple[str, ...]], ...] = ()  # t2: column name -> cell keys (2021 and 2019)


def _t3(key: str) -> str:
    return f"{T3}.{key}"


def _group(prefix: str) -> tuple[str, ...]:
    return tuple(_t3(r.key) for r in T3_ROWS_2021 if r.key.startswith(prefix))


_DOCS = (
    ("本年制发", ("issued", "made")),
    ("本年废止", ("repealed",)),
    ("现行有效", ("in_force",)),
    ("本年新公开", ("published",)),
    ("对外公开总数", ("total_published",)),
)
_DECISIONS = (("处理决定数量", ("decisions",)),)

ROWS: tuple[RowDef, ...] = (
    # table 三
    RowDef(
        "本年新收",
        "三",
        (_t3("new_received"),),
        "applicant",
        ("本年新收", "新收", "收到", "受理", "申请量", "申请数", "申请人数", "提出申请", "申请"),
    ),
    RowDef("上年结转", "三", (_t3("carried_over"),), "applicant", ("上年结转", "上年度结转", "去年结转", "结转过来")),
    RowDef("予以公开", "三", (_t3("granted"),), "applicant", ("予以公开", "全部公开", "同意公开", "公开了")),
    RowDef("部分公开", "三", (_t3("partially_granted"),), "applicant", ("部分公开", "区分处理")),
    RowDef("不予公开", "三", _group("withheld_"), "applicant", ("不予公开", "不公开", "拒绝公开", "不能公开")),
    RowDef("属于国家秘密", "三", (_t3("withheld_state_secret"),), "applicant", ("国家秘密", "涉密", "保密")),
    RowDef(
        "其他法律行政法规禁止公开",
        "三",
        (_t3("withheld_prohibited_by_law"),),
        "applicant",
        ("法律行政法规禁止", "法律法规禁止", "禁止公开"),
    ),
    RowDef(
        "危及“三安全一稳定”",
        "三",
        (_t3("withheld_security_stability"),),
        "applicant",
        ("三安全一稳定", "危及安全", "安全稳定"),
    ),
    RowDef("保护第三方合法权益", "三", (_t3("withheld_third_party_rights"),), "applicant", ("第三方", "他人合法权益")),
    RowDef("属于三类内部事务信息", "三", (_t3("withheld_internal_affairs"),), "applicant", ("内部事务",)),
    RowDef("属于四类过程性信息", "三", (_t3("withheld_process_information"),), "applicant", ("过程性信息", "过程性")),
    RowDef("属于行政执法案卷", "三", (_t3("withheld_enforcement_files"),), "applicant", ("执法案卷",)),
    RowDef("属于行政查询事项", "三", (_t3("withheld_administrative_inquiry"),), "applicant", ("行政查询", "查询事项")),
    RowDef("无法提供", "三", _group("unable_"), "applicant", ("无法提供", "提供不了", "没法提供")),
    RowDef(
        "本机关不掌握相关政府信息",
        "三",
        (_t3("unable_not_held"),),
        "applicant",
        ("不掌握", "信息不存在", "没有该信息", "没有这个信息"),
    ),
    RowDef("没有现成信息需要另行制作", "三", (_t3("unable_needs_creation"),), "applicant", ("另行制作", "没有现成")),
    RowDef(
        "补正后申请内容仍不明确",
        "三",
        (_t3("unable_unclear_after_amendment"),),
        "applicant",
        ("仍不明确", "补正后", "内容不明确"),
    ),
    RowDef("不予处理", "三", _group("not_processed_"), "applicant", ("不予处理", "不处理")),
    RowDef(
        "信访举报投诉类申请", "三", (_t3("not_processed_petition_complaint"),), "applicant", ("信访", "举报", "投诉")
    ),
    RowDef("重复申请", "三", (_t3("not_processed_duplicate"),), "applicant", ("重复申请",)),
    RowDef("要求提供公开出版物", "三", (_t3("not_processed_publication"),), "applicant", ("出版物",)),
    RowDef(
        "无正当理由大量反复申请", "三", (_t3("not_processed_mass_repeated"),), "applicant", ("大量反复", "反复申请")
    ),
    RowDef(
        "要求确认或重新出具已获取信息",
        "三",
        (_t3("not_processed_confirm_or_reissue"),),
        "applicant",
        ("重新出具", "确认或重新"),
    ),
    RowDef(
        "其他处理",
        "三",
        (_t3("other_no_amendment"), _t3("other_unpaid_fee"), _t3("other_other"), _t3(OTHER_HANDLING.key)),
        "applicant",
        ("其他处理",),
    ),
    RowDef("逾期不补正", "三", (_t3("other_no_amendment"),), "applicant", ("不补正", "逾期不补正", "未补正")),
    RowDef("逾期未缴费", "三", (_t3("other_unpaid_fee"),), "applicant", ("未缴纳", "未缴费", "不缴费", "收费通知")),
    RowDef(
        "办理结果总计",
        "三",
        (_t3("results_total"),),
        "applicant",
        ("办理结果总计", "办结", "办理完", "处理完", "答复了", "已答复", "办理了", "处理了", "办件"),
    ),
    RowDef(
        "结转下年度继续办理",
        "三",
        (_t3("carried_forward"),),
        "applicant",
        ("结转下年", "结转到下", "结转至下", "转入下一年", "下年度继续办理", "结转到明年", "未办结", "没办完"),
    ),
    # table 四
    RowDef("行政复议", "四", (f"{T4}.administrative_review",), "review", ("行政复议", "复议")),
    RowDef(
        "行政诉讼",
        "四",
        (f"{T4}.litigation_direct", f"{T4}.litigation_after_review"),
        "review",
        ("行政诉讼", "诉讼", "起诉", "被告", "打官司", "告上法庭"),
    ),
    RowDef(
        "未经复议直接起诉",
        "四",
        (f"{T4}.litigation_direct",),
        "review",
        ("未经复议", "直接起诉", "没有复议", "没经过复议", "不经复议"),
    ),
    RowDef("复议后起诉", "四", (f"{T4}.litigation_after_review",), "review", ("复议后起诉", "复议后", "复议之后")),
    # table 二
    RowDef("规章", "二", ("active_disclosure.rules",), "t2", ("规章",), cells=_DOCS),
    RowDef(
        "行政规范性文件",
        "二",
        ("active_disclosure.normative_documents",),
        "t2",
        ("规范性文件", "红头文件"),
        cells=_DOCS,
    ),
    RowDef("行政许可", "二", ("active_disclosure.licensing",), "t2", ("行政许可", "许可"), cells=_DECISIONS),
    RowDef("行政处罚", "二", ("active_disclosure.punishment",), "t2", ("行政处罚", "处罚"), cells=_DECISIONS),
    RowDef("行政强制", "二", ("active_disclosure.enforcement",), "t2", ("行政强制", "强制"), cells=_DECISIONS),
    RowDef(
        "其他对外管理服务事项",
        "二",
        ("active_disclosure.other_services",),
        "t2",
        ("对外管理服务",),
        cells=_DECISIONS,
    ),
    RowDef(
        "行政事业性收费",
        "二",
        ("active_disclosure.fees",),
        "t2",
        ("行政事业性收费", "收费金额", "收费"),
        unit="万元",
        cells=(("本年收费金额", ("amount_wan_yuan",)),),
    ),
    RowDef(
        "政府集中采购",
        "二",
        ("active_disclosure.procurement",),
        "t2",
        ("集中采购", "政府采购", "采购"),
        unit="项",
        cells=(("采购项目数量", ("items",)), ("采购总金额", ("amount_wan_yuan",))),
    ),
    # numbers stated in the prose
    RowDef(
        "主动公开信息条数",
        "一",
        ("narrative.proactive_items",),
        "none",
        ("主动公开", "发布信息", "公开信息", "发布政府信息", "公开政府信息"),
        unit="条",
    ),
    RowDef("信息处理费", "六", ("narrative.fee_collected_yuan",), "none", ("信息处理费",), unit="元"),
)
ROW_BY_NAME = {r.name: r for r in ROWS}

APPLICANT_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("自然人", ("natural_person",), ("自然人", "个人", "群众", "公民", "老百姓")),
    ("法人或其他组织", ORGANISATIONS, ("法人或其他组织", "法人和其他组织", "法人", "单位申请", "组织申请")),
    ("商业企业", ("commercial_enterprise",), ("商业企业", "企业", "公司")),
    ("科研机构", ("research_institution",), ("科研机构", "科研院所", "研究机构")),
    ("社会公益组织", ("public_interest_org",), ("社会公益组织", "公益组织")),
    ("法律服务机构", ("legal_service_org",), ("法律服务机构", "律师事务所", "律所", "律师")),
    ("其他", ("other_org",), ("其他组织", "其他申请人")),
    ("总计", ("total",), ("总计", "总数", "合计数")),
)
REVIEW_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("结果维持", ("upheld",), ("结果维持", "维持")),
    ("结果纠正", ("corrected",), ("结果纠正", "纠正", "纠错", "撤销")),
    ("其他结果", ("other",), ("其他结果",)),
    ("尚未审结", ("pending",), ("尚未审结", "未审结", "没审结", "还在审", "在审")),
    ("总计", ("total",), ("总计", "总数")),
)
T2_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("本年制发", ("issued", "made"), ("本年制发", "制发", "新制定", "制定了", "出台", "印发", "新制作")),
    ("本年废止", ("repealed",), ("本年废止", "废止")),
    ("现行有效", ("in_force",), ("现行有效", "有效的", "现行")),
    ("本年新公开", ("published",), ("新公开",)),
    ("对外公开总数", ("total_published",), ("对外公开总数",)),
    ("处理决定数量", ("decisions",), ("处理决定", "决定数")),
    ("本年收费金额", ("amount_wan_yuan",), ("收费金额",)),
    ("采购项目数量", ("items",), ("采购项目",)),
    ("采购总金额", ("amount_wan_yuan",), ("采购金额", "采购总金额")),
)


def default_column(row: RowDef) -> str:
    """The column a row means when none is named (总计; table 二: its first cell)."""
    if row.columns == "t2":
        return row.cells[0][0]
    return "总计" if row.columns in ("applicant", "review") else ""


def columns_of(row: RowDef) -> tuple[str, ...]:
    """The column names a row has."""
    if row.columns == "applicant":
        return tuple(a[0] for a in APPLICANT_WORDS)
    if row.columns == "review":
        return tuple(r[0] for r in REVIEW_WORDS)
    if row.columns == "t2":
        return tuple(c[0] for c in row.cells)
    return ("",)


def paths_of(row: RowDef, column: str) -> tuple[str, ...]:
    """The cell paths a subject sums in one report (alternatives of the 2019 and 2021 layouts included)."""
    if row.columns == "none":
        return row.rows
    if row.columns == "t2":
        keys = dict(row.cells).get(column, ())
    else:
        table = APPLICANT_WORDS if row.columns == "applicant" else REVIEW_WORDS
        keys = next((k for name, k, _ in table if name == column), ())
    return tuple(f"{prefix}.{key}" for prefix in row.rows for key in keys)


@cache
def cell_labels(path: str) -> tuple[str, str, str]:
    """(table, official row label, official column label) of a cell path, for citations."""
    head, row, cell = (path.split(".") + ["", ""])[:3]
    if head == T3:
        found = next((r for r in (*T3_ROWS_2021, OTHER_HANDLING) if r.key == row), None)
        label = (f"{found.group}{found.label}" if found and found.group else found.label) if found else row
        return "三", label, dict(APPLICANT_COLUMNS).get(cell, cell)
    if head == T4:
        return "四", dict(REVIEW_GROUPS).get(row, row), dict(REVIEW_COLUMNS).get(cell, cell)
    if head == "active_disclosure":
        for t2 in (*T2_ROWS_2021, *T2_ROWS_2019):
            if t2.key == row and cell in dict(t2.cells):
                return "二", t2.label, dict(t2.cells)[cell]
        return "二", row, cell
    if path == "narrative.fee_collected_yuan":
        return "六", "实际收取信息处理费金额（元）", ""
    return "一", "全年主动公开政府信息条数", ""


def vocabulary() -> set[str]:
    """Every word of the catalogue (a body's short form must not be one of them)."""
    words = {w for r in ROWS for w in r.words} | {
        w for table in (APPLICANT_WORDS, REVIEW_WORDS) for *_, ws in table for w in ws
    }
    return words | {"政府", "信息", "公开", "工作", "报告", "年报"}
