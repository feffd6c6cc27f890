"""Chroma: the only module that imports chromadb. Vectors are computed by us and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from service.errors import IndexStoreError

COLLECTION = "nianbao-chunks-{name}"


class VectorIndex:
    """A Chroma collection of chunk vectors with issuer/year/section metadata."""

    def __init__(self, path: Path, embedder_name: str, url: str | None = None) -> None:
        self._where = (path, embedder_name, url)
        self._open()

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path, embedder_name, url = self._where
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        self._client: Any
        try:
            if url:
                self._client = _server(url, chroma_settings)
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            self._col = self._client.get_or_create_collection(
                COLLECTION.format(name=embedder_name), metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        except Exception as exc:  # chromadb raises many kinds of errors (connection, sqlite, config)
            raise IndexStoreError(f"cannot open the vector index ({type(exc).__name__}: {exc})") from exc

    def reopen(self) -> None:
        """Read the collection again from disk, e.g. after another process wrote to it.

        An embedded client keeps the vector index it loaded in memory; once another process has written, that copy
        no longer matches Chroma's metadata (queries fail with "Error finding id"). Closing the last client of a
        path drops the copy; the next one loads the index from disk. A Chroma server answers from its own state.
        """
        if self._where[2]:
            return
        self.close()
        self._open()

    def close(self) -> None:
        """Release the client (and, for the last client of a path, Chroma's in-memory index)."""
        self._client.close()

    def count(self) -> int:
        """Number of stored vectors."""
        return int(self._col.count())

    def ids(self) -> set[str]:
        """Every stored chunk id (consistency checks)."""
        return set(self._col.get(include=[])["ids"])

    def upsert(self, ids: list[str], vectors: np.ndarray, texts: list[str], metas: list[dict[str, Any]]) -> None:
        """Add or replace chunks (ids are stable, so re-indexing is idempotent)."""
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self._col.upsert(
                ids=ids[start:end],
                embeddings=vectors[start:end].tolist(),
                documents=texts[start:end],
                metadatas=metas[start:end],
            )

    def delete_reports(self, report_ids: list[str]) -> None:
        """Remove every chunk of these reports."""
        where: Any = {"report_id": {"$in": report_ids}}
        self._col.delete(where=where)

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their cosine distances."""
        n = self.count()
        if n == 0:
            return []
        result = self._col.query(
            query_embeddings=[vector.tolist()], n_results=min(k, n), where=where or None, include=["distances"]
        )
        distances = result["distances"] or [[]]
        return list(zip(result["ids"][0], distances[0], strict=True))

    def similarity(self, ids: list[str], vector: np.ndarray) -> dict[str, float]:
        """Cosine similarity of some stored chunks to a vector (the stored vectors are unit length)."""
        if not ids:
            return {}
        got = self._col.get(ids=ids, include=["embeddings"])
        embeddings = got["embeddings"] if got["embeddings"] is not None else []
        return {
            i: float(np.dot(np.asarray(e, dtype=np.float32), vector))
            for i, e in zip(got["ids"], embeddings, strict=True)
        }


def _server(url: str, chroma_settings: Any) -> Any:
    """A client of the Chroma server at ``http(s)://host:port[/database]`` (the database is created if missing)."""
    import chromadb
    from chromadb.config import DEFAULT_DATABASE

    parts = urlsplit(url)
    host, ssl = parts.hostname or "localhost", parts.scheme == "https"
    port = parts.port or (443 if ssl else 8000)
    database = parts.path.strip("/") or DEFAULT_DATABASE
    if database != DEFAULT_DATABASE:
        admin = chromadb.AdminClient(
            chroma_settings.model_copy(
                update={
                    "chroma_api_impl": "chromadb.api.fastapi.FastAPI",
                    "chroma_server_host": host,
                    "chroma_server_http_port": port,
                    "chroma_server_ssl_enabled": ssl,
                }
            )
        )
        try:
            admin.create_database(database)
        except Exception as exc:  # another process created it first
            if "already exists" not in str(exc):
                raise
    return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings, database=database)
