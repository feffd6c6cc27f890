"""Chunks of a report for retrieval: prose by section and paragraph, tables rendered with official labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from service.ingest.document import Document
from service.locate.sections import SECTION_NAMES, Section
from service.schema.fields import COLUMN_LABELS, OTHER_HANDLING, REVIEW_COLUMNS, REVIEW_GROUPS, T3_ROWS_2021, label_of
from service.schema.record import flatten

MAX_CHARS = 300
TABLE_SECTIONS = {"二": "active_disclosure", "三": "applications", "四": "reviews"}


@dataclass(frozen=True)
class Chunk:
    """A piece of one report's text with where it comes from."""

    chunk_id: str
    section: str
    page: int | None
    text: str


def section_texts(doc: Document, sections: dict[str, Section]) -> dict[str, str]:
    """The raw text of each section (and of the part before 一, keyed "前言")."""
    out: dict[str, str] = {}
    first = min((s.start for s in sections.values()), default=len(doc.text))
    if first > 0:
        out["前言"] = doc.raw_span(0, first).strip()
    for key, section in sections.items():
        out[key] = doc.raw_span(section.body_start, section.end).strip()
    return out


def _pieces(text: str) -> list[str]:
    """Paragraphs merged or split to about MAX_CHARS characters, cut at sentence ends."""
    sentences = [s for s in re.split(r"(?<=[。；！？\n])|(?=[(（][一二三四五六七八九十][)）])", text) if s.strip()]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        sentence = " ".join(sentence.split())
        while len(sentence) > MAX_CHARS:
            pieces.append((current + sentence[: MAX_CHARS - len(current)]).strip())
            sentence = sentence[MAX_CHARS - len(current) :]
            current = ""
        starts_part = bool(re.match(r"[(（][一二三四五六七八九十][)）]", sentence))
        if current and (len(current) + len(sentence) > MAX_CHARS or starts_part):
            pieces.append(current.strip())
            current = ""
        current += sentence
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _prose(text: str) -> list[str]:
    """The prose of a table section (a paragraph before or after the table, e.g. the problems of a report whose
    heading 五 is missing): runs of lines that are not table rows, holding at least one sentence."""
    runs: list[str] = []
    run: list[str] = []
    for line in [*text.splitlines(), ""]:
        s = line.strip()
        digits = sum(c.isdigit() for c in s)
        heading = re.match(r"[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]、", s)  # （一）主要问题
        short = len(s) < 12 and not s.endswith(("。", "；", "：")) and not heading
        if not s or "|" in s or "\t" in line or short or digits > len(s) * 0.3:
            if run:
                runs.append("".join(run))
            run = []
        else:
            run.append(s)
    return [r for r in runs if "。" in r and len(r) >= 40]


def _fmt(value: Any) -> str:
    if value is None:
        return "空"
    return str(int(value)) if float(value).is_integer() else str(value)


def table_text(record: dict[str, Any], key: str) -> str:
    """A table as readable text with the official labels (non-zero applicant columns spelled out)."""
    values = flatten(record)
    if key == "二":
        parts = [f"{label_of(p)} {_fmt(v)}" for p, v in values.items() if p.startswith("active_disclosure.")]
        return "；".join(parts)
    if key == "三":
        parts = []
        for row in (*T3_ROWS_2021, OTHER_HANDLING):
            total = values.get(f"applications.{row.key}.total", "absent")
            if total == "absent":
                continue
            cols = [
                f"{COLUMN_LABELS[c]}{_fmt(values[p])}"
                for c in COLUMN_LABELS
                if c != "total"
                if (p := f"applications.{row.key}.{c}") in values and values[p] not in (0, None)
            ]
            label = label_of(f"applications.{row.key}.total").split(" / ")[0]
            parts.append(f"{label} 总计{_fmt(total)}" + (f"（{'，'.join(cols)}）" if cols else ""))
        return "；".join(parts)
    parts = []
    for group, glabel in REVIEW_GROUPS:
        cells = [f"{clabel}{_fmt(values.get(f'reviews.{group}.{c}'))}" for c, clabel in REVIEW_COLUMNS]
        parts.append(f"{glabel}：{'，'.join(cells)}")
    return "；".join(parts)


def make_chunks(record: dict[str, Any], doc: Document, sections: dict[str, Section], rid: str) -> list[Chunk]:
    """Chunks of one report; ids are ``<report id>:<section>:<n>`` so re-indexing is idempotent.

    The text names the section but not the body or year (those are metadata): the same paragraph in two
    reports is the same text, so its vector is computed once.
    """
    chunks: list[Chunk] = []
    texts = section_texts(doc, sections)
    for key, text in texts.items():
        name = SECTION_NAMES.get(key, key)
        page = doc.page_of(sections[key].body_start) if key in sections else doc.page_of(0)
        if key in TABLE_SECTIONS:
            body = table_text(record, key)
            chunks.append(Chunk(f"{rid}:{key}:0", key, page, f"【{key}、{name}】{body}"))
            for n, piece in enumerate((p for run in _prose(text) for p in _pieces(run)), 1):
                chunks.append(Chunk(f"{rid}:{key}:{n}", key, page, f"【{key}、{name}】{piece}"))
            continue
        for n, piece in enumerate(_pieces(text)):
            chunks.append(Chunk(f"{rid}:{key}:{n}", key, page, f"【{key}、{name}】{piece}"))
    return chunks
