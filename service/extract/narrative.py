"""The numbers stated in the prose, read by patterns: narrative values and what the TX checks compare.

A number belongs to the keyword of its own clause (clauses end at ，。；： and the like): in
``保留部门规范性文件181件，废止25件`` the 181 is not a number of repealed documents. Numbers are read as people
write them: ``749``, ``1,020``, ``二十三``, ``两``; counted in 件, 份, 条 or 起.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingest.document import Document
from service.locate.sections import Section, subsection

NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+|[零〇一二两三四五六七八九十百千万]+)"
COUNT = NUMBER + r"\s*(?:件|份|起)"
_CLAUSE = re.compile(r"(?:[^，,。；;：:！？!?]|(?<=\d),(?=\d{3}))+")  # a comma inside 1,020 ends no clause
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


@dataclass
class Stated:
    """A number stated in the prose, with its span in the document text."""

    value: int | float
    start: int
    end: int


def number_value(text: str) -> int | None:
    """An integer written in digits (with thousands separators) or in Chinese numerals (二百零六, 十二, 两万)."""
    if text.replace(",", "").isdigit():
        return int(text.replace(",", ""))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _squeeze(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The text of a span without whitespace (PDF lines break inside words), and each character's offset."""
    chars = [(ch, i) for i, ch in enumerate(text[start:end], start) if not ch.isspace()]
    return "".join(ch for ch, _ in chars), [i for _, i in chars] + [end]


def _at(pos: list[int], value: int | float, a: int, b: int) -> Stated:
    return Stated(value, pos[a], pos[b - 1] + 1 if b > a else pos[a])


def _in_clause(patterns: tuple[str, ...], context: str, body: str, pos: list[int]) -> Stated | None:
    """The first clause holding one of the patterns (group 1 is the number), in a sentence that names ``context``."""
    for sentence in re.finditer(r"[^。；;]+", body):
        if context not in sentence.group():
            continue
        for clause in _CLAUSE.finditer(sentence.group()):
            for pattern in patterns:
                match = re.search(pattern, clause.group())
                value = number_value(match.group(1)) if match else None
                if match is None or value is None:
                    continue
                a = sentence.start() + clause.start() + match.start(1)
                return _at(pos, value, a, a + len(match.group(1)))
    return None


def _proactive(body: str, pos: list[int]) -> Stated | None:
    """Total of proactively disclosed items: a stated total, or the sum of a list of parts after 公开/发布."""
    for match in re.finditer(r"(\d{1,3}(?:,\d{3})+|\d+)\s*(条|篇|件)", body):
        before = body[max(0, match.start() - 14) : match.start()].rsplit("。", 1)[-1]
        unit = match.group(2)
        if "申请" in before:  # 受理政府信息公开申请 1295 件: applications, not what was disclosed
            continue
        if unit == "件" and not re.search(r"政府信息|主动公开", before):  # 主动公开市政府规章 22 件、…
            continue
        if re.search(r"信息\S{0,3}$", before):
            return _at(pos, int(match.group(1).replace(",", "")), match.start(1), match.end(1))  # a stated total
        if not re.search(r"(?:公开|发布)", before):
            continue
        items = [match]
        end = match.end()
        while True:
            nxt = re.match(r"[、，,][^、，,。;；\d]{1,20}?(\d{1,3}(?:,\d{3})+|\d+)\s*" + unit, body[end:])
            if not nxt:
                break
            items.append(nxt)
            end += nxt.end()
        if len(items) > 1:
            return _at(pos, sum(int(m.group(1).replace(",", "")) for m in items), match.start(), end)
    return None


def _received(body: str, pos: list[int]) -> Stated | None:
    for sentence in re.finditer(r"[^。]+", body):
        text = sentence.group()
        counts = [
            m
            for clause in _CLAUSE.finditer(text)
            for m in [
                re.search(
                    r"(?:收到|受理|接收|接到|新收)[^\d]{0,24}?(?:申请|依申请公开)[^\d]{0,8}?" + COUNT, clause.group()
                )
                or re.search(r"(?:收到|受理|接收|接到|新收)\D{0,6}?" + COUNT + r"\S{0,12}?申请", clause.group())
                or re.search(r"依申请公开[^\d]{0,10}?(?:共|共计)?" + COUNT, clause.group())
            ]
            if m
        ]
        if not counts:
            continue
        first = counts[0]
        start = sentence.start() + text.find(first.group(0))
        offset = start + first.start(1) - first.start(0)
        value = number_value(first.group(1))
        if value is None:
            continue
        if "线上" in text and "线下" in text and len(counts) > 1:
            value = sum(number_value(m.group(1)) or 0 for m in counts)
        return _at(pos, value, offset, offset + len(first.group(1)))
    zero = re.search(r"(?:没有|未)(?:接到|收到|受理)[^。]{0,30}?申请", body)
    return _at(pos, 0, zero.start(), zero.end()) if zero else None


def _fee(body: str, pos: list[int]) -> Stated | None:
    amount = re.search(r"(?:实际)?收取[^。;\d]{0,12}?(?:信息)?(?:公开)?处理费[^。;\d]{0,8}?(\d+(?:\.\d+)?)\s*元", body)
    if amount:
        value = float(amount.group(1))
        return _at(pos, int(value) if value.is_integer() else value, amount.start(1), amount.end(1))
    none = re.search(
        r"(?:未|没有|无|不存在|未发生|没有发生过?)[^。;]{0,12}?(?:收取|产生|收费)[^。;]{0,12}?(?:处理费|收费事项|收费情况)"
        r"|(?:信息)?(?:公开)?处理费[^。;]{0,6}?(?:为\s*0|0\s*元)|(?:未|没有|无)(?:发生)?[^。;]{0,12}?收费(?:事项|情况)",
        body,
    )
    return _at(pos, 0, none.start(), none.end()) if none else None


# key: (patterns whose group 1 is the number, each looked for inside one clause; a word the sentence must name)
CLAUSE_PATTERNS: dict[str, tuple[tuple[str, ...], str]] = {
    "applications_done": ((r"办结[^\d率]{0,12}?" + COUNT,), ""),
    "applications_carried_in": ((r"上年度?结转[^\d]{0,12}?" + COUNT,), ""),
    "applications_carried_out": (
        (r"结转(?:至|到)?下一?年度?[^\d]{0,10}?" + COUNT, COUNT + r"[^\d]{0,6}?结转(?:至|到)?下一?年"),
        "",
    ),
    "reviews": ((r"行政复议[^\d]{0,10}?" + COUNT, COUNT + r"[^\d]{0,16}?行政复议"), ""),
    "litigation": ((r"(?:行政)?诉讼[^\d]{0,10}?" + COUNT, COUNT + r"[^\d]{0,16}?行政诉讼"), ""),
    "normative_issued": ((r"(?:制发|制定|印发|出台)[^\d]{0,10}?规范性文件[^\d]{0,6}?" + COUNT,), ""),
    "normative_repealed": (
        (r"废止[^\d]{0,8}?" + COUNT, COUNT + r"[^\d]{0,4}?(?:予以)?(?:废止|宣布失效)"),
        "规范性文件",
    ),
    "normative_in_force": ((r"现行有效[^\d]{0,10}?规范性文件[^\d]{0,6}?" + COUNT,), ""),
}


def read_prose(doc: Document, sections: dict[str, Section]) -> dict[str, Stated]:
    """Numbers stated in the prose: narrative values and what the TX checks compare with the tables."""
    text = doc.text
    out: dict[str, Stated] = {}
    if "一" in sections:
        one = sections["一"]
        whole = _squeeze(text, one.body_start, one.end)
        found = _proactive(*_squeeze(text, *subsection(text, one, "主动公开"))) or _proactive(*whole)
        if found:
            out["proactive_items"] = found
        received = _received(*_squeeze(text, *subsection(text, one, "依申请"))) or _received(*whole)
        if received:
            out["applications_received"] = received
        for key, (patterns, context) in CLAUSE_PATTERNS.items():
            stated = _in_clause(patterns, context, *whole)
            if stated:
                out[key] = stated
        body, pos = whole
        for key, word in (("reviews", "行政复议"), ("litigation", "诉讼")):
            zero = re.search(rf"(?:无|没有|未发生|未)[^。;，,\d]{{0,6}}?{word}", body)
            if key not in out and zero:
                out[key] = _at(pos, 0, zero.start(), zero.end())
        none = re.search(r"(?:未|没有)(?:制定|制发|出台)[^。;\d]{0,4}?(?:行政)?规范性文件", body)
        if none and "normative_issued" not in out:
            out["normative_issued"] = _at(pos, 0, none.start(), none.end())
    if "六" in sections:
        fee = _fee(*_squeeze(text, sections["六"].body_start, sections["六"].end))
        if fee:
            out["fee_collected_yuan"] = fee
    return out


def mentions_fee(doc: Document, sections: dict[str, Section]) -> bool:
    """Whether section 六 says anything about 信息处理费."""
    if "六" not in sections:
        return False
    six = sections["六"]
    return bool(re.search(r"处理费|收费", doc.text[six.body_start : six.end]))
