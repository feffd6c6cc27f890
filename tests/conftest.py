"""Shared fixtures. Tests are offline by construction: nothing here reaches a network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "evals" / "data" / "samples"
GOLD = ROOT / "evals" / "gold"


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    for key in ("NIANBAO_HOME", "NIANBAO_JOBS", "NIANBAO_MAX_FILE_MB"):
        monkeypatch.delenv(key, raising=False)
    # a developer's .env may name an endpoint: LLM mode stays off unless a test turns it on (the env var wins)
    monkeypatch.setenv("NIANBAO_LLM", "false")
    monkeypatch.setattr("service.llm.ALLOW_REMOTE", False)  # only fakes on 127.0.0.1 can be called


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "data")


def sample(name: str) -> Path:
    return next(SAMPLES.glob(name + "*"))


def gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
