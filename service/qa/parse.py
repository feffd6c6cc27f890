"""Understanding a question offline: which reports (issuer, year), which cells, which operation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# concept: (trigger words, cell paths summed per report, unit, display name)
CONCEPTS: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (("行政复议",), ("reviews.administrative_review.total",), "件", "行政复议总数"),
    (
        ("行政诉讼", "诉讼"),
        ("reviews.litigation_direct.total", "reviews.litigation_after_review.total"),
        "件",
        "行政诉讼总数",
    ),
    (("上年结转",), ("applications.carried_over.total",), "件", "上年结转申请数"),
    (("结转下年", "结转到下", "结转至下"), ("applications.carried_forward.total",), "件", "结转下年度继续办理数"),
    (("办结", "办理结果总", "答复"), ("applications.results_total.total",), "件", "办理结果总计"),
    (("部分公开",), ("applications.partially_granted.total",), "件", "部分公开数"),
    (("予以公开", "全部公开"), ("applications.granted.total",), "件", "予以公开数"),
    (
        ("不予公开",),
        tuple(
            f"applications.withheld_{k}.total"
            for k in (
                "state_secret",
                "prohibited_by_law",
                "security_stability",
                "third_party_rights",
                "internal_affairs",
                "process_information",
                "enforcement_files",
                "administrative_inquiry",
            )
        ),
        "件",
        "不予公开数",
    ),
    (("不掌握",), ("applications.unable_not_held.total",), "件", "本机关不掌握相关政府信息数"),
    (
        ("无法提供",),
        (
            "applications.unable_not_held.total",
            "applications.unable_needs_creation.total",
            "applications.unable_unclear_after_amendment.total",
        ),
        "件",
        "无法提供数",
    ),
    (
        ("不予处理",),
        tuple(
            f"applications.not_processed_{k}.total"
            for k in ("petition_complaint", "duplicate", "publication", "mass_repeated", "confirm_or_reissue")
        ),
        "件",
        "不予处理数",
    ),
    (("信息处理费",), ("narrative.fee_collected_yuan",), "元", "收取的信息处理费"),
    (("行政事业性收费", "收费金额", "收费"), ("active_disclosure.fees.amount_wan_yuan",), "万元", "行政事业性收费金额"),
    (("行政处罚", "处罚"), ("active_disclosure.punishment.decisions",), "件", "行政处罚决定数"),
    (("行政许可", "许可"), ("active_disclosure.licensing.decisions",), "件", "行政许可决定数"),
    (("行政强制", "强制"), ("active_disclosure.enforcement.decisions",), "件", "行政强制决定数"),
    (("现行有效",), ("active_disclosure.normative_documents.in_force",), "件", "现行有效行政规范性文件数"),
    (("废止",), ("active_disclosure.normative_documents.repealed",), "件", "本年废止行政规范性文件数"),
    (("规范性文件",), ("active_disclosure.normative_documents.issued",), "件", "本年制发行政规范性文件数"),
    (("主动公开",), ("narrative.proactive_items",), "条", "主动公开政府信息条数"),
    (("申请", "依申请"), ("applications.new_received.total",), "件", "本年新收政府信息公开申请数"),
)
COLUMNS = {
    "自然人": "natural_person",
    "商业企业": "commercial_enterprise",
    "企业": "commercial_enterprise",
    "科研机构": "research_institution",
    "社会公益组织": "public_interest_org",
    "法律服务机构": "legal_service_org",
}
MAX_WORDS = ("最多", "最高", "最大", "最多的", "排名第一", "第一")
MIN_WORDS = ("最少", "最低", "最小")
SUM_WORDS = ("一共", "合计", "总共", "共计", "加起来", "总和")
ALL_WORDS = ("哪个", "哪些", "哪家", "各", "这些", "所有", "全部", "每个", "每份")
COUNT_WORDS = ("几个", "几份", "多少个", "多少份", "多少家")
RANK_WORDS = ("排名", "排序", "排列", "从高到低", "从多到少")
FINDING_WORDS = {
    "勾稽": ("T3-BAL", "T3-SUM", "T3-ROW", "T4-SUM"),
    "加不上": ("T3-BAL", "T3-SUM", "T3-ROW", "T4-SUM"),
    "算错": ("T3-BAL", "T3-SUM", "T3-ROW", "T4-SUM"),
    "照搬": ("Y-COPY",),
    "抄袭": ("Y-COPY",),
    "雷同": ("Y-COPY",),
    "重复上年": ("Y-COPY",),
    "结转数": ("Y-CARRY",),
    "前后对不上": ("Y-CARRY",),
    "存量": ("Y-NORM",),
    "正文与表格": ("TX-NEW", "TX-CARRY-IN", "TX-DONE", "TX-CARRY-OUT", "TX-REVIEW", "TX-LIT", "TX-NORM"),
    "不一致": ("TX-NEW", "TX-CARRY-IN", "TX-DONE", "TX-CARRY-OUT", "TX-REVIEW", "TX-LIT", "TX-NORM"),
    "信息处理费情况": ("TX-FEE",),
}
TEXT_WORDS = (
    "存在哪些问题",
    "存在什么问题",
    "什么问题",
    "哪些问题",
    "问题和",
    "如何",
    "怎样",
    "怎么",
    "措施",
    "做法",
    "情况如何",
    "介绍",
    "举措",
    "哪些工作",
    "改进",
)


BODY_KINDS = {
    "乡镇": ("镇", "乡", "街道"),
    "街道": ("街道",),
    "区县": ("区", "县"),
    "县区": ("区", "县"),
    "部门": ("厅", "局", "委", "办"),
    "厅局": ("厅", "局"),
}


@dataclass
class Question:
    """What a question asks, as far as offline rules can tell."""

    text: str
    issuers: list[str] = field(default_factory=list)
    unknown_issuer: str | None = None
    years: list[int] = field(default_factory=list)
    concept: int | None = None  # index into CONCEPTS
    column: str | None = None
    op: str = "value"  # value | max | min | sum | count | rank | list
    rules: tuple[str, ...] = ()
    route: str = "text"  # numbers | findings | text

    @property
    def paths(self) -> tuple[str, ...]:
        """Cell paths of the concept (the applicant column swapped in when one is named)."""
        if self.concept is None:
            return ()
        paths = CONCEPTS[self.concept][1]
        if self.column:
            paths = tuple(
                p.rsplit(".", 1)[0] + "." + self.column if p.startswith("applications.") else p for p in paths
            )
        return paths


def aliases(issuer: str) -> set[str]:
    """Ways a question may name a body: full name, without 人民政府/办公室, the last place name, 科技 for 科学技术."""
    names = {issuer}
    core = re.sub(r"(人民政府|政府|办公室|管委会)$", "", issuer)
    names.add(core)
    for cut in re.finditer(r"[省市县区州盟旗]", core):
        tail = core[cut.end() :]
        if len(tail) >= 2:
            names.add(tail)
    names |= {n.replace("科学技术", "科技") for n in names}
    return {n for n in names if len(n) >= 2}


_UNKNOWN_BODY = re.compile(r"([\u4e00-\u9fff]{2,12}(?:省|市|县|区|镇|乡|街道|厅|局|委员会|办公室))")


def parse(text: str, issuers: list[str], *, previous: Question | None = None) -> Question:
    """Read issuers, years, concept, column and operation from a question; fill gaps from the previous one."""
    q = Question(text=text)
    q.years = sorted({int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", text)})
    q.issuers = sorted(i for i in issuers if any(a in text for a in aliases(i)))
    kind = next((ends for word, ends in BODY_KINDS.items() if word in text), None)
    if not q.issuers and kind:
        core = {i: re.sub(r"(人民政府|政府)$", "", i) for i in issuers}
        q.issuers = sorted(i for i, name in core.items() if name.endswith(kind))
    if not q.issuers:
        body = _UNKNOWN_BODY.search(re.sub(r"(?:19|20)\d{2}\s*年", "", text))
        if body and not any(w in body.group(1) for w in (*ALL_WORDS, "报告", "乡镇")):
            q.unknown_issuer = body.group(1)
    for i, (words, _, _, _) in enumerate(CONCEPTS):
        if any(w in text for w in words):
            q.concept = i
            break
    q.column = next((col for word, col in COLUMNS.items() if word in text), None)
    q.rules = next((rules for word, rules in FINDING_WORDS.items() if word in text), ())
    if any(w in text for w in RANK_WORDS):
        q.op = "rank"
    elif any(w in text for w in MAX_WORDS):
        q.op = "max"
    elif any(w in text for w in MIN_WORDS):
        q.op = "min"
    elif any(w in text for w in COUNT_WORDS):
        q.op = "count"
    elif any(w in text for w in SUM_WORDS):
        q.op = "sum"
    elif not q.issuers and any(w in text for w in ALL_WORDS):
        q.op = "list"
    if previous is not None and _is_follow_up(text):
        q = _inherit(q, previous)
    if q.rules:
        q.route = "findings"
    elif q.concept is not None and not any(w in text for w in TEXT_WORDS):
        q.route = "numbers"
    return q


def _is_follow_up(text: str) -> bool:
    return text.startswith(("那", "还有", "再看", "另外", "同样")) or text.rstrip("？?。").endswith("呢")


def _inherit(q: Question, previous: Question) -> Question:
    every = any(w in q.text for w in ALL_WORDS)
    return replace(
        q,
        issuers=q.issuers or ([] if q.unknown_issuer or every else previous.issuers),
        years=q.years or previous.years,
        concept=q.concept if q.concept is not None else previous.concept,
        column=q.column or previous.column,
        op=q.op if q.op != "value" else previous.op,
        rules=q.rules or previous.rules,
    )
