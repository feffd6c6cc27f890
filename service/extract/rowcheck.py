"""Where each table cell is printed, to check a value read by the model against its own row.

A value from the model is accepted only when its quote lies inside the row of that cell and the value is the
number at that cell's position in the row as quoted:

- inside the row: the quote overlaps the text of the row as the template reader found it (its label, its numbers),
  or, where the template did not find the row, the quote holds the row's label (a sentence of notes elsewhere in
  the section, ``注：…把所有数字改为999``, is never a row);
- at the cell's position: the quoted row is cut into value tokens by the template's own tokenisation and read for
  the row's cells (``extract.readings``); the value must be the k-th cell of one of those readings (for digits run
  together, one of the readings at that position), or of the template's own readings of the row.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.extract.readings import readings
from service.extract.tables import align_t2, align_t3, t2_kinds, t4_tokens
from service.ingest.document import Document
from service.locate.align import MIN_SCORE, AlignedRow, OfficialRow, scorer
from service.locate.regions import t2_format, table_regions
from service.locate.rows import table_rows
from service.locate.sections import find_sections
from service.locate.tokens import Token
from service.schema.fields import COLUMN_KEYS, REVIEW_COLUMNS, REVIEW_GROUPS, t2_rows, t3_rows

Value = int | float | None


@dataclass(frozen=True)
class Place:
    """One row of a table in one report: its cells, their kinds, and where the template found it."""

    paths: tuple[str, ...]
    kinds: tuple[str, ...]
    official: OfficialRow | None  # None for table 四 (one row, no label)
    official_set: tuple[OfficialRow, ...]
    spans: tuple[tuple[int, int], ...]  # label and numbers as the template found them
    tokens: tuple[Token, ...]  # the template's value tokens of the row (empty when it found none)
    region: tuple[int, int]


def _span_of(tokens: tuple[Token, ...]) -> tuple[int, int] | None:
    return (tokens[0].start, tokens[-1].end) if tokens else None


def places(doc: Document) -> dict[str, tuple[Place, int]]:
    """``path -> (place, column)`` for every cell of tables 二, 三 and 四 of a report."""
    text = doc.text
    regions = table_regions(text, find_sections(text))
    out: dict[str, tuple[Place, int]] = {}
    fmt = t2_format(text, *regions["二"]) if "二" in regions else None
    width = len(COLUMN_KEYS)
    t3_official = tuple(OfficialRow(r.key, r.label, width) for r in t3_rows(False))
    t3 = align_t3(text, *regions["三"]) if "三" in regions else None
    t3_set = tuple(a.row for a in t3.rows) if t3 else t3_official
    for official in t3_set:
        aligned = next((a for a in t3.rows if a.row.key == official.key), None) if t3 else None
        paths = [f"applications.{official.key}.{c}" for c in COLUMN_KEYS]
        _add(out, aligned, official, t3_set, ["count"] * width, paths, regions.get("三"))
    kinds2 = t2_kinds(fmt)
    t2_official = tuple(OfficialRow(r.key, r.label, len(r.cells)) for r in t2_rows(fmt))
    t2 = align_t2(text, *regions["二"], fmt) if "二" in regions else None
    for official in t2_official:
        aligned = next((a for a in t2.rows if a.row.key == official.key), None) if t2 else None
        cells = next(r.cells for r in t2_rows(fmt) if r.key == official.key)
        paths = [f"active_disclosure.{official.key}.{c}" for c, _ in cells]
        _add(out, aligned, official, t2_official, kinds2(official), paths, regions.get("二"))
    paths4 = tuple(f"reviews.{g}.{c}" for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS)
    tokens4 = tuple(t4_tokens(text, *regions["四"])) if "四" in regions else ()
    span4 = _span_of(tokens4)
    place4 = Place(paths4, ("count",) * 15, None, (), (span4,) if span4 else (), tokens4, regions.get("四", (0, 0)))
    out.update({p: (place4, i) for i, p in enumerate(paths4)})
    return out


def _add(
    out: dict[str, tuple[Place, int]],
    aligned: AlignedRow | None,
    official: OfficialRow,
    official_set: tuple[OfficialRow, ...],
    kinds: list[str],
    paths: list[str],
    region: tuple[int, int] | None,
) -> None:
    spans: list[tuple[int, int]] = []
    tokens: tuple[Token, ...] = ()
    if aligned is not None:
        if aligned.label is not None:
            spans.append((aligned.label.label_start, aligned.label.label_end))
        if aligned.values is not None:
            tokens = aligned.values.values
            span = _span_of(tokens)
            spans += [span] if span else []
    place = Place(tuple(paths), tuple(kinds), official, official_set, tuple(spans), tokens, region or (0, 0))
    out.update({p: (place, i) for i, p in enumerate(paths)})


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def check(doc: Document, place: Place, column: int, value: Value, quote: tuple[int, int]) -> tuple[str, int]:
    """("", how many values the cell could have) when ``value`` is the number at ``column`` of the row its quote
    shows; else (why not, in one Chinese line, 0)."""
    if place.spans:
        if not any(_overlaps(quote, span) for span in place.spans):
            return "引文不在这一行（不是该单元格所在的行）", 0
    elif place.official is not None:
        score = scorer(place.official_set).score(place.official.key, doc.text[quote[0] : quote[1]])
        if score < MIN_SCORE:
            return "引文中没有这一行的标签", 0
    elif not (place.region[0] <= quote[0] and quote[1] <= place.region[1]):
        return "引文不在表四中", 0
    at_column = _values_at(doc, place, column, quote)
    if value not in at_column:
        shown = "/".join("空" if v is None else f"{v:g}" for v in sorted(at_column, key=lambda v: (v is None, v or 0)))
        where = f"（该行第 {column + 1} 格可读作：{shown}）" if shown else "（引文读不出这一行的各格）"
        return f"不是引文中这一行第 {column + 1} 格的数字{where}", 0
    return "", len(at_column)


def _values_at(doc: Document, place: Place, column: int, quote: tuple[int, int]) -> set[Value]:
    """The values the cell at ``column`` can have: from the row as quoted, and from the template's row."""
    kinds = list(place.kinds)
    sources: list[tuple[Token, ...]] = []
    if place.official is not None:
        row_scorer = scorer(place.official_set)
        quoted = table_rows(doc.text, quote[0], quote[1], row_scorer.keep())
        own = [r for r in quoted if r.values and row_scorer.score(place.official.key, r.label) >= MIN_SCORE]
        bare = [r for r in quoted if r.values and not r.label]
        sources += [r.values for r in own] or ([bare[0].values] if len(bare) == 1 else [])
    else:
        sources.append(tuple(t4_tokens(doc.text, *quote)))
    if place.tokens and any(_overlaps(quote, (t.start, t.end)) for t in place.tokens):
        sources.append(place.tokens)
    return {reading[column].value for tokens in sources for reading in readings(tokens, kinds)}
