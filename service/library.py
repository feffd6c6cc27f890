"""The library: extract + store + index in one step (``nianbao ingest``), resumable, skipping unchanged files."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch import collect_inputs, file_sha256, in_workers, read_file
from service.config import Settings
from service.extract.reader import READER_VERSION
from service.index.chunks import Chunk, make_chunks, section_texts
from service.index.search import Index
from service.index.tokens import tokenize
from service.locate.sections import find_sections
from service.store import Store
from service.store.db import report_id_of

INDEX_BATCH = 1000  # chunks per Chroma write
STORE_VERSION = f"{READER_VERSION}/chunks-2"  # a new reader or chunker re-reads the files given to ingest


@dataclass
class IngestResult:
    """What an ingest run did."""

    added: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    chunks: int = 0
    embedded: int = 0
    review: str = ""  # the cross-report review of the bodies touched

    def summary(self) -> str:
        """Plain-text summary."""
        failed = [r for r in self.added if r["status"] == "failed"]
        lines = [
            f"files: {len(self.added) + self.skipped} (new or changed: {len(self.added)}, unchanged: {self.skipped})",
            f"chunks indexed: {self.chunks} (vectors computed: {self.embedded}, the rest from the cache)",
        ]
        lines += [f"failed: {r['source']['file']}: {r.get('error')}" for r in failed[:20]]
        lines += [self.review] if self.review else []
        return "\n".join(lines)


def open_library(settings: Settings) -> tuple[Store, Index]:
    """The store and the index under the data dir."""
    store = Store(Path(settings.home) / "nianbao.sqlite")
    return store, Index(settings, store)


def _prepare(path: str, settings_json: str) -> str:
    """Worker: read one file; return its record, section texts and chunks as JSON."""
    settings = Settings.model_validate_json(settings_json)
    record, doc = read_file(Path(path), settings)
    data = record.to_json_dict()
    sections: dict[str, str] = {}
    chunks: list[tuple[str, str, int | None, str, str]] = []
    if doc is not None and record.status != "failed":
        found = find_sections(doc.text)
        sections = section_texts(doc, found)
        rid = report_id_of(record.source.sha256)
        who = f"{record.meta.issuer or ''} {record.meta.year or ''}年 "
        chunks = [
            (c.chunk_id, c.section, c.page, c.text, " ".join(tokenize(who + c.text)))
            for c in make_chunks(data, doc, found, rid)
        ]
    return json.dumps({"record": data, "sections": sections, "chunks": chunks}, ensure_ascii=False)


def ingest(
    paths: list[Path],
    settings: Settings,
    *,
    progress: bool = True,
    library: tuple[Store, Index] | None = None,
) -> IngestResult:
    """Extract, store and index every new or changed file; unchanged files cost nothing."""
    from tqdm import tqdm

    store, index = library or open_library(settings)
    result = IngestResult()
    todo = []
    current = store.get_setting("reader") == STORE_VERSION
    for path in collect_inputs(paths):
        digest = file_sha256(path)
        if digest and current and store.has(digest):
            result.skipped += 1
        else:
            todo.append(path)
    bar = tqdm(total=len(todo), desc="ingest", unit="file", disable=not progress, file=sys.stderr)
    before = index.embedder.computed
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    pending: list[tuple[str, str | None, int | None, list[Chunk]]] = []
    for payload in in_workers(_prepare, todo, settings):
        item = json.loads(payload)
        record = item["record"]
        result.added.append(record)
        if record["source"]["sha256"]:
            rid = store.put(record, item["sections"], [tuple(c) for c in item["chunks"]], now=now)
            meta = record.get("meta") or {}
            chunks = [Chunk(c[0], c[1], c[2], c[3]) for c in item["chunks"]]
            pending.append((rid, meta.get("issuer"), meta.get("year"), chunks))
            result.chunks += len(chunks)
        if sum(len(p[3]) for p in pending) >= INDEX_BATCH:
            index.add_many(pending)  # a report stored but not yet indexed is indexed by the next run
            pending = []
        bar.update(1)
    index.add_many(pending)
    bar.close()
    store.set_setting("reader", STORE_VERSION)
    result.chunks += _reindex_missing(store, index)
    result.embedded = index.embedder.computed - before
    if any(r["status"] != "failed" for r in result.added):
        result.review = _review(store, result.added, settings)
    if library is None:
        store.close()
    return result


def _review(store: Store, added: list[dict[str, Any]], settings: Settings) -> str:
    """The cross-report review after new reports; one line about the bodies they belong to."""
    from service.review import alias_table, review_touched

    issuers = [(r.get("meta") or {}).get("issuer") for r in added]
    aliases = alias_table(settings.aliases, Path(settings.home))
    return review_touched(store, issuers, threshold=settings.copy_threshold, aliases=aliases)


def _reindex_missing(store: Store, index: Index) -> int:
    """Index stored chunks the vector index lacks (e.g. after switching the embedding model)."""
    rows = store.chunks()
    if index.vectors.count() >= len(rows):
        return 0
    by_report: dict[str, list[Chunk]] = {}
    for chunk_id, rid, section, page, text, _ in rows:
        by_report.setdefault(rid, []).append(Chunk(chunk_id, section, page, text))
    meta = store.report_meta(sorted(by_report))
    batch = [(rid, *meta.get(rid, (None, None, ""))[:2], chunks) for rid, chunks in by_report.items()]
    for start in range(0, len(batch), 50):
        index.add_many(batch[start : start + 50])
    return len(rows)
