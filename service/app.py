"""What the UI and the HTTP API share: the store and index, uploads, extraction, answers, record listings."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Any

from service.batch import read_file
from service.config import Settings
from service.errors import ServiceError
from service.ingest import FORMATS
from service.library import ingest, open_library
from service.qa.answer import answer
from service.qa.model import Answer
from service.store import Store

_SAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class UploadError(ServiceError):
    """An uploaded file was refused (type or size)."""


def safe_name(name: str) -> str:
    """A file name without folders or unusual characters (no path traversal)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE.sub("_", base).strip("._") or "upload"
    return cleaned[:120]


class Services:
    """The service calls behind ui.py and the HTTP API, built once from Settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._library: tuple[Store, Any] | None = None
        self._llm: Any = None
        self._lock = threading.Lock()

    @property
    def library(self) -> tuple[Store, Any]:
        """The store and the index, opened on first use."""
        with self._lock:
            if self._library is None:
                self._library = open_library(self.settings)
            return self._library

    @property
    def mode(self) -> str:
        """``llm`` when an OpenAI-compatible endpoint is configured (and NIANBAO_LLM is not false), else ``offline``."""
        from service.llm import llm_configured

        return "llm" if llm_configured(self.settings) and self.settings.llm is not False else "offline"

    def save_upload(self, name: str, data: bytes) -> Path:
        """Keep an upload under the data dir with a safe, content-addressed name."""
        suffix = Path(safe_name(name)).suffix.lower()
        if suffix not in FORMATS:
            allowed = " ".join(sorted(FORMATS))
            raise UploadError(f"不支持的文件类型 {suffix or '（无扩展名）'}；支持：{allowed}")
        limit = self.settings.max_file_mb * 1024 * 1024
        if len(data) > limit:
            raise UploadError(f"文件过大（{len(data) / 1048576:.1f} MB），上限 {self.settings.max_file_mb:g} MB")
        folder = Path(self.settings.home) / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}_{safe_name(name)}"
        path.write_bytes(data)
        return path

    def extract(self, name: str, data: bytes, *, add: bool = False) -> dict[str, Any]:
        """An uploaded file's record (failed records included); optionally added to the store and index."""
        path = self.save_upload(name, data)
        record, _ = read_file(path, self.settings)
        result = record.to_json_dict()
        result["source"]["file"] = safe_name(name)
        if add and record.status != "failed":
            ingest([path], self.settings, progress=False, library=self.library)
        return result

    def ask(
        self, question: str, history: list[str] | None = None, issuer: str | None = None, year: int | None = None
    ) -> Answer:
        """An answer across the stored reports."""
        store, index = self.library
        if self.mode == "llm":
            from service.qa.llm_answer import answer_with_llm

            return answer_with_llm(
                question,
                store=store,
                index=index,
                llm=self.llm,
                history=history or [],
                issuer=issuer or None,
                year=year,
            )
        return answer(question, store=store, index=index, history=history or [], issuer=issuer or None, year=year)

    @property
    def llm(self) -> Any:
        """The chat client (LLM mode only), opened on first use."""
        with self._lock:
            if self._llm is None:
                from service.llm import open_llm

                self._llm = open_llm(self.settings)
            return self._llm

    def records(
        self, issuer: str | None = None, year: int | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Stored records, filtered."""
        store, _ = self.library
        rows = store.reports(issuer=issuer or None, year=year, status=status or None)
        return [r for r in (store.record(row.report_id) for row in rows) if r is not None]
