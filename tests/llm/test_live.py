"""Against a real OpenAI-compatible server (e.g. a local llama.cpp server); skipped unless NIANBAO_LIVE_BASE_URL is set.

    llama-server -m model.gguf --port 8080 &
    NIANBAO_LIVE_BASE_URL=http://127.0.0.1:8080/v1 NIANBAO_LIVE_MODEL=local \\
        .venv/bin/python -m pytest tests/llm/test_live.py -m slow
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.batch import extract_file, extract_file_llm
from service.extract.quotes import has_number
from service.llm import open_llm
from tests.llm.conftest import FULL, PINGTAN, llm_settings

LIVE = os.environ.get("NIANBAO_LIVE_BASE_URL")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not LIVE, reason="NIANBAO_LIVE_BASE_URL is not set")]


@pytest.mark.parametrize("path", [PINGTAN, FULL], ids=["pingtan", "003"])
def test_a_real_model_never_overwrites_and_every_value_it_gives_is_quoted(path: Path, tmp_path: Path) -> None:
    settings = llm_settings(
        tmp_path,
        str(LIVE),
        chat_model=os.environ.get("NIANBAO_LIVE_MODEL", "local"),
        structured_output=os.environ.get("NIANBAO_LIVE_METHOD", "function_calling"),
        llm_timeout_s=300.0,
        llm_concurrency=1,
    )
    record = extract_file_llm(path, settings, open_llm(settings))
    template = extract_file(path, settings)
    assert record.status in ("ok", "needs_review")
    values = record.values()
    for cell, evidence in record.evidence.items():
        if evidence.method == "template":
            assert values.get(cell) == template.values().get(cell), cell
        elif cell in values and values[cell] is not None:
            assert evidence.start is not None and evidence.end is not None
            assert has_number(evidence.quote, values[cell], zero_words=True), (cell, evidence.quote)
