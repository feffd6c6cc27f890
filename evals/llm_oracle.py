"""The LLM path measured with an oracle: a fake model that knows the gold answers, reading well or badly.

For each gold case (samples, variants, wording), the template's record has a share of its rows knocked out (their
values dropped, as if the template could not read them) on top of what it really left unread; the LLM reader then
asks the fake model (``evals.fake_openai`` on 127.0.0.1, through the real client) for them. The model answers:

- ``perfect``: every cell with its gold value, quoting the cell's row as printed;
- ``misreading``: every 4th cell it is asked is misread (off by one, two digits swapped, the neighbouring
  column's value, another row's value), quoting the right row;
- ``wrong_row``: every 4th cell gets another row's value and that row as its quote;
- ``lazy``: every cell null.

Per mode: cells asked, filled (a value or a printed blank, from the model), right, misreads accepted (a value
the model read differently from the gold, kept in the record: target 0), right answers refused (the model gave
the gold value and it was not kept: target ≤ 2%).
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.fake_openai import Answer, FakeOpenAI, Reply, schema_name
from evals.oracle import prose_answer, requested_cells, row_quote, sent_text
from service.batch import read_file
from service.config import Settings
from service.extract.llm_reader import read_with_llm, unread_cells
from service.extract.rowcheck import places
from service.ingest.document import Document
from service.llm import open_llm
from service.schema.record import Finding, Record

MODES = ("perfect", "misreading", "wrong_row", "lazy")
KNOCKOUT = 0.3  # share of the rows whose values are dropped before the LLM is asked
Value = int | float | None
Case = tuple[str, Path, dict[str, Any]]  # name, report file, gold (cells, ambiguous)


@dataclass
class OracleScore:
    """What one mode did over the cases."""

    asked: int = 0
    filled: int = 0
    right: int = 0
    misreads_answered: int = 0
    misreads_accepted: list[str] = field(default_factory=list)
    right_answered: int = 0
    right_refused: list[str] = field(default_factory=list)

    def line(self, mode: str) -> str:
        """One line of figures."""
        refused = len(self.right_refused) / self.right_answered if self.right_answered else 0.0
        filled = self.filled / self.asked if self.asked else 0.0
        return (
            f"{mode:<11} asked {self.asked:>5}  filled {self.filled:>5} ({filled:.1%})  right {self.right:>5}  "
            f"misreads answered {self.misreads_answered:>4}, accepted {len(self.misreads_accepted)}  "
            f"right answers refused {len(self.right_refused)}/{self.right_answered} ({refused:.2%})"
        )


def _row_of(path: str) -> str:
    return path.rsplit(".", 1)[0] if not path.startswith("reviews.") else "reviews"


def knock_out(record: Record, truth: dict[str, Value], seed: str) -> Record:
    """The record with a share of its fully known rows' values dropped, as if the template had not read them."""
    rng = random.Random(seed)
    rows: dict[str, list[str]] = {}
    for path in record.values():
        if not path.startswith("narrative."):
            rows.setdefault(_row_of(path), []).append(path)
    chosen = [r for r, paths in sorted(rows.items()) if all(p in truth for p in paths) and rng.random() < KNOCKOUT]
    data = record.to_json_dict()
    cells: list[str] = []
    for row in chosen:
        for path in rows[row]:
            table, name, cell = path.split(".")
            data[table][name][cell] = None
            data["evidence"].pop(path, None)
            cells.append(path)
    if cells:
        shape = Finding(
            rule="SHAPE", severity="warning", message="（评测）这些行的数值被隐去，交给 LLM 读取", cells=cells
        )
        data["findings"].append(shape.model_dump(mode="json"))
        data["status"] = "needs_review"
    return Record.model_validate(data)


def _misread(value: Value, path: str, truth: dict[str, Value], kind: int) -> Value:
    """A wrong value of the kind asked for (falls back to off by one when that kind gives the right value)."""
    if value is None:
        return 1
    row, _, cell = path.rpartition(".")
    siblings = sorted(p for p in truth if p.startswith(row + "."))
    if kind == 2:  # the neighbouring column
        i = siblings.index(path)
        other = truth.get(siblings[i + 1] if i + 1 < len(siblings) else siblings[i - 1])
        if other is not None and other != value:
            return other
    if kind == 3:  # the same column of another row
        others = [v for p, v in truth.items() if p.endswith("." + cell) and p != path and v is not None and v != value]
        if others:
            return others[0]
    if kind == 1 and isinstance(value, int) and len(str(value)) > 1 and str(value)[::-1] != str(value):
        swapped = str(value)[::-1].lstrip("0")
        return int(swapped) if swapped else 0
    return value + 1


def script(mode: str, doc: Document, truth: dict[str, Value], answered: dict[str, Value]) -> Callable[..., Reply]:
    """The fake model of one mode for one report; ``answered`` records its first answer per cell."""
    rows = {p: where for p, where in places(doc).items()}

    def quote(path: str) -> str:
        place, _ = rows[path]
        if place.spans:
            start = min(a for a, _ in place.spans)
            end = max(b for _, b in place.spans)
            return doc.text[start:end][:160]
        return row_quote(doc.text, path)

    def respond(body: dict[str, Any]) -> Reply:
        if schema_name(body) != "TableAnswer":
            return Answer(prose_answer(sent_text(body)))
        cells = []
        for i, path in enumerate(requested_cells(body)):
            value: Value = truth.get(path)
            text = quote(path) if path in rows else ""
            if mode == "lazy" or path not in truth:
                value, text = None, ""
            elif mode == "misreading" and i % 4 == 3:
                value = _misread(value, path, truth, (i // 4) % 4)
            elif mode == "wrong_row" and i % 4 == 3:
                other = next(
                    (
                        p
                        for p in truth
                        if p != path
                        and p.endswith(path[path.rfind(".") :])
                        and _row_of(p) != _row_of(path)
                        and p in rows
                        and truth[p] != value
                    ),
                    None,
                )
                if other is not None:
                    value, text = truth[other], quote(other)
            answered.setdefault(path, value)
            cells.append({"path": path, "value": value, "quote": text if value is not None or text else ""})
        return Answer({"cells": cells})

    return respond


def score_case(
    record: Record, result: Record, truth: dict[str, Value], answered: dict[str, Value], name: str, score: OracleScore
) -> None:
    """Add one report's figures to a mode's score."""
    values = result.values()
    for path in unread_cells(record):
        if path not in truth:
            continue
        score.asked += 1
        evidence = result.evidence.get(path)
        by_model = evidence is not None and evidence.method.startswith("llm")
        got = values.get(path)
        if path in answered:
            if answered[path] == truth[path]:
                score.right_answered += 1
            else:
                score.misreads_answered += 1
        if by_model:
            score.filled += 1
            if got == truth[path]:
                score.right += 1
            else:
                score.misreads_accepted.append(f"{name} {path}: gold {truth[path]!r}, kept {got!r}")
        elif path in answered and answered[path] == truth[path] and truth[path] is not None:
            score.right_refused.append(f"{name} {path}: {truth[path]!r}")


def run_oracle(cases: list[Case], modes: tuple[str, ...] = MODES) -> dict[str, OracleScore]:
    """Every mode over every case; the fake server runs on 127.0.0.1 for the duration."""
    scores = {mode: OracleScore() for mode in modes}
    prepared = []
    for name, path, gold in cases:
        record, doc = read_file(path, Settings(_env_file=None))
        if doc is None or record.status == "failed":
            continue
        truth = {p: v for p, v in gold.get("cells", {}).items() if not p.startswith(("narrative.", "meta."))}
        seed = hashlib.sha256(name.encode()).hexdigest()
        prepared.append((name, doc, knock_out(record, truth, seed), truth))
    current: dict[str, Callable[..., Reply]] = {}
    with FakeOpenAI(lambda body: current["script"](body)) as fake, tempfile.TemporaryDirectory() as home:
        for mode in modes:
            settings = Settings(
                _env_file=None,
                home=Path(home) / mode,
                openai_base_url=fake.base_url,
                openai_api_key="oracle",
                chat_model=f"oracle-{mode}",
                llm_retries=0,
            )
            client = open_llm(settings)
            for name, doc, record, truth in prepared:
                answered: dict[str, Value] = {}
                current["script"] = script(mode, doc, truth, answered)
                result = read_with_llm(doc, record, llm=client, max_rounds=2, budget=200_000)
                score_case(record, result, truth, answered, name, scores[mode])
    return scores


def report(scores: dict[str, OracleScore]) -> list[str]:
    """The figures, a line per mode, then every misread accepted and the first right answers refused."""
    lines = [score.line(mode) for mode, score in scores.items()]
    for mode, score in scores.items():
        lines += [f"  {mode} misread accepted: {m}" for m in score.misreads_accepted]
        lines += [f"  {mode} right answer refused: {m}" for m in score.right_refused[:10]]
    return lines


def summary_json(scores: dict[str, OracleScore]) -> dict[str, Any]:
    """Plain data for the eval report."""
    return {
        mode: {
            "asked": s.asked,
            "filled": s.filled,
            "right": s.right,
            "misreads_answered": s.misreads_answered,
            "misreads_accepted": len(s.misreads_accepted),
            "right_answered": s.right_answered,
            "right_refused": len(s.right_refused),
        }
        for mode, s in scores.items()
    }


if __name__ == "__main__":
    from evals.run import _cases

    found = [(name, source, gold) for name, _, source, gold in _cases("all")]
    result = run_oracle(found)
    print("\n".join(report(result)))
    print(json.dumps(summary_json(result), ensure_ascii=False))
