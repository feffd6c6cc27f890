"""What the app shows, as plain HTML and text (no gradio here; ui.py is the only gradio importer).

Citations with the body, year, table, official row and column, printed value and a link that opens the stored
report at that cell in the Records view (``?report=<id>&cell=<path>``); reader errors and evidence methods in
Chinese; the picker of stored reports.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from service.locate.sections import SECTION_NAMES
from service.qa.model import Answer, Citation
from service.store.db import ReportRow

# characters Markdown or HTML read as markup within a line (links, images, emphasis, code, math, URLs, tags);
# report text never starts a line of the chat or the findings, so list and heading markers need no escape
_MARKUP = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()!|~$:<>&\"'"})
METHOD_ZH = {"template": "按表格模板读取", "llm": "大模型读取", "llm-repair": "大模型复核后读取"}
# the reader's one-line errors (service/ingest, service/batch) in Chinese; the original stays in the record
ERRORS_ZH: tuple[tuple[str, str], ...] = (
    (r"^empty file$", "空文件"),
    (r"^binary file, not text$", "二进制文件，不是文本"),
    (r"^unreadable encoding.*", "无法识别的文字编码（既不是 UTF-8 也不是 GB18030）"),
    (r"^encrypted PDF.*", "PDF 已加密（需要密码）"),
    (r"^PDF has no text layer.*", "PDF 没有文字层（可能是扫描件），不支持文字识别"),
    (r"^PDF has more than (\d+) pages.*", r"PDF 超过 \1 页的上限"),
    (r"^PDF streams inflate to more than (.*) MB.*", r"PDF 内容解压后超过 \1 MB 的上限"),
    (r"^DOCX too large unpacked \((\S+) MB of XML > (\S+) MB\)$", r"DOCX 解压后正文 \1 MB，超过上限 \2 MB"),
    (r"^DOCX too large unpacked \((\S+) MB > (\S+) MB\)$", r"DOCX 解压后 \1 MB，超过上限 \2 MB"),
    (r"^took longer than (.*) s to read.*", r"读取超过 \1 秒的时限"),
    (r"^needs more than (\d+) MB of memory.*", r"读取所需内存超过 \1 MB 的上限"),
    (r"^the reader crashed.*", "读取进程异常退出"),
    (r"^damaged PDF(?: page (\d+))?.*", "PDF 已损坏"),
    (r"^corrupt DOCX.*", "DOCX 文件已损坏"),
    (r"^unreadable HTML.*", "无法解析的 HTML 文件"),
    (r"^file too large \((.*) MB > (.*) MB\)$", r"文件过大（\1 MB，上限 \2 MB）"),
    (r"^unsupported file type (.*)$", r"不支持的文件类型 \1"),
    (
        r"^not a government information disclosure annual report.*",
        "不是政府信息公开工作年度报告（没有找到年报格式的部分或表格）",
    ),
    (r"^cannot read file.*", "无法读取文件"),
    (r"^internal error.*", "读取时出现内部错误"),
)


def as_text(text: str) -> str:
    """Text from a report (or a file name) for a Markdown or HTML view: shown as written, never as markup.

    The chat and the findings are rendered as Markdown: HTML escaping alone would let ``![t](http://…)`` in a report
    load an image from anywhere; as character references, every character shows as typed.
    """
    return text.translate(_MARKUP)


def error_zh(message: str) -> str:
    """A reader error in Chinese (unknown ones keep their text after a Chinese lead-in)."""
    for pattern, chinese in ERRORS_ZH:
        if re.match(pattern, message):
            return re.sub(pattern, chinese, message)
    return f"无法读取（{message}）"


def method_zh(method: str) -> str:
    """How a value was read, in Chinese."""
    return METHOD_ZH.get(method, method)


def report_link(report_id: str, path: str | None = None) -> str:
    """The address that opens a stored report (at a cell) in the Records view."""
    query = {"report": report_id} | ({"cell": path} if path else {})
    return "?" + urlencode(query)


def citation_html(n: int, c: Citation) -> str:
    """One source: who, year, where (table, official row and column, printed value, page), the quote, a link."""
    parts = [f"{c.issuer or '（未知单位）'} {c.year or ''}年"]
    if c.table and c.path:
        cell = f"表{c.table} {c.row or ''}" + (f" / {c.column}" if c.column else "")
        parts.append(cell + (f" = {c.printed}" if c.printed not in (None, "") else ""))
    elif c.section:
        parts.append(f"{c.section}、{SECTION_NAMES.get(c.section, '')}")
    if c.rule:
        parts.append(f"规则 {c.rule}")
    if c.page:
        parts.append(f"第{c.page}页")
    where = as_text(" · ".join(p for p in parts if p.strip()))
    link = f' <a href="{html.escape(report_link(c.report_id, c.path))}" target="_blank">在报告库中打开</a>'
    quote = f"<blockquote>{as_text(c.quote)}</blockquote>" if c.quote else ""
    return f"<details><summary>[{n}] {where}</summary>{quote}{link}</details>"


def answer_html(result: Answer) -> str:
    """An answer: what was understood (bold), the text, then each source expandable, with its link."""
    lines = as_text(result.answer).split("\n")
    if result.understood and lines and lines[0] == as_text(result.understood):
        lines[0] = f"<b>{lines[0]}</b>"
    parts = ["<br>".join(lines)]
    parts += [citation_html(n, c) for n, c in enumerate(result.citations[:30], 1)]
    if len(result.citations) > 30:
        parts.append(f"（另有 {len(result.citations) - 30} 个来源未列出）")
    return "\n".join(parts)


def report_choices(rows: list[ReportRow]) -> list[tuple[str, str]]:
    """(label, report id) of every stored report, for the Records view's picker."""
    return [(f"{r.issuer or '（未识别单位）'} {r.year or ''}年 · {r.file}", r.report_id) for r in rows]
