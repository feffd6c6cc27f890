"""The prose of the source samples: sections 一, 五 and 六, and the numbers the injections change."""

from __future__ import annotations

import re
from pathlib import Path

_HEADING_RES = {
    1: r"(?:一|1)\s*[、．.，]\s*(?:政府信息公开工作)?总体情况",
    2: r"二\s*[、．.，]\s*(?:行政机关)?主动公开政府信息(?:情况)?",
    3: r"三\s*[、．.，]\s*(?:行政机关)?收到和处理政府信息公开申请(?:情况)?",
    4: r"四\s*[、．.，]\s*(?:因)?政府信息公开(?:工作)?(?:被申请)?行政复议",
    5: r"(?:五|5)\s*[、．.，]\s*(?:政府信息公开工作)?存在(?:的)?(?:主要)?问题",
    6: r"[一二三四五六七八九十]\s*[、．.，]\s*其他需要报告的事项",  # some reports number it 五
}


def read_source_text(path: Path) -> tuple[str, bool]:
    """Source text and whether it came from a PDF."""
    if path.suffix.lower() == ".pdf":
        import pdfplumber

        lines: list[str] = []
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                for line in (page.extract_text() or "").splitlines():
                    if re.fullmatch(r"\s*-\s*\d+\s*-\s*", line):
                        continue  # page footer "- 3 -"
                    lines.append(line)
        return "\n".join(lines), True
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), False
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), False


def _heading_end(m: re.Match[str], text: str) -> int:
    """Extend a heading match to the end of its heading phrase (情况/措施/事项…)."""
    end = m.end()
    tail = re.match(r"[^\n。　]{0,24}?(?:情况|措施|举措|事项)", text[end:])
    if tail and not re.search(r"\d", tail.group(0)):
        end += tail.end()
    return end


def split_sections(text: str) -> dict[int, tuple[int, int]]:
    """Start/end offsets of the bodies of sections 1..6 (sequential search)."""
    starts: dict[int, tuple[int, int]] = {}
    pos = 0
    for n in range(1, 7):
        m = re.compile(_HEADING_RES[n]).search(text, pos)
        if not m:
            continue
        # the patterns of 一 and 六 cover the whole heading; the others are extended to its end
        starts[n] = (m.start(), _heading_end(m, text) if n in (2, 3, 4, 5) else m.end())
        pos = starts[n][1]
    bodies: dict[int, tuple[int, int]] = {}
    ns = sorted(starts)
    for i, n in enumerate(ns):
        end = starts[ns[i + 1]][0] if i + 1 < len(ns) else len(text)
        bodies[n] = (starts[n][1], end)
    return bodies


def _paragraphs_txt(body: str) -> list[str]:
    paras: list[str] = []
    for line in body.splitlines():
        for piece in re.split(r"　{2,}", line):
            piece = piece.replace("[bookmark: _GoBack]", "").strip(" \t\u3000\xa0")
            if piece:
                paras.append(piece)
    return paras


def _paragraphs_pdf(body: str) -> list[str]:
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    if not lines:
        return []
    width = max(len(ln) for ln in lines)
    paras: list[str] = []
    cur = ""
    prev_line = ""
    for ln in lines:
        starts_new = bool(re.match(r"[（(][一二三四五六七八九十]+[）)]", ln))
        prev_ended = bool(cur) and cur.endswith(("。", "：", ":")) and len(prev_line) < width - 2
        if cur and (starts_new or prev_ended):
            paras.append(cur)
            cur = ""
        cur += ln
        prev_line = ln
    if cur:
        paras.append(cur)
    return paras


def source_prose(path: Path) -> dict[int, list[str]]:
    text, is_pdf = read_source_text(path)
    bodies = split_sections(text)
    out: dict[int, list[str]] = {}
    for n in (1, 5, 6):
        if n not in bodies:
            out[n] = []
            continue
        a, b = bodies[n]
        body = text[a:b]
        paras = _paragraphs_pdf(body) if is_pdf else _paragraphs_txt(body)
        if n == 6:  # a crawled page's attachment list is not prose of section 六
            for i, para in enumerate(paras):
                if para.startswith("附件"):
                    paras = paras[:i]
                    break
                j = para.find("附件：")
                if j > 0:
                    paras = paras[:i] + [para[:j]]
                    break
        out[n] = paras
    return out


# ---------------------------------------------------------------------------------------------
# Prose numbers (only what the injections change)
# ---------------------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r"[，。；！？,;]")
_RECEIVED_KW = re.compile(r"申请|受理|收到|接收")
_RECEIVED_EXCLUDE = re.compile(r"办结|答复|结转|予以公开|部分公开|不予|无法提供|其他处理|复议|诉讼|规范性文件|办理")


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def received_number_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of the digit strings that state received applications (N件)."""
    out = []
    for a, b in _clauses(text):
        clause = text[a:b]
        if not _RECEIVED_KW.search(clause) or _RECEIVED_EXCLUDE.search(clause):
            continue
        for m in re.finditer(r"(\d+)\s*件", clause):
            out.append((a + m.start(1), a + m.end(1), int(m.group(1))))
    return out


def stated_review_counts(text: str) -> tuple[int | None, int | None]:
    """Counts of 行政复议 and 行政诉讼 stated in the prose of section 一 (None when not stated)."""
    rev = lit = None
    m = re.search(r"行政复议[^，。；、\d]{0,12}?(\d+)\s*件", text) or re.search(
        r"(\d+)\s*件[^，。；、\d]{0,16}?行政复议",
        text,  # "有 1 件涉及政府信息公开工作的行政复议"
    )
    if m:
        rev = int(m.group(1))
    m = re.search(r"行政诉讼[^，。；、\d]{0,12}?(\d+)\s*件", text)
    if m:
        lit = int(m.group(1))
    neg = re.search(r"(?:无|没有|未发生|未收到)([^，。；]{0,6}行政复议[^，。；]{0,10})", text)
    if neg and rev is None:
        rev = 0
        if lit is None and "诉讼" in neg.group(1):
            lit = 0
    neg = re.search(r"(?:无|没有|未发生)[^，。；]{0,6}(?:行政)?诉讼", text)
    if neg and lit is None:
        lit = 0
    return rev, lit
