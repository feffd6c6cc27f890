"""Meta (issuer, year, title) and the numbers stated in the prose, read by patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.ingest.document import Document
from service.locate.sections import Section, subsection
from service.schema.record import Evidence

_TITLE = re.compile(
    r"([\u4e00-\u9fff()（）]{2,40}?)\s*((?:19|20)\d{2})\s*年\s*(?:度)?\s*"
    r"(?:政府信息公开|政务公开)\s*(?:工作)?\s*(?:年\s*度\s*报\s*告|年\s*报)"
)
_TITLE_NO_YEAR = re.compile(r"([\u4e00-\u9fff]{2,30}?)\s*政府信息公开\s*(?:工作)?\s*(?:年度报告|年报)")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_N = r"(\d+)\s*"


@dataclass
class Stated:
    """A number stated in the prose, with its span in the document text."""

    value: int | float
    start: int
    end: int


@dataclass
class Prose:
    """What the prose says: meta, narrative values and the numbers the TX checks compare."""

    issuer: str | None = None
    year: int | None = None
    title: str | None = None
    numbers: dict[str, Stated] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)


def _clean_issuer(name: str) -> str:
    name = re.sub(r"^(?:标题|附件|关于)[:：]?\s*\d*[、.]?", "", name)
    return name.strip("()（）")


def read_meta(doc: Document, sections: dict[str, Section]) -> Prose:
    """Issuer, year and title from the title line (or the first title-like phrase anywhere)."""
    text = doc.text
    head_end = sections["一"].start if "一" in sections else min(len(text), 600)
    prose = Prose()
    match = _TITLE.search(text, 0, max(head_end, 1)) or _TITLE.search(text)
    if match:
        issuer = _clean_issuer(re.split(r"[\n:：、]", match.group(1))[-1])
        prose.issuer = issuer or None
        prose.year = int(match.group(2))
        title_text = text[match.start() : match.end()]
        prose.title = re.sub(r"\s+", "", title_text.split(":")[-1])
        prose.title = _clean_issuer(prose.title)
    else:
        plain = _TITLE_NO_YEAR.search(text, 0, min(max(head_end, 1), 80))
        if plain:
            prose.issuer = plain.group(1)
            prose.title = re.sub(r"\s+", "", plain.group(0))
    if prose.year is None:
        period = _PERIOD.search(text)
        first = _YEAR.search(text, sections["一"].body_start) if "一" in sections else None
        found = period or first
        prose.year = int(found.group(1)) if found else None
    return prose


def _squeeze(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The text of a span without line breaks (PDF lines break inside words), and each character's offset."""
    chars = [(ch, i) for i, ch in enumerate(text[start:end], start) if ch != "\n"]
    return "".join(ch for ch, _ in chars), [i for _, i in chars] + [end]


def _at(pos: list[int], value: int | float, a: int, b: int) -> Stated:
    return Stated(value, pos[a], pos[b - 1] + 1 if b > a else pos[a])


def _first(pattern: str, body: str, pos: list[int]) -> Stated | None:
    match = re.search(pattern, body)
    if not match:
        return None
    return _at(pos, int(match.group(1)), match.start(1), match.end(1))


def _proactive(body: str, pos: list[int]) -> Stated | None:
    """Total of proactively disclosed items: a stated total, or the sum of an enumeration of parts."""
    for match in re.finditer(r"(\d+)\s*(?:条|篇)", body):
        before = body[max(0, match.start() - 14) : match.start()]
        if "信息" not in before and "、" not in body[match.end() : match.end() + 1]:
            continue
        if "。" in before:
            before = before.rsplit("。", 1)[-1]
        items = [match]
        end = match.end()
        while True:
            nxt = re.match(r"\s*、[^、,。;\d]{1,12}?(\d+)\s*(?:条|篇)", body[end:])
            if not nxt:
                break
            items.append(nxt)
            end += nxt.end()
        if len(items) > 1:
            total = sum(int(m.group(1)) for m in items)
            return _at(pos, total, match.start(), end)
        if "信息" in before:
            return _at(pos, int(match.group(1)), match.start(1), match.end(1))
    return None


def _received(body: str, pos: list[int]) -> Stated | None:
    zero = re.search(r"(?:没有|未)(?:接到|收到|受理)[^。]{0,30}?申请", body)
    matches = list(
        re.finditer(r"(?:收到|受理|接收|接到|新收)[^。;\d]{0,30}?(?:申请|依申请公开)[^。;\d]{0,8}?" + _N + "件", body)
    )
    if not matches:
        matches = list(re.finditer(r"依申请公开[^。;\d]{0,10}?(?:共|共计)?\s*" + _N + "件", body))
    if matches:
        first = matches[0]
        sentence_end = body.find("。", first.end())
        sentence = body[body.rfind("。", 0, first.start()) + 1 : sentence_end if sentence_end >= 0 else len(body)]
        if "线上" in sentence and "线下" in sentence and len(matches) > 1:
            same = [m for m in matches if sentence_end < 0 or m.end() <= sentence_end]
            total = sum(int(m.group(1)) for m in same)
            return _at(pos, total, same[0].start(1), same[-1].end(1))
        return _at(pos, int(first.group(1)), first.start(1), first.end(1))
    if zero:
        return _at(pos, 0, zero.start(), zero.end())
    return None


def _fee(body: str, pos: list[int]) -> Stated | None:
    amount = re.search(r"(?:实际)?收取[^。;\d]{0,12}?(?:信息)?处理费[^。;\d]{0,8}?(\d+(?:\.\d+)?)\s*元", body)
    if amount:
        value = float(amount.group(1))
        return _at(pos, int(value) if value.is_integer() else value, amount.start(1), amount.end(1))
    none = re.search(
        r"(?:未|没有|无|不存在|未发生|没有发生过?)[^。;]{0,10}?(?:收取|产生|收费)[^。;]{0,12}?处理费"
        r"|(?:信息)?处理费[^。;]{0,6}?(?:为\s*0|0\s*元)",
        body,
    )
    if none:
        return _at(pos, 0, none.start(), none.end())
    return None


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
        patterns = {
            "applications_done": r"办结[^。;\d率]{0,12}?" + _N + "件",
            "applications_carried_in": r"上年结转[^。;\d]{0,12}?" + _N + "件",
            "applications_carried_out": r"结转(?:至|到)?下(?:一)?年度?[^。;\d]{0,10}?" + _N + "件",
            "reviews": r"行政复议[^。;,\d]{0,10}?" + _N + "件",
            "litigation": r"行政诉讼[^。;,\d]{0,10}?" + _N + "件",
            "normative_issued": r"(?:制发|制定|印发)[^。;\d]{0,10}?规范性文件[^。;\d]{0,6}?" + _N + "件",
            "normative_repealed": _N + r"件[^。;\d]{0,6}?(?:废止|宣布失效)",
            "normative_in_force": r"现行有效[^。;\d]{0,10}?规范性文件[^。;\d]{0,6}?" + _N + "件",
        }
        for key, pattern in patterns.items():
            stated = _first(pattern, *whole)
            if stated:
                out[key] = stated
        body, pos = whole
        for key, word in (("reviews", "行政复议"), ("litigation", "诉讼")):
            zero = re.search(rf"(?:无|没有|未发生)[^。;\d]{{0,6}}?{word}", body)
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
