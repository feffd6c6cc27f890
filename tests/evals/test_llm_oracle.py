"""The LLM path against the oracle model (a fast subset: the samples); make evals runs it over every case."""

from __future__ import annotations

from evals.llm_oracle import MODES, run_oracle
from evals.run import _cases


def test_no_misread_is_kept_and_right_answers_are_rarely_refused() -> None:
    scores = run_oracle([(name, source, gold) for name, _, source, gold in _cases("samples")])
    assert set(scores) == set(MODES)
    for mode, score in scores.items():
        assert score.asked > 500, mode
        assert score.misreads_accepted == [], mode
        assert len(score.right_refused) <= 0.02 * score.right_answered, (mode, score.right_refused)
    assert scores["misreading"].misreads_answered > 100 and scores["wrong_row"].misreads_answered > 20
    assert scores["perfect"].filled >= 0.995 * scores["perfect"].asked
    assert scores["lazy"].filled == 0
