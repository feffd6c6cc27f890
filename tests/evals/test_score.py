"""The scorer: a perfect record scores 100%, a known-bad one scores badly."""

from __future__ import annotations

import copy
import json

from evals.score import score_case, summarize
from service.batch import extract_file
from service.config import Settings
from tests.conftest import GOLD, sample


def test_perfect_and_bad_records() -> None:
    gold = json.loads((GOLD / "003_9da54bdadbdcae0a.json").read_text(encoding="utf-8"))
    record = extract_file(sample("003_"), Settings()).to_json_dict()
    perfect = score_case("003", "samples", record, gold)
    assert perfect.right == perfect.cells and perfect.all_correct
    assert summarize([perfect]).cell_accuracy == 1.0

    bad = copy.deepcopy(record)
    bad["applications"]["granted"]["natural_person"] = 4
    bad["reviews"]["administrative_review"]["total"] = 0
    bad["applications"]["carried_over"]["total"] = None  # null is not 0
    bad["findings"].append({"rule": "T3-ROW", "severity": "error", "message": "x", "cells": []})
    bad["status"] = "needs_review"
    score = score_case("003", "samples", bad, gold)
    assert score.cells - score.right == 3 and not score.all_correct
    summary = summarize([score])
    assert summary.findings_precision == 0.0 and summary.status_agreement == 0.0
    assert summarize([perfect, score]).all_correct_rate == 0.5


def test_missed_findings_lower_recall() -> None:
    gold = {"cells": {}, "expected_findings": [{"rule": "T4-SUM"}, {"rule": "TX-NEW"}]}
    record = {"findings": [{"rule": "T4-SUM"}], "applications": {}, "reviews": {}}
    summary = summarize([score_case("x", "g", record, gold)])
    assert summary.findings_recall == 0.5 and summary.findings_precision == 1.0
