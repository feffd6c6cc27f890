"""Question answering evals.

Two question sets:

* ``qa/questions.json``: the first set, plainly worded, over the 8 samples (numbers, rankings, aggregates,
  findings, text passages hit@3, declining);
* ``qa/everyday.json``: questions as users write them (short names, 各镇, 比上年, 2019年到2025年, 分别, 公开率,
  对不上, 照抄, 短板 …) over the samples plus a made-up region (evals/region.py: a city, its districts, towns and
  departments, 2019–2025). Each has a ``part``: ``tune`` (looked at while building the parser) or ``heldout``
  (written at the same time, never tuned on), and a kind: value, group, comparison, range, findings, text, decline.

An answer that is wrong, was not declined and names nothing it failed to match "answered a different question".
The stores are rebuilt whenever the reader, the chunker or the files change (a fingerprint of their sources).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.region import fill
from service.config import Settings
from service.library import STORE_VERSION, ingest, open_library
from service.llm import LLM
from service.qa.answer import answer
from service.qa.llm_answer import answer_with_llm
from service.qa.model import Answer, unsupported_numbers

ROOT = Path(__file__).resolve().parent
QUESTIONS = ROOT / "qa" / "questions.json"
EVERYDAY = ROOT / "qa" / "everyday.json"
SAMPLES = ROOT / "data" / "samples"
SERVICE = ROOT.parent / "service"
READER_SOURCES = ("ingest", "locate", "extract", "checks", "schema", "index/chunks.py", "index/tokens.py", "library.py")
KINDS = ("value", "group", "comparison", "range", "findings", "text", "decline")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class QAScore:
    """Per-kind counts of one question set (or one part of it)."""

    total: dict[str, int] = field(default_factory=dict)
    right: dict[str, int] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    other_question: list[str] = field(default_factory=list)  # wrong, not declined, nothing named as unmatched

    def add(self, kind: str, ok: bool, note: str, result: Answer | None = None) -> None:
        """Count one question."""
        self.total[kind] = self.total.get(kind, 0) + 1
        self.right[kind] = self.right.get(kind, 0) + int(ok)
        if not ok:
            self.wrong.append(note)
            if result is not None and result.found and "没有找到" not in result.answer:
                self.other_question.append(note)

    def rate(self, kinds: tuple[str, ...] | None = None) -> float:
        """Share right over some kinds (all by default)."""
        chosen = kinds or tuple(self.total)
        total = sum(self.total.get(k, 0) for k in chosen)
        return sum(self.right.get(k, 0) for k in chosen) / total if total else 1.0

    @property
    def cases(self) -> int:
        """Questions scored."""
        return sum(self.total.values())


def check(item: dict[str, Any], result: Answer) -> bool:
    """Whether one answer is right for its question's kind."""
    expect = item["expect"]
    kind = item["kind"]
    if not all(word in result.answer for word in expect.get("says", [])):
        return False
    if kind in ("unanswerable", "decline"):
        return not result.found
    if kind == "text":
        want = _squash(expect["quote"])
        return any(
            c.issuer == expect["issuer"] and c.section == expect["section"] and want in _squash(c.quote)
            for c in result.citations[:3]
        )
    if kind == "findings" or "reports" in expect:
        wanted = set(expect.get("issuers", expect.get("reports", [])))
        return {c.issuer for c in result.citations} == wanted and result.found
    ok = result.found
    if "value" in expect:
        want = expect["value"]
        got = abs(result.value) if expect.get("abs") and result.value is not None else result.value  # 相差: either sign
        ok = ok and (got is None if want is None else got is not None and abs(got - want) < 1e-3)
    if "issuer" in expect:
        ok = ok and bool(result.citations) and all(c.issuer == expect["issuer"] for c in result.citations)
    if "top" in expect:
        ok = ok and bool(result.items) and result.items[0].issuer == expect["top"]
    if "items" in expect:
        ok = ok and len(result.items) == expect["items"]
    return ok


def fingerprint() -> str:
    """What the eval stores depend on: the store version, the reader's sources, the samples, the region."""
    digest = hashlib.sha256(STORE_VERSION.encode())
    files = [
        p
        for name in READER_SOURCES
        for p in sorted((SERVICE / name).rglob("*.py") if (SERVICE / name).is_dir() else [SERVICE / name])
    ]
    files += sorted(SAMPLES.iterdir()) + [ROOT / "region.py"]
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def prepare(home: Path, settings: Settings) -> tuple[Path, Path]:
    """The two eval stores (samples; samples + region) under ``home/<fingerprint>``: a reader, chunker or data
    change builds them anew (the vectors, keyed by text, are carried over); older builds are removed."""
    current = home / fingerprint()
    samples, everyday = current / "samples", current / "everyday"
    if not (everyday / "nianbao.sqlite").exists():
        shutil.rmtree(current, ignore_errors=True)
        (samples / "cache").mkdir(parents=True)
        old = sorted(home.glob("*/samples/cache/vectors.sqlite"), key=lambda p: p.stat().st_mtime)
        if old:
            shutil.copy(old[-1], samples / "cache" / "vectors.sqlite")
        ingest([SAMPLES], settings.model_copy(update={"home": samples}), progress=False)
        shutil.copytree(samples, everyday)
        store, _ = open_library(settings.model_copy(update={"home": everyday}))
        fill(store)
        store.close()
        for stale in home.iterdir():
            if stale.is_dir() and stale != current:
                shutil.rmtree(stale, ignore_errors=True)
    return samples, everyday


def _run(path: Path, home: Path, settings: Settings, llm: LLM | None) -> dict[str, QAScore]:
    store, index = open_library(settings.model_copy(update={"home": home}))
    scores: dict[str, QAScore] = {}
    for item in json.loads(path.read_text(encoding="utf-8")):
        history = item.get("history", [])
        if llm is None:
            result = answer(item["question"], store=store, index=index, history=history)
        else:
            result = answer_with_llm(item["question"], store=store, index=index, llm=llm, history=history)
        score = scores.setdefault(item.get("part", "all"), QAScore())
        ok = check(item, result)
        shown = result.answer.replace("\n", " ")[:140]
        score.add(item["kind"], ok, f"{item['id']} {item['question']} -> {shown!r}", result)
        bad = unsupported_numbers(result)
        if bad:
            score.unsupported.append(f"{item['id']}: {bad}")
    store.close()
    return scores


def run_qa(settings: Settings, llm: LLM | None = None) -> QAScore:
    """The first question set over the samples (``settings.home`` holds the eval stores)."""
    samples, _ = prepare(Path(settings.home), settings)
    return _run(QUESTIONS, samples, settings, llm)["all"]


def run_everyday(settings: Settings, llm: LLM | None = None) -> dict[str, QAScore]:
    """The everyday-wording set over the samples and the region, by part (tune, heldout)."""
    _, everyday = prepare(Path(settings.home), settings)
    return _run(EVERYDAY, everyday, settings, llm)


_PLAIN_KINDS = {"numbers": ("numeric", "aggregate", "ranking", "findings"), "text_hit3": ("text",)}
_PLAIN_KINDS |= {"declined": ("unanswerable",)}


def figures(settings: Settings, llm: LLM | None = None) -> dict[str, Any]:
    """Every Q&A figure, printed and returned (case counts included, so deleting questions is a regression)."""
    plain = run_qa(settings, llm)
    everyday = run_everyday(settings, llm)
    rates = {f"plain.{k}": plain.rate(kinds) for k, kinds in _PLAIN_KINDS.items()}
    cases = {"plain": plain.cases}
    for part, score in sorted(everyday.items()):
        cases[f"everyday.{part}"] = score.cases
        rates[f"everyday.{part}"] = score.rate()
        for kind in KINDS:
            if score.total.get(kind):
                rates[f"everyday.{part}.{kind}"] = score.rate((kind,))
    every = [plain, *everyday.values()]
    out = {
        "cases": cases,
        "rates": rates,
        "other_question": sum(len(s.other_question) for s in every),
        "unsupported": sum(len(s.unsupported) for s in every),
    }
    print(
        f"Q&A (first set, {plain.cases}): numbers {rates['plain.numbers']:.2%}, "
        f"text hit@3 {rates['plain.text_hit3']:.2%}, declined {rates['plain.declined']:.2%}"
    )
    for part, score in sorted(everyday.items()):
        kinds = "  ".join(f"{k} {score.right.get(k, 0)}/{score.total[k]}" for k in KINDS if score.total.get(k))
        print(f"Q&A everyday ({part}, {score.cases}): {score.rate():.2%}  {kinds}")
    print(
        f"Q&A answers to a different question: {out['other_question']}; "
        f"numbers not computed for the answer: {out['unsupported']}"
    )
    for score in every:
        for line in score.wrong + score.unsupported:
            print(f"  Q&A wrong: {line}")
    return out


def baseline_entry(before: dict[str, Any] | None, now: dict[str, Any]) -> dict[str, Any]:
    """The baseline's Q&A figures, one entry per embedding model (their text retrieval differs)."""
    kept = {k: v for k, v in (before or {}).items() if isinstance(v, dict) and "cases" in v}
    return kept | {now["embedding"]: {k: now[k] for k in ("cases", "rates", "other_question", "unsupported")}}


def regressions(now: dict[str, Any], baseline: dict[str, Any] | None) -> list[str]:
    """Lines naming what got worse than the baseline: fewer cases, a lower rate, more wrong-question answers."""
    before = (baseline or {}).get(now.get("embedding", ""), baseline) if baseline else None
    if not before or not isinstance(before.get("cases"), dict):
        return []  # no Q&A figures of this embedder in the baseline yet
    worse = [
        f"qa cases {k}: {v} -> {now['cases'].get(k, 0)}"
        for k, v in before["cases"].items()
        if now["cases"].get(k, 0) < v
    ]
    worse += [
        f"qa {k}: {v:.4f} -> {now['rates'].get(k, 0.0):.4f}"
        for k, v in before["rates"].items()
        if now["rates"].get(k, 0.0) < v - 1e-6
    ]
    worse += [f"qa {k}: {before[k]} -> {now[k]}" for k in ("other_question", "unsupported") if now[k] > before[k]]
    return worse
