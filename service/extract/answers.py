"""The pydantic models the LLM answers with. Field descriptions travel to the model inside the JSON schema.

Every field is required (strict ``json_schema`` servers demand it); absence is ``null`` with an empty quote.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CellAnswer(_Answer):
    """One table cell as printed, with the text it was read from."""

    path: str = Field(description="单元格路径，照抄题目中列出的路径")
    value: int | float | None = Field(description="原文印刷的数字；空白、/、—、-、无 或读不出时为 null")
    quote: str = Field(description="从原文逐字复制、包含该数字的一段（通常是该行标签连同数字）")


class TableAnswer(_Answer):
    """The requested cells of one table."""

    cells: list[CellAnswer] = Field(description="每个列出的单元格一条")


class QuotedNumber(_Answer):
    """A number stated in the prose, with the sentence it is stated in."""

    value: int | float | None = Field(description="原文写明的数字；没有写明时为 null")
    quote: str = Field(description="从原文逐字复制、包含该数字的一段；没有时为空字符串")


class QuotedText(_Answer):
    """A name stated in the text, with where it is stated."""

    value: str | None = Field(description="原文中的写法；没有时为 null")
    quote: str = Field(description="从原文逐字复制、包含该写法的一段；没有时为空字符串")


class ProseAnswer(_Answer):
    """Meta and narrative of one report."""

    issuer: QuotedText = Field(description="发布本报告的机关全称，如“巨各庄镇人民政府”")
    year: QuotedNumber = Field(description="报告所属年度（四位数字）")
    proactive_items: QuotedNumber = Field(description="总体情况中写明的全年主动公开政府信息总条数（只填写明的总数）")
    applications_received: QuotedNumber = Field(
        description="总体情况中写明的本年收到（受理）政府信息公开申请总件数（只填写明的总数）"
    )
    fee_collected_yuan: QuotedNumber = Field(
        description="第六部分写明的实际收取信息处理费金额（元）；写明未收取时为 0，未提及时为 null"
    )
    problems: list[str] = Field(description="第五部分列出的存在问题，每条不超过 30 字，最多 6 条")
    improvements: list[str] = Field(description="第五部分列出的改进措施，每条不超过 30 字，最多 6 条")
