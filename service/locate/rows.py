"""Row labels of tables 2 and 3, found in order inside a section, and the text stretch after each label.

Labels are matched by a key phrase (tolerating typos elsewhere in the label, spaces and line breaks inside
it), with the row's enumerator (``1.``) in front when present, so that digits run together with the
next label are not taken as values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.schema.fields import T2Row, t2_rows

_STOP = r"[^\d\s/—–\-]*"


def _spaced(phrase: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in phrase)


def label_pattern(phrase: str, enum: str = "", *, prefix: int = 12) -> re.Pattern[str]:
    """A row label: optional enumerator, a short non-digit prefix, the key phrase, the rest of the label."""
    head = rf"(?:{enum}\s*[.、]\s*)?" if enum else ""
    return re.compile(rf"{head}[^\d\s]{{0,{prefix}}}?(?:{phrase}){_STOP}")


def _alt(*phrases: str) -> str:
    return "|".join(_spaced(p) for p in phrases)


T3_LABELS: dict[str, re.Pattern[str]] = {
    "new_received": label_pattern(_alt("本年新收")),
    "carried_over": label_pattern(_alt("上年结转")),
    "granted": label_pattern(_alt("予以公开")),
    "partially_granted": label_pattern(_alt("部分公开")),
    "withheld_state_secret": label_pattern(_alt("国家秘密"), "1"),
    "withheld_prohibited_by_law": label_pattern(_alt("其他法律", "禁止公开"), "2"),
    "withheld_security_stability": label_pattern(_alt("三安全", "一稳定"), "3"),
    "withheld_third_party_rights": label_pattern(_alt("第三方"), "4"),
    "withheld_internal_affairs": label_pattern(_alt("内部事务"), "5"),
    "withheld_process_information": label_pattern(_alt("过程性"), "6"),
    "withheld_enforcement_files": label_pattern(_alt("执法案卷"), "7"),
    "withheld_administrative_inquiry": label_pattern(_alt("行政查询"), "8"),
    "unable_not_held": label_pattern(_alt("不掌握"), "1"),
    "unable_needs_creation": label_pattern(_alt("另行制作", "现成信息"), "2"),
    "unable_unclear_after_amendment": label_pattern(_alt("仍不明确", "补正后"), "3"),
    "not_processed_petition_complaint": label_pattern(_alt("信访"), "1"),
    "not_processed_duplicate": label_pattern(_alt("重复申请"), "2"),
    "not_processed_publication": label_pattern(_alt("出版物"), "3"),
    "not_processed_mass_repeated": label_pattern(_alt("大量反复"), "4"),
    "not_processed_confirm_or_reissue": label_pattern(_alt("确认或重新", "重新出具"), "5"),
    "other_no_amendment": label_pattern(_alt("逾期不补正", "无正当理由逾期"), "1", prefix=16),
    "other_unpaid_fee": label_pattern(_alt("收费通知", "缴纳费用"), "2", prefix=16),
    "other_other": re.compile(r"3\s*[.、]\s*其\s*他(?!\s*处\s*理|\s*法\s*律)" + _STOP),
    "results_total": re.compile(r"\(\s*七\s*\)\s*总\s*计" + _STOP),
    "carried_forward": label_pattern(_alt("结转下年度")),
}
OTHER_HANDLING_LABEL = re.compile(r"\(\s*六\s*\)\s*其\s*他\s*处\s*理" + _STOP)
T3_MARKERS = (
    re.compile(r"\(\s*三\s*\)\s*不\s*予\s*公\s*开" + _STOP),
    re.compile(r"\(\s*四\s*\)\s*无\s*法\s*提\s*供" + _STOP),
    re.compile(r"\(\s*五\s*\)\s*不\s*予\s*处\s*理" + _STOP),
    OTHER_HANDLING_LABEL,
    re.compile(r"三\s*[、.]\s*本\s*年\s*度\s*办\s*理\s*结\s*果" + _STOP),
)
T2_MARKERS = (
    re.compile(r"第\s*二\s*十\s*条\s*第\s*\(\s*[一二三四五六七八九十]+\s*\)\s*项"),
    re.compile(r"信\s*息\s*内\s*容"),
)
T2_HEADERS_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额")
T2_HEADERS_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|采购项目数量")


@dataclass(frozen=True)
class Located:
    """A row label found in the text and the stretch after it, up to the next label of any kind."""

    key: str
    label_start: int
    label_end: int
    gap_end: int


def _gaps(found: list[tuple[str, int, int]], markers: list[int], end: int) -> list[Located]:
    bounds = sorted({*markers, *(start for _, start, _ in found), end})
    out = []
    for key, start, stop in found:
        nxt = next((b for b in bounds if b >= stop), end)
        out.append(Located(key, start, stop, nxt))
    return out


def _find_in_order(
    text: str, start: int, end: int, patterns: list[tuple[str, re.Pattern[str]]]
) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    cursor = start
    for key, pattern in patterns:
        match = pattern.search(text, cursor, end)
        if match:
            found.append((key, match.start(), match.end()))
            cursor = match.end()
    return found


def locate_t3(text: str, start: int, end: int) -> tuple[list[Located], bool]:
    """Table 3 rows found in ``text[start:end]``; the flag says （六）其他处理 is one single row."""
    order = list(T3_LABELS.items())
    found = _find_in_order(text, start, end, order)
    keys = {key for key, _, _ in found}
    single = not keys & {"other_no_amendment", "other_unpaid_fee", "other_other"}
    if single:
        order = [(k, p) for k, p in order if k not in ("other_no_amendment", "other_unpaid_fee", "other_other")]
        at = next(i for i, (k, _) in enumerate(order) if k == "results_total")
        order.insert(at, ("other_handling", OTHER_HANDLING_LABEL))
        found = _find_in_order(text, start, end, order)
        single = any(key == "other_handling" for key, _, _ in found)
    markers = [m.start() for pattern in T3_MARKERS for m in pattern.finditer(text, start, end)]
    if not single:
        markers += [m.start() for m in OTHER_HANDLING_LABEL.finditer(text, start, end)]
    return _gaps(found, markers, end), single


def t2_format(text: str, start: int, end: int) -> str | None:
    """Format version from table 2's column headers: "2021", "2019" or None."""
    region = re.sub(r"\s+", "", text[start:end])
    if T2_HEADERS_2019.search(region):
        return "2019"
    if T2_HEADERS_2021.search(region):
        return "2021"
    return None


def locate_t2(text: str, start: int, end: int, format_version: str | None) -> list[tuple[T2Row, Located]]:
    """Table 2 rows found in ``text[start:end]`` with the stretch after each label."""
    rows = t2_rows(format_version)
    patterns = []
    for row in rows:
        phrase = _spaced(row.label)
        if row.key == "normative_documents":
            phrase = r"(?:行\s*政\s*)?" + _spaced("规范性文件")
        patterns.append((row.key, re.compile(phrase + _STOP)))
    found = _find_in_order(text, start, end, patterns)
    markers = [m.start() for pattern in T2_MARKERS for m in pattern.finditer(text, start, end)]
    by_key = {row.key: row for row in rows}
    return [(by_key[loc.key], loc) for loc in _gaps(found, markers, end)]
