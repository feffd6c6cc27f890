"""The form's cells and labels (format.md §1.4 / §1.6), the Variant record and cell text."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

Cells = dict[str, Any]  # cell path -> value (None = null); a missing key = absent
Finding = dict[str, Any]
Gold = dict[str, Any]
Prose = dict[int, list[str]]
Reading = tuple[Any, ...]
Block = tuple[str, ...]
RowSpec = tuple[str, str, str, str]  # (row key, kind top|single|sub, label, group label or "")

# ---------------------------------------------------------------------------------------------
# The form (labels verbatim from format.md §1.4 / §1.6)
# ---------------------------------------------------------------------------------------------

NOTE_T3 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADER = "申请人情况"
ORG_HEADER = "法人或其他组织"

COLS = [
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_interest_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]
COL_KEYS = [c for c, _ in COLS]
APPL_COLS = COL_KEYS[:6]

RESULTS_LABEL = "三、本年度办理结果"

# (row key, kind, label, group label)   kind: top | single | sub
_ROWS_HEAD: list[RowSpec] = [
    ("new_received", "top", "一、本年新收政府信息公开申请数量", ""),
    ("carried_over", "top", "二、上年结转政府信息公开申请数量", ""),
    ("granted", "single", "（一）予以公开", ""),
    ("partially_granted", "single", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("withheld_state_secret", "sub", "1.属于国家秘密", "（三）不予公开"),
    ("withheld_prohibited_by_law", "sub", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("withheld_security_stability", "sub", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("withheld_third_party_rights", "sub", "4.保护第三方合法权益", "（三）不予公开"),
    ("withheld_internal_affairs", "sub", "5.属于三类内部事务信息", "（三）不予公开"),
    ("withheld_process_information", "sub", "6.属于四类过程性信息", "（三）不予公开"),
    ("withheld_enforcement_files", "sub", "7.属于行政执法案卷", "（三）不予公开"),
    ("withheld_administrative_inquiry", "sub", "8.属于行政查询事项", "（三）不予公开"),
    ("unable_not_held", "sub", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unable_needs_creation", "sub", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("unable_unclear_after_amendment", "sub", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("not_processed_petition_complaint", "sub", "1.信访举报投诉类申请", "（五）不予处理"),
    ("not_processed_duplicate", "sub", "2.重复申请", "（五）不予处理"),
    ("not_processed_publication", "sub", "3.要求提供公开出版物", "（五）不予处理"),
    ("not_processed_mass_repeated", "sub", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("not_processed_confirm_or_reissue", "sub", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
]
_ROWS_OTHER_2021: list[RowSpec] = [
    ("other_no_amendment", "sub", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    (
        "other_unpaid_fee",
        "sub",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    ("other_other", "sub", "3.其他", "（六）其他处理"),
]
_ROWS_OTHER_SINGLE: list[RowSpec] = [("other_handling", "single", "（六）其他处理", "")]
_ROWS_TAIL: list[RowSpec] = [
    ("results_total", "single", "（七）总计", ""),
    ("carried_forward", "top", "四、结转下年度继续办理", ""),
]
OTHER_SPLIT_KEYS = [r[0] for r in _ROWS_OTHER_2021]


def t3_rows(single_other: bool) -> list[RowSpec]:
    return _ROWS_HEAD + (_ROWS_OTHER_SINGLE if single_other else _ROWS_OTHER_2021) + _ROWS_TAIL


def t3_leaves(single_other: bool) -> list[str]:
    return [k for k, kind, _, _ in t3_rows(single_other) if kind in ("single", "sub") and k != "results_total"]


T4_GROUPS = [
    ("administrative_review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
]
T4_FIELDS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]

AD = "active_disclosure."
# block header, column headers, rows [(label, [paths])]
T2_2021 = [
    (
        "第二十条第（一）项",
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        [
            ("规章", [AD + "rules.issued", AD + "rules.repealed", AD + "rules.in_force"]),
            (
                "行政规范性文件",
                [
                    AD + "normative_documents.issued",
                    AD + "normative_documents.repealed",
                    AD + "normative_documents.in_force",
                ],
            ),
        ],
    ),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [("行政许可", [AD + "licensing.decisions"])]),
    (
        "第二十条第（六）项",
        ["信息内容", "本年处理决定数量"],
        [
            ("行政处罚", [AD + "punishment.decisions"]),
            ("行政强制", [AD + "enforcement.decisions"]),
        ],
    ),
    (
        "第二十条第（八）项",
        ["信息内容", "本年收费金额（单位：万元）"],
        [("行政事业性收费", [AD + "fees.amount_wan_yuan"])],
    ),
]
_PREV3 = ["上一年项目数量", "本年增/减", "处理决定数量"]
T2_2019 = [
    (
        "第二十条第（一）项",
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        [
            ("规章", [AD + "rules.made", AD + "rules.published", AD + "rules.total_published"]),
            (
                "规范性文件",
                [
                    AD + "normative_documents.made",
                    AD + "normative_documents.published",
                    AD + "normative_documents.total_published",
                ],
            ),
        ],
    ),
    (
        "第二十条第（五）项",
        ["信息内容"] + _PREV3,
        [
            ("行政许可", [AD + "licensing.previous_items", AD + "licensing.change", AD + "licensing.decisions"]),
            (
                "其他对外管理服务事项",
                [AD + "other_services.previous_items", AD + "other_services.change", AD + "other_services.decisions"],
            ),
        ],
    ),
    (
        "第二十条第（六）项",
        ["信息内容"] + _PREV3,
        [
            ("行政处罚", [AD + "punishment.previous_items", AD + "punishment.change", AD + "punishment.decisions"]),
            ("行政强制", [AD + "enforcement.previous_items", AD + "enforcement.change", AD + "enforcement.decisions"]),
        ],
    ),
    (
        "第二十条第（八）项",
        ["信息内容", "上一年项目数量", "本年增/减"],
        [
            ("行政事业性收费", [AD + "fees.previous_items", AD + "fees.change"]),
        ],
    ),
    (
        "第二十条第（九）项",
        ["信息内容", "采购项目数量", "采购总金额"],
        [
            ("政府集中采购", [AD + "procurement.items", AD + "procurement.amount_wan_yuan"]),
        ],
    ),
]
T2_WIDTH = 4  # label + 3 value columns

SECTION_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}

NARRATIVE_PATHS = ["narrative.proactive_items", "narrative.applications_received", "narrative.fee_collected_yuan"]
ARITH_RULES = {"T3-ROW", "T3-SUM", "T3-BAL", "T4-SUM"}


def p3(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def p4(group: str, fld: str) -> str:
    return f"reviews.{group}.{fld}"


def all_paths(version: str, single_other: bool) -> list[str]:
    """Cell paths of one variant, in a stable order (table 2, 3, 4, narrative)."""
    out: list[str] = []
    for _, _, rows in T2_2019 if version == "2019" else T2_2021:
        for _, paths in rows:
            out.extend(paths)
    for key, _, _, _ in t3_rows(single_other):
        out.extend(p3(key, c) for c in COL_KEYS)
    for g, _ in T4_GROUPS:
        out.extend(p4(g, f) for f, _ in T4_FIELDS)
    out.extend(NARRATIVE_PATHS)
    return out


def seeded(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


# ---------------------------------------------------------------------------------------------
# Variant model
# ---------------------------------------------------------------------------------------------


@dataclass
class Variant:
    gold_id: str
    layout: str
    fmt: str  # txt | html | docx | pdf
    encoding: str
    meta: dict[str, Any]
    version: str  # "2021" | "2019"
    single_other: bool
    values: Cells  # path -> value (None = null); a missing key = absent (rendered "/")
    prose: Prose  # {1: [...], 5: [...], 6: [...]}
    gold_ambiguous: list[str] = field(default_factory=list)  # paths absent because ambiguous in gold
    findings: list[Finding] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    status: str = "ok"
    extra_meta: dict[str, Any] = field(default_factory=dict)
    prose_pins: dict[str, Any] = field(default_factory=dict)  # table cells the prose of section 一 names

    @property
    def ext(self) -> str:
        return {"txt": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}[self.fmt]

    @property
    def t2(self) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
        return T2_2019 if self.version == "2019" else T2_2021


def fmt_value(v: Any, present: bool, null_text: str) -> str:
    if not present:
        return "/"
    if v is None:
        return null_text
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = repr(v)
        return s[:-2] if s.endswith(".0") else s
    return str(v)


def cell_text(var: Variant, path: str, null_text: str = "") -> str:
    present = path in var.values
    s = fmt_value(var.values.get(path), present, null_text)
    if present and var.values.get(path) is not None and path.endswith("procurement.amount_wan_yuan"):
        s += "万元"
    return s
