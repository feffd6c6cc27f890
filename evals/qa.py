"""Question answering evals: numeric exact match, citation correctness, retrieval hit@3, declining."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.config import Settings
from service.library import ingest, open_library
from service.llm import LLM
from service.qa.answer import Answer, answer, unsupported_numbers
from service.qa.llm_answer import answer_with_llm

QUESTIONS = Path(__file__).resolve().parent / "qa" / "questions.json"
SAMPLES = Path(__file__).resolve().parent / "data" / "samples"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class QAScore:
    """Per-kind counts."""

    total: dict[str, int] = field(default_factory=dict)
    right: dict[str, int] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, kind: str, ok: bool, note: str) -> None:
        """Count one question."""
        self.total[kind] = self.total.get(kind, 0) + 1
        self.right[kind] = self.right.get(kind, 0) + int(ok)
        if not ok:
            self.wrong.append(note)

    def rate(self, kinds: tuple[str, ...]) -> float:
        """Share right over some kinds."""
        total = sum(self.total.get(k, 0) for k in kinds)
        return sum(self.right.get(k, 0) for k in kinds) / total if total else 1.0


def check(item: dict[str, Any], result: Answer) -> bool:
    """Whether one answer is right for its question's kind."""
    expect = item["expect"]
    kind = item["kind"]
    if kind == "unanswerable":
        return not result.found
    if kind == "text":
        want = _squash(expect["quote"])
        return any(
            c.issuer == expect["issuer"] and c.section == expect["section"] and want in _squash(c.quote)
            for c in result.citations[:3]
        )
    if kind == "findings":
        return {c.issuer for c in result.citations} == set(expect["issuers"]) and result.found
    ok = result.found
    if "value" in expect:
        ok = ok and (result.value == expect["value"] if expect["value"] is not None else result.value is None)
    if "issuer" in expect:
        ok = ok and bool(result.citations) and all(c.issuer == expect["issuer"] for c in result.citations)
    if "top" in expect:
        ok = ok and bool(result.items) and result.items[0].issuer == expect["top"]
    return ok


def run_qa(settings: Settings, llm: LLM | None = None) -> QAScore:
    """Ingest the samples into ``settings.home`` (cached), answer every question, score."""
    ingest([SAMPLES], settings, progress=False)
    store, index = open_library(settings)
    score = QAScore()
    for item in json.loads(QUESTIONS.read_text(encoding="utf-8")):
        history = item.get("history", [])
        if llm is None:
            result = answer(item["question"], store=store, index=index, history=history)
        else:
            result = answer_with_llm(item["question"], store=store, index=index, llm=llm, history=history)
        ok = check(item, result)
        score.add(item["kind"], ok, f"{item['id']} {item['question']} -> {result.answer[:80]!r}")
        bad = unsupported_numbers(result)
        if bad:
            score.unsupported.append(f"{item['id']}: {bad}")
    store.close()
    return score
