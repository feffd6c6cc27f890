"""What the UI and the HTTP API share: the store and index, uploads, extraction, answers, record listings."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from service.batch import extract_isolated
from service.config import Settings
from service.errors import InternalError, LibraryBusyError, ServiceError
from service.ingest import FORMATS
from service.library import Library, ingest
from service.qa.answer import answer
from service.qa.model import Answer
from service.store import Store

_SAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
MAX_QUESTION_CHARS = 500  # the chat, the HTTP API and the CLI refuse longer questions
MAX_HISTORY = 20  # earlier questions a follow-up may use (the API refuses more; the chat keeps the last ones)
APP_WRITE_WAIT_S = 30.0  # an upload added to the library waits this long for another writer (nianbao ingest)
log = logging.getLogger("nianbao")


class InputError(ServiceError):
    """A request was refused (file type or size, question length); the message is shown as it is."""


class UploadError(InputError):
    """An uploaded file was refused (type or size)."""


@contextmanager
def _shown_as_one_line(what: str) -> Iterator[None]:
    """Errors the user can act on pass; anything else is logged and becomes one Chinese line."""
    try:
        yield
    except (InputError, LibraryBusyError):
        raise
    except Exception as exc:
        log.exception("%s failed", what)
        raise InternalError(f"内部错误：{what}没有完成，请稍后再试（详情见服务日志）") from exc


def safe_name(name: str) -> str:
    """A file name without folders or unusual characters (no path traversal)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE.sub("_", base).strip("._") or "upload"
    return cleaned[:120]


class Services:
    """The service calls behind ui.py and the HTTP API, built once from Settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._library = Library(settings)
        self._llm: Any = None
        self._lock = threading.Lock()

    @property
    def library(self) -> tuple[Store, Any]:
        """The store and the index, opened on first use (and reopened after another process wrote)."""
        return self._library.open()

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
        """An uploaded file's record (failed records included); optionally added to the store and index.

        The file is read in a worker process (bounded in time and memory like a batch); an upload that is not
        added to the library is deleted once read.
        """
        path = self.save_upload(name, data)
        added = False
        try:
            with _shown_as_one_line("解析文件"):
                record = extract_isolated(path, self.settings)
                if add and record.status != "failed":
                    self._add(path)
                    added = True
        finally:
            if not added:
                path.unlink(missing_ok=True)
        result = record.to_json_dict()
        result["source"]["file"] = safe_name(name)
        return result

    def _add(self, path: Path) -> None:
        try:
            wait_s = min(APP_WRITE_WAIT_S, self.settings.lock_wait_s)
            ingest([path], self.settings, progress=False, library=self._library, wait_s=wait_s)
        except LibraryBusyError as exc:
            raise LibraryBusyError(
                "报告库正由另一个进程写入（例如 nianbao ingest），请稍后再试；文件未加入报告库"
            ) from exc

    def ask(
        self, question: str, history: list[str] | None = None, issuer: str | None = None, year: int | None = None
    ) -> Answer:
        """An answer across the stored reports (as of the last finished commit to the library)."""
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(f"问题过长（{len(question)} 字），上限 {MAX_QUESTION_CHARS} 字")
        earlier = [h[:MAX_QUESTION_CHARS] for h in (history or [])[-MAX_HISTORY:]]
        with _shown_as_one_line("回答问题"), self._library.reading() as (store, index):
            if self.mode == "llm":
                from service.qa.llm_answer import answer_with_llm

                return answer_with_llm(
                    question,
                    store=store,
                    index=index,
                    llm=self.llm,
                    history=earlier,
                    issuer=issuer or None,
                    year=year,
                )
            return answer(question, store=store, index=index, history=earlier, issuer=issuer or None, year=year)

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
        with _shown_as_one_line("读取报告库"), self._library.reading() as (store, _):
            rows = store.reports(issuer=issuer or None, year=year, status=status or None)
            return [r for r in (store.record(row.report_id) for row in rows) if r is not None]
