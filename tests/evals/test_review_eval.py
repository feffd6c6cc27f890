"""The review eval: the series generator is deterministic and independent; the scores meet the bars."""

from __future__ import annotations

from collections import Counter

from evals.review import RULES, run_review_eval, score
from evals.series import generate
from tests.conftest import ROOT


def test_the_generator_is_deterministic_and_plants_every_kind() -> None:
    a, b = generate(20, 5), generate(20, 5)
    assert [(r.file, r.issuer, r.values, r.sections) for r in a.reports] == [
        (r.file, r.issuer, r.values, r.sections) for r in b.reports
    ]
    assert a.expected == b.expected and a.aliases == b.aliases
    kinds = Counter(k[1] if k[1] != "Y-COPY" else k[2] for k in a.expected)
    assert set(kinds) == {"Y-CARRY", "Y-NORM", "一", "五", "五-peer", "tables"}
    assert len({r.issuer for r in a.reports}) > 20  # names vary between years
    assert {r.format_version for r in a.reports} == {"2019", "2021"}


def test_the_generator_imports_nothing_from_service() -> None:
    text = (ROOT / "evals" / "series.py").read_text(encoding="utf-8")
    assert "from service" not in text and "import service" not in text


def test_score_counts_per_rule() -> None:
    expected = {("a", "Y-CARRY", "total", "b"), ("a", "Y-COPY", "五", "b")}
    found = {("a", "Y-CARRY", "total", "b"), ("a", "Y-NORM", "rules", "b")}
    result = score(expected, found)
    assert (result.precision("Y-CARRY"), result.recall("Y-CARRY")) == (1.0, 1.0)
    assert (result.precision("Y-NORM"), result.recall("Y-COPY")) == (0.0, 0.0)
    assert result.false == [("a", "Y-NORM", "rules", "b")] and result.missed == [("a", "Y-COPY", "五", "b")]


def test_recall_and_precision_bars_on_a_generated_series() -> None:
    result = run_review_eval(20, 5)
    for rule in RULES:
        assert result.recall(rule) == 1.0, (rule, result.missed)
        assert result.precision(rule) >= 0.95, (rule, result.false)
