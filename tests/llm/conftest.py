"""Fixtures for the LLM reader: the fake OpenAI-compatible server, settings pointing at it, test documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.fake_openai import FakeOpenAI, Reply
from service.config import Settings
from service.schema.fields import COLUMN_KEYS
from tests.conftest import SAMPLES

PINGTAN = SAMPLES / "pingtan-zone-2023.txt"
FULL = SAMPLES / "003_9da54bdadbdcae0a.txt"  # every table read by the template reader
# a reading of pingtan's run-together '132470' (the report itself does not decide it)
PINGTAN_TRUTH = {
    "active_disclosure.normative_documents.repealed": 1,
    "active_disclosure.normative_documents.in_force": 32470,
}
GRANTED_ROW = "（一）予以公开\n\t3\n\t0\n\t0\n\t0\n\t0\n\t0\n\t3\n"
GRANTED = {f"applications.granted.{c}": v for c, v in zip(COLUMN_KEYS, [3, 0, 0, 0, 0, 0, 3], strict=True)}


def variant_of_003(folder: Path, name: str, row: str) -> Path:
    """Sample 003 with its （一）予以公开 row replaced by ``row`` (the template reader cannot read it)."""
    text = FULL.read_text(encoding="utf-8")
    assert GRANTED_ROW in text
    path = folder / name
    path.write_text(text.replace(GRANTED_ROW, row), encoding="utf-8")
    return path


@pytest.fixture
def extra_cells_doc(tmp_path: Path) -> Path:
    """The granted row printed with nine cells: 3 0 0 0 0 0 3 0 0 (two stray zeros)."""
    return variant_of_003(tmp_path, "nine-cells.txt", "（一）予以公开\n\t3\n\t0\n\t0\n\t0\n\t0\n\t0\n\t3\n\t0\n\t0\n")


@pytest.fixture
def garbage_doc(tmp_path: Path) -> Path:
    """The granted row's numbers replaced by x: nothing there to quote."""
    return variant_of_003(tmp_path, "garbage.txt", "（一）予以公开\n" + "\tx\n" * 7)


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[dict[str, Any]], Reply]], FakeOpenAI]]:
    """Start fake servers on 127.0.0.1 (stopped after the test)."""
    servers: list[FakeOpenAI] = []

    def start(script: Callable[[dict[str, Any]], Reply]) -> FakeOpenAI:
        fake = FakeOpenAI(script).__enter__()
        servers.append(fake)
        return fake

    yield start
    for fake in servers:
        fake.__exit__(None, None, None)


def llm_settings(home: Path, base_url: str, **more: Any) -> Settings:
    """Settings for LLM mode against the fake (no .env file read)."""
    values: dict[str, Any] = {
        "home": home,
        "openai_base_url": base_url,  # may be overridden by ``more``
        "openai_api_key": "test-key",
        "chat_model": "fake-chat-1",
        "llm_timeout_s": 5.0,
        "llm_retries": 2,
        **more,
    }
    return Settings(_env_file=None, **values)
