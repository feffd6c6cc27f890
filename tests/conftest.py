"""Shared fixtures. Tests are offline by construction: nothing here reaches a network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.servers import Servers, running_servers
from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "evals" / "data" / "samples"
GOLD = ROOT / "evals" / "gold"


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    for key in ("HOME", "JOBS", "MAX_FILE_MB", "DATABASE_URL", "CHROMA_URL", "RAY"):
        monkeypatch.delenv(f"NIANBAO_{key}", raising=False)
    # a developer's .env may name an endpoint: LLM mode stays off unless a test turns it on (the env var wins)
    monkeypatch.setenv("NIANBAO_LLM", "false")
    monkeypatch.setattr("service.llm.ALLOW_REMOTE", False)  # only fakes on 127.0.0.1 can be called


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "data")


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """PostgreSQL and Chroma servers on 127.0.0.1, started once for the session (when a test needs them)."""
    with running_servers() as running:
        yield running


class Engine:
    """Where a test's library lives: ``embedded`` (SQLite and Chroma under the data dir) or ``servers``."""

    def __init__(self, name: str, servers: Servers | None) -> None:
        self.name = name
        self._servers = servers

    def settings(self, home: Path, **values: Any) -> Settings:
        """Settings of a new, empty library (its data dir, for the caches, at ``home``)."""
        return Settings(home=home, **(self._servers.library() if self._servers else {}), **values)

    def env(self, settings: Settings) -> dict[str, str]:
        """The environment that names the same library for another process."""
        env = {"NIANBAO_HOME": str(settings.home), "NIANBAO_EMBEDDING": settings.embedding}
        if settings.database_url and settings.chroma_url:
            env |= {"NIANBAO_DATABASE_URL": settings.database_url, "NIANBAO_CHROMA_URL": settings.chroma_url}
        return env


@pytest.fixture(scope="module", params=["embedded", "servers"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The store and index tests run against both: the embedded default and PostgreSQL + Chroma server."""
    return Engine(request.param, request.getfixturevalue("servers") if request.param == "servers" else None)


def sample(name: str) -> Path:
    return next(SAMPLES.glob(name + "*"))


def gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
