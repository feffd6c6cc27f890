"""Who published a report and for which year: from the title, else from the text, with evidence for both.

- Title: ``{body}{year}年(度)政府信息公开工作年度报告``, ``{year}年{body}政府信息公开…``, without a year, over two
  lines, with spaces, after crawler or converter junk (``标题:``, ``正文``, ``发布机构:``), or quoted in the text
  (``编制完成《某局2023年政府信息公开工作年度报告》``).
- No title: the body that section 一 opens with (``2023年，河北省科学技术厅深入贯彻…``, ``上海市科委 2024 年深入…``),
  else the body the text names most (first-person 我局/本局/我镇 counts for the named body of the same kind); a
  report that only says 我局 has no issuer.
- Year: the title's, else the statistical period (统计期限/统计周期/统计时限…自2023年1月1日…), else the year section 一
  opens with.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from service.ingest.document import Document
from service.locate.sections import Section
from service.schema.record import Evidence

YEAR = r"(?:19|20)\d{2}"
_NAME = r"[\u4e00-\u9fff()（）]{2,40}?"


def _wrapping(*parts: str) -> str:
    """A title pattern whose parts may be split over two lines (a title printed over two lines)."""
    return r"\n?".join(parts)


_REPORT = _wrapping(
    r"(?:政府)?", r"信息公[开開]", r"(?:工作)?", r"(?:年度|年)?", r"(?:工作)?", r"(?:报告|報告|年报|年報)"
)
TITLES = (
    re.compile(_wrapping(rf"(?P<year>{YEAR})年度?", rf"(?P<issuer>{_NAME})?", _REPORT)),
    re.compile(_wrapping(rf"(?P<issuer>{_NAME})", rf"(?P<year>{YEAR})年度?", _REPORT)),
    re.compile(
        _wrapping(rf"(?P<issuer>{_NAME})", r"政府信息公[开開]", r"(?:工作)?", r"(?:年度报告|年度報告|年报|年報)")
    ),
)
_JUNK = re.compile(
    r"^(?:标题|正文|名称|附件\d*|关于|印发|发布机构|发布|现公布|公布|编制完成|特编制|编制|本报告|现将|年度?|度|"
    r"政府信息公开|信息公开|政务公开)[:：、.]?"
)
SUFFIXES = (
    "人民政府办公厅|人民政府办公室|人民政府|政府办公室|政府办公厅|办公厅|办公室|管理委员会|委员会|管委会|"
    "街道办事处|办事处|局|厅|委|办|署|院|中心|镇|乡|街道|区|县|市|州|旗"
)
_SUBJECT = re.compile(rf"\s*(?:{YEAR}\s*年度?(?:以来)?\s*[，,]?\s*)?(?P<run>[\u4e00-\u9fff]{{2,40}})")
_SUFFIX_WORDS = tuple(SUFFIXES.split("|"))
_NAMED = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<name>[\u4e00-\u9fff]{{0,16}}?(?:省|市|县|区|州|镇|乡)[\u4e00-\u9fff]{{0,12}}?(?:{SUFFIXES}))"
)
_FIRST_PERSON = re.compile(r"(?:我|本)(局|厅|委|办|镇|乡|区|县|市|街道|中心)")
_PREDICATE = re.compile(
    r"^(?:深入|认真|全面|坚持|共|以|在|按照|积极|进一步|持续|严格|紧紧|始终|高度|扎实|围绕|贯彻|主动|切实|不断|着力|"
    r"大力|牢固|聚焦|立足|全年|本年|严|依法|紧扣|将|对|通过|把|强化|加强|狠抓|结合|根据|按|落实|以来)"
)
PERIOD = re.compile(
    rf"(?:统计|所列数据|数据)[^。\n]{{0,16}}?(?P<year>{YEAR})\s*年\s*1\s*月\s*1\s*日|(?P<plain>{YEAR})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到)"
)
_OPENING_YEAR = re.compile(rf"({YEAR})\s*年")


@dataclass
class MetaRead:
    """Issuer, year and title, and where each came from."""

    issuer: str | None = None
    year: int | None = None
    title: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)


def _squeeze(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Text without spaces (line breaks kept: a name never runs over one), and each character's offset."""
    chars = [(ch, i) for i, ch in enumerate(text[start:end], start) if ch == "\n" or not ch.isspace()]
    return "".join(ch for ch, _ in chars), [i for _, i in chars] + [end]


def clean_issuer(name: str) -> str:
    """A body's name without the junk crawlers and converters leave before titles."""
    name = re.split(r"[:：》《|]", name)[-1]
    previous = None
    while previous != name:
        previous = name
        name = _JUNK.sub("", name).strip("()（）的")
    return name


def _evidence(doc: Document, start: int, end: int, method: str) -> Evidence:
    return Evidence(
        page=doc.page_of(start),
        quote=" ".join(doc.raw_span(start, end).split())[:200],
        start=start,
        end=end,
        raw=doc.raw_span(start, end),
        method=method,
    )


def _title(text: str) -> re.Match[str] | None:
    found = [m for pattern in TITLES for m in [pattern.search(text)] if m]
    return min(found, key=lambda m: m.start()) if found else None


def read_meta(doc: Document, sections: dict[str, Section]) -> MetaRead:
    """Issuer, year and title of a report (see the module docstring)."""
    text = doc.text
    head_end = sections["一"].start if "一" in sections else min(len(text), 800)
    out = MetaRead()
    squeezed, positions = _squeeze(text, 0, max(head_end, 1))
    match = _title(squeezed)
    if match is None or not match.group("issuer"):
        quoted = _quoted_title(doc)
        if quoted is not None:
            match, positions = quoted
    if match is not None:
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        whole = match.group(0).replace("\n", "")
        out.title = clean_issuer(whole) if match.group("issuer") else whole
        issuer = clean_issuer(match.group("issuer") or "")
        if is_name(issuer):
            out.issuer = issuer
            out.evidence["meta.issuer"] = _evidence(doc, start, end, "title")
        if "year" in match.groupdict() and match.group("year"):
            out.year = int(match.group("year"))
            out.evidence["meta.year"] = _evidence(doc, start, end, "title")
    if out.issuer is None:
        named = _named_in_text(text, sections)
        if named is not None:
            out.issuer = named[0]
            out.evidence["meta.issuer"] = _evidence(doc, named[1], named[1] + len(named[0]), "body")
    if out.year is None:
        _year_from_text(doc, sections, out)
    return out


def _quoted_title(doc: Document) -> tuple[re.Match[str], list[int]] | None:
    """A title named in the text (``《某局2023年政府信息公开工作年度报告》``, ``现公布区统计局2023年…``)."""
    text, pos = _squeeze(doc.text, 0, len(doc.text))
    for match in TITLES[1].finditer(text):
        if is_name(clean_issuer(match.group("issuer"))):
            return match, pos
    return None


def _named_in_text(text: str, sections: dict[str, Section]) -> tuple[str, int] | None:
    """The body section 一 opens with, else the one the text names most among bodies of the kind it calls itself
    (我区 → a 区; 我局 → a 局); with no such word, a body named at least twice; else None."""
    if "一" in sections:
        opening = _opening_name(text, sections["一"])
        if opening is not None:
            return opening
    span = (sections["一"].body_start, sections["一"].end) if "一" in sections else (0, min(len(text), 3000))
    body = text[: span[1]]
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for match in _NAMED.finditer(body):
        name = match.group("name")
        if not is_name(name):
            continue
        if _PREDICATE.match(text[match.end() :]) or text[match.end() : match.end() + 1] in "，,、（(":
            counts[name] += 1
            first.setdefault(name, match.start())
    pronouns = Counter(m.group(1) for m in _FIRST_PERSON.finditer(body))
    if pronouns:  # the report speaks of itself as 我区/我局: only a body of that kind can be its issuer
        kind = pronouns.most_common(1)[0][0]
        counts = Counter({n: c for n, c in counts.items() if _kind(n) == kind})
    else:  # nothing says which body speaks: only one named again and again
        counts = Counter({n: c for n, c in counts.items() if c >= 2})
    if not counts:
        return None
    best = max(counts, key=lambda n: (counts[n], len(n)))
    return best, first[best]


def is_name(name: str) -> bool:
    """A body's name: not a pronoun (我局, 本机关), no predicate inside (审计局紧紧围绕县委 is a clause)."""
    if len(name) < 2 or name.startswith(("我", "本", "中华人民共和国")) or "我" in name:
        return False  # 中华人民共和国: 《中华人民共和国政府信息公开条例》 and its 年度报告格式 are quoted, not titles
    return not any(_PREDICATE.match(name, i) for i in range(len(name)))


def _opening_name(text: str, one: Section) -> tuple[str, int] | None:
    """The body section 一 opens with: the first name (ending like a body's name) followed by a predicate."""
    match = _SUBJECT.match(text, one.body_start, min(one.end, one.body_start + 80))
    if match is None:
        return None
    run, start = match.group("run"), match.start("run")
    for end in range(2, len(run) + 1):
        name = run[:end]
        if name.endswith(_SUFFIX_WORDS) and _PREDICATE.match(run[end:]):
            return (name, start) if is_name(name) else None
    return None


def _kind(name: str) -> str:
    return next(
        (k for k in ("局", "厅", "委", "办", "镇", "乡", "区", "县", "市", "街道", "中心") if name.endswith(k)), ""
    )


def _year_from_text(doc: Document, sections: dict[str, Section], out: MetaRead) -> None:
    text = doc.text
    period = PERIOD.search(text)
    if period is not None:
        group = "year" if period.group("year") else "plain"
        out.year = int(period.group(group))
        out.evidence["meta.year"] = _evidence(doc, period.start(), period.end(), "period")
        return
    if "一" in sections:
        opening = _OPENING_YEAR.search(text, sections["一"].body_start, min(len(text), sections["一"].body_start + 200))
        if opening is not None:
            out.year = int(opening.group(1))
            out.evidence["meta.year"] = _evidence(doc, opening.start(), opening.end(), "body")
