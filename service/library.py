"""The library: extract + store + index in one step (``nianbao ingest``), resumable, skipping unchanged files."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch import collect_inputs, failed_for, file_sha256, read_file
from service.cluster import ActorEmbedder
from service.config import Settings
from service.extract.reader import READER_VERSION
from service.index.chunks import Chunk, make_chunks, section_texts
from service.index.search import Index
from service.index.tokens import tokenize
from service.ingest import Document
from service.locate.sections import find_sections
from service.locks import FolderLock, NoLocks
from service.store import Store
from service.store.db import open_store, report_id_of
from service.workers import run_jobs

READ_WAIT_S = 60.0  # a question waits at most this long for a commit (commits take seconds)

INDEX_BATCH = 1000  # chunks per Chroma write
STORE_VERSION = f"{READER_VERSION}/chunks-3"  # a new reader or chunker re-reads the files given to ingest


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


def open_library(settings: Settings, *, on_ray: bool = False) -> tuple[Store, Index]:
    """The store and the index the settings name (callers that share the library go through ``Library``);
    ``on_ray``: the vectors are computed by Ray actors."""
    store = open_store(settings)
    return store, Index(settings, store, on_ray=on_ray)


class Library:
    """The library (the store and the index) as one process sees it.

    Questions run inside ``reading()``; a writer holds ``writing()`` for its run and writes inside ``commit()``.
    Every commit changes the library's generation (kept in the store). A process that finds a generation it has
    not loaded reopens the index (Chroma's in-memory copy, the BM25 over the chunks) before it answers. Opening
    Chroma's files can write them (Chroma replays its log), so opening happens under the exclusive lock.
    What the locks cover: this process and others on this machine using the same folder (``service/locks.py``).
    On the servers (PostgreSQL and a Chroma server both set) there are no folder locks: many processes, on many
    machines, write at once (the store takes turns per report) and readers still reload by the generation.
    """

    def __init__(self, settings: Settings, *, on_ray: bool = False) -> None:
        self.settings = settings
        on_servers = settings.database_url is not None and settings.chroma_url is not None
        self.locks: FolderLock | NoLocks = NoLocks() if on_servers else FolderLock(Path(settings.home))
        self.on_ray = on_ray
        self._opened: tuple[Store, Index] | None = None
        self._generation = ""
        self._mutex = threading.Lock()

    def open(self) -> tuple[Store, Index]:
        """The store and index, opened (or reopened after another process wrote) if needed."""
        if self._opened is not None and self._current():
            return self._opened
        with self.locks.exclusive(READ_WAIT_S), self._mutex:
            return self._load()

    @contextmanager
    def reading(self) -> Iterator[tuple[Store, Index]]:
        """The store and index as of a finished commit; no commit starts until the block ends."""
        while True:
            with self.locks.shared(READ_WAIT_S):
                if self._opened is not None and self._current():
                    yield self._opened
                    return
            with self.locks.exclusive(READ_WAIT_S), self._mutex:
                self._load()

    @contextmanager
    def writing(self, on_wait: Callable[[str], object] | None = None, wait_s: float | None = None) -> Iterator[None]:
        """This process is the library's one writer until the block ends (others wait, then give up)."""
        with self.locks.writer(self.settings.lock_wait_s if wait_s is None else wait_s, on_wait):
            yield

    @contextmanager
    def commit(self) -> Iterator[tuple[Store, Index]]:
        """Write the store and the index together; readers wait for the end of the block (call within writing())."""
        with self.locks.exclusive(), self._mutex:
            store, index = self._load()
            generation = uuid.uuid4().hex
            store.set_setting("generation", generation)  # first: a crash inside the block still makes readers reload
            yield store, index
            self._generation = generation

    def close(self) -> None:
        """Close the store and the index."""
        if self._opened is not None:
            store, index = self._opened
            index.vectors.close()
            store.close()
            if isinstance(index.embedder.inner, ActorEmbedder):
                index.embedder.inner.close()  # the actors of this run
            self._opened = None

    def _current(self) -> bool:
        assert self._opened is not None
        return self._opened[0].generation() == self._generation

    def _load(self) -> tuple[Store, Index]:
        """Under the exclusive lock: open, or reopen what another process changed."""
        if self._opened is None:
            self._opened = open_library(self.settings, on_ray=self.on_ray)
        elif self._current():
            return self._opened
        else:
            self._opened[1].refresh()
        store, index = self._opened
        index.vectors.count()  # Chroma loads (and may rewrite) its files here, while nobody else reads them
        self._generation = store.generation()
        return self._opened


def _prepare(path: str, settings_json: str) -> str:
    """Worker: read one file; return its record, section texts and chunks as JSON."""
    settings = Settings.model_validate_json(settings_json)
    record, doc = read_file(Path(path), settings)
    return _prepared(record.to_json_dict(), doc)


def _prepared(data: dict[str, Any], doc: Document | None) -> str:
    sections: dict[str, str] = {}
    chunks: list[tuple[str, str, int | None, str, str]] = []
    if doc is not None and data["status"] != "failed":
        found = find_sections(doc.text)
        sections = section_texts(doc, found)
        rid = report_id_of(data["source"]["sha256"])
        meta = data.get("meta") or {}
        who = f"{meta.get('issuer') or ''} {meta.get('year') or ''}年 "
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
    library: Library | None = None,
    on_wait: Callable[[str], object] | None = None,
    wait_s: float | None = None,
) -> IngestResult:
    """Extract, store and index every new or changed file; unchanged files cost nothing.

    Files are read in worker processes; their reports are committed (store and index together) in batches of
    about ``INDEX_BATCH`` chunks, so questions asked meanwhile see whole batches, never half of one.
    """
    from tqdm import tqdm

    own = library is None
    lib = library or Library(settings, on_ray=settings.ray is not None)
    try:
        with lib.writing(on_wait, wait_s):
            return _ingest(paths, settings, lib, progress and tqdm)
    finally:
        if own:
            lib.close()


def _ingest(paths: list[Path], settings: Settings, lib: Library, bar_class: Any) -> IngestResult:
    store, index = lib.open()
    result = IngestResult()
    todo = []
    current = store.get_setting("reader") == STORE_VERSION
    if not current and store.state()[0] == 0:  # an empty store holds nothing older: a killed first run resumes too
        with lib.commit() as (store, _):
            store.set_setting("reader", STORE_VERSION)
        current = True
    for path in collect_inputs(paths):
        digest = file_sha256(path)
        if digest and current and store.has(digest):
            result.skipped += 1
        else:
            todo.append(path)
    bar = bar_class(total=len(todo), desc="ingest", unit="file", file=sys.stderr) if bar_class else None
    before = index.embedder.computed
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    pending: list[dict[str, Any]] = []
    for outcome in run_jobs(_prepare, [str(p) for p in todo], settings):
        if outcome.value is None:
            payload = _prepared(failed_for(Path(outcome.path), outcome.error or "").to_json_dict(), None)
        else:
            payload = outcome.value
        item = json.loads(payload)
        result.added.append(item["record"])
        if item["record"]["source"]["sha256"]:
            pending.append(item)
            result.chunks += len(item["chunks"])
        if sum(len(p["chunks"]) for p in pending) >= INDEX_BATCH:
            _commit(lib, pending, now)  # a kill after this loses nothing committed; the rest is read again
            pending = []
        if bar is not None:
            bar.update(1)
    _commit(lib, pending, now)
    if bar is not None:
        bar.close()
    if store.get_setting("reader") != STORE_VERSION:
        with lib.commit() as (store, _):
            store.set_setting("reader", STORE_VERSION)
    result.chunks += _reindex_missing(lib)
    result.embedded = index.embedder.computed - before
    if any(r["status"] != "failed" for r in result.added):
        result.review = _review(store, result.added, settings)
    return result


def _commit(lib: Library, items: list[dict[str, Any]], now: str) -> None:
    """Index and store these reports in one commit; vectors are computed before it, so readers wait little.

    The index is written first: a report in the store has its vectors, even when the run is killed in between
    (the rerun reads a report it does not find in the store again), and on the servers, where other processes
    write at once, the store's count of chunks never runs ahead of the index's.
    """
    if not items:
        return
    _, index = lib.open()
    index.embedder.passages([c[3] for item in items for c in item["chunks"]])  # the slow part, cached by text
    with lib.commit() as (store, index):
        index.add_many(
            [
                (
                    report_id_of(item["record"]["source"]["sha256"]),
                    (item["record"].get("meta") or {}).get("issuer"),
                    (item["record"].get("meta") or {}).get("year"),
                    [Chunk(c[0], c[1], c[2], c[3]) for c in item["chunks"]],
                )
                for item in items
            ]
        )
        store.put_many(
            [(item["record"], item["sections"], [tuple(c) for c in item["chunks"]]) for item in items], now=now
        )


def _review(store: Store, added: list[dict[str, Any]], settings: Settings) -> str:
    """The cross-report review after new reports; one line about the bodies they belong to."""
    from service.review import alias_table, review_touched

    issuers = [(r.get("meta") or {}).get("issuer") for r in added]
    aliases = alias_table(settings.aliases, Path(settings.home))
    return review_touched(store, issuers, threshold=settings.copy_threshold, aliases=aliases)


def _reindex_missing(lib: Library) -> int:
    """Index stored chunks the vector index lacks (e.g. after switching the embedding model)."""
    store, index = lib.open()
    rows = store.chunks()
    if index.vectors.count() >= len(rows):
        return 0
    by_report: dict[str, list[Chunk]] = {}
    for chunk_id, rid, section, page, text, _ in rows:
        by_report.setdefault(rid, []).append(Chunk(chunk_id, section, page, text))
    meta = store.report_meta(sorted(by_report))
    batch = [(rid, *meta.get(rid, (None, None, ""))[:2], chunks) for rid, chunks in by_report.items()]
    for start in range(0, len(batch), 50):
        part = batch[start : start + 50]
        index.embedder.passages([c.text for *_, chunks in part for c in chunks])  # before the commit, as above
        with lib.commit() as (_, index):
            index.add_many(part)
    return len(rows)
