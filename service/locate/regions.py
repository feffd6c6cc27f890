"""Where tables 二, 三 and 四 are in a report: their sections, or, where a heading is missing, their own markers."""

from __future__ import annotations

import re

from service.locate.sections import Section

T2_START = re.compile(r"第\s*二\s*十\s*条\s*第|信\s*息\s*内\s*容")
T3_START = re.compile(r"勾\s*稽\s*关\s*系|申\s*请\s*人\s*情\s*况|本\s*年\s*度?\s*新\s*收[^。\n]{0,12}申\s*请")
T4_START = re.compile(r"行\s*政\s*复\s*议[^。\n]{0,40}?行\s*政\s*诉\s*讼|结\s*果\s*维\s*持")


def table_regions(text: str, sections: dict[str, Section]) -> dict[str, tuple[int, int]]:
    """Spans of the three tables (a table whose place cannot be found is left out)."""
    end = len(text)
    after_tables = min((sections[k].start for k in ("五", "六") if k in sections), default=end)
    spans: dict[str, tuple[int, int]] = {}
    if "三" in sections:
        t3 = sections["三"].body_start
    else:
        lo = sections["二"].body_start if "二" in sections else 0
        found = T3_START.search(text, lo, after_tables)
        t3 = found.start() if found else -1
    if "四" in sections:
        t4 = sections["四"].body_start
    else:
        found = T4_START.search(text, max(t3, 0), after_tables)
        t4 = found.start() if found else -1
    if "二" in sections:
        two = sections["二"]
        spans["二"] = (two.body_start, min(two.end, t3) if t3 > two.body_start else two.end)
    else:
        found = T2_START.search(text, 0, t3 if t3 >= 0 else after_tables)
        if found:
            spans["二"] = (found.start(), t3 if t3 >= 0 else after_tables)
    if t3 >= 0:
        stop = sections["三"].end if "三" in sections else after_tables
        spans["三"] = (t3, min(stop, t4) if t4 > t3 else stop)
    if t4 >= 0:
        spans["四"] = (t4, sections["四"].end if "四" in sections else after_tables)
    return spans


T2_HEADERS_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额")
T2_HEADERS_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|采购项目数量")


def t2_format(text: str, start: int, end: int) -> str | None:
    """Format version from table 2's column headers: "2021", "2019" or None."""
    region = re.sub(r"\s+", "", text[start:end])
    if T2_HEADERS_2019.search(region):
        return "2019"
    if T2_HEADERS_2021.search(region):
        return "2021"
    return None
