"""The query model: what a question asks, filled by the offline parser or by the LLM planner, run by code.

One schema for both paths: the parser (service/qa/parse.py) and the planner (service/qa/llm_answer.py) fill a
:class:`Query`; service/qa/answer.py runs it. Names are checked against the store and the catalogue
(service/qa/subjects.py) before anything runs; what matched nothing is kept in ``unmatched`` and named in the
answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Operation = Literal[
    "value", "list", "sum", "avg", "max", "min", "rank", "diff", "growth", "share", "count", "zero", "trend"
]
OPERATION_NAMES: dict[str, str] = {
    "value": "取值",
    "list": "分别列出",
    "sum": "合计",
    "avg": "平均",
    "max": "最多",
    "min": "最少",
    "rank": "排序",
    "diff": "差值",
    "growth": "增减幅度",
    "share": "占比",
    "count": "报告数",
    "zero": "为零的",
    "trend": "历年变化",
}
# finding kinds people ask about -> the rules that report them
FINDING_RULES: dict[str, tuple[str, ...]] = {
    "勾稽关系": ("T3-ROW", "T3-SUM", "T3-BAL", "T4-SUM", "NN"),
    "正文与表格": ("TX-NEW", "TX-CARRY-IN", "TX-DONE", "TX-CARRY-OUT", "TX-REVIEW", "TX-LIT", "TX-NORM"),
    "跨年衔接": ("Y-CARRY", "Y-NORM"),
    "结转衔接": ("Y-CARRY",),
    "文件存量": ("Y-NORM",),
    "照抄": ("Y-COPY",),
    "信息处理费": ("TX-FEE",),
    "缺表缺行": ("SHAPE",),
    "无法确定": ("AMBIGUOUS", "LLM"),
}
FindingKind = Literal[
    "勾稽关系", "正文与表格", "跨年衔接", "结转衔接", "文件存量", "照抄", "信息处理费", "缺表缺行", "无法确定"
]
Kind = Literal["镇", "乡", "街道", "区", "县", "市", "省", "功能区", "部门", "厅", "局"]


class Subject(BaseModel):
    """A row and a column of the catalogue (service/qa/subjects.py), by their Chinese names."""

    row: str = Field(description="可查指标（行）之一，原样照抄")
    column: str = Field(default="", description="列：申请人类别、复议诉讼结果或表二的列名之一；不写为总计")


class Query(BaseModel):
    """What a question asks."""

    subjects: list[Subject] = Field(default_factory=list, description="问的数字（表格的行和列）；文字和问题类问题为空")
    bodies: list[str] = Field(default_factory=list, description="库中单位名称，原样照抄；没有指明单位为空")
    kinds: list[Kind] = Field(default_factory=list, description="按单位类别限定，如“各镇”为 镇，“区县”为 区、县")
    regions: list[str] = Field(default_factory=list, description="按地区限定：某市、某区下辖的单位，地名原样照抄")
    years: list[int] = Field(default_factory=list, description="问到的年度，范围要展开（2019到2021为三个年度）")
    compare_previous: bool = Field(default=False, description="与上一年比较（比上年、同比、较去年）")
    operation: Operation = Field(default="value", description="计算方式")
    findings: list[FindingKind] = Field(default_factory=list, description="问报告发现的问题时的类别")
    text: str | None = Field(default=None, description="问报告原文（问题、不足、措施、做法）时的检索词")
    section: Literal["一", "五", "六"] | None = Field(default=None, description="原文所在部分：五为问题和改进")
    aspect: Literal["problems", "improvements"] | None = Field(
        default=None, description="第五部分中问的是存在的问题（problems）还是改进措施、下一步打算（improvements）"
    )
    unmatched: list[str] = Field(default_factory=list, description="问题里库中找不到的单位、年度或说法，原样照抄")
    unsupported: list[str] = Field(default_factory=list, description="年报没有的内容，如季度、月度数字")
    relative_year: str | None = Field(default=None, description="问题用“去年”“最新”等相对说法时，原样照抄这个词")

    @property
    def route(self) -> str:
        """numbers, findings, text or none."""
        if self.unsupported:
            return "none"
        if self.findings:
            return "findings"
        if self.subjects:
            return "numbers"
        if self.text is not None or self.section or self.aspect:
            return "text"
        if self.operation == "count":
            return "numbers"
        return "none"


def years_text(q: Query) -> str:
    """2024 · 2023→2024 · 2019–2025 · 2022、2023."""
    years = sorted(set(q.years))
    if not years:
        return ""
    if q.operation in ("diff", "growth") and len(years) == 2:
        return f"{years[0]}→{years[1]}"
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return "、".join(map(str, years))


def understood(q: Query, bodies: list[str]) -> str:
    """The query as understood, in Chinese: ``按：洪泽区 · 2023→2024 · 本年新收 · 总计 · 差值``."""
    parts: list[str] = []
    if bodies:
        parts.append("、".join(bodies[:4]) + (f" 等 {len(bodies)} 个单位" if len(bodies) > 4 else ""))
    scope = "、".join(q.regions) + ("各" + "、".join(q.kinds) if q.kinds else "")
    if scope:
        parts.append(scope)
    if not bodies and not scope and not q.unmatched and q.route in ("numbers", "findings", "text"):
        parts.append("全部单位")
    if q.years:
        parts.append(years_text(q) + (f"（{q.relative_year}）" if q.relative_year else ""))
    columns: dict[str, list[str]] = {}
    for s in q.subjects:
        columns.setdefault(s.column, []).append(s.row)
    for column, rows in columns.items():
        parts.append("、".join(rows) + (f" · {column}" if column else ""))
    if q.findings:
        parts.append("发现的问题：" + "、".join(q.findings))
    if q.route == "text":
        where = {"problems": "第五部分 存在的问题", "improvements": "第五部分 改进措施"}.get(q.aspect or "", "")
        parts.append(f"原文检索{('：' + where) if where else ''}")
    if q.route == "numbers" and (q.operation != "value" or len(q.subjects) > 1):
        parts.append(OPERATION_NAMES[q.operation])
    line = "按：" + " · ".join(p for p in parts if p)
    if q.unmatched:
        line += "；没有找到" + "、".join(f"“{u}”" for u in q.unmatched)
    return line
