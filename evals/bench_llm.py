"""``make bench``, LLM mode: calls and input tokens per report, measured from the scripted fake server's log.

The fake (``evals/fake_openai.py``) runs on 127.0.0.1 and answers like a careful reader; nothing
leaves the machine. Input tokens are the fake's estimate of each request as sent (messages plus the schema):
one token per CJK character, one per three other characters. Printed, never asserted (the tests assert).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from service.batch import collect_inputs, run_batch
from service.config import Settings

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
VARIANTS = SAMPLES.parent / "variants"
# the fake's reading of pingtan's run-together '132470' (the report itself does not decide it)
PINGTAN_READING: dict[str, int | float | None] = {
    "active_disclosure.normative_documents.repealed": 1,
    "active_disclosure.normative_documents.in_force": 32470,
}
TOKEN_TARGET = 6000


def bench_llm() -> None:
    """Run the samples and their variants in LLM mode against the fake; print calls and tokens per report."""
    from evals.fake_openai import FakeOpenAI
    from evals.oracle import oracle
    from service.llm import open_llm

    with FakeOpenAI(oracle(PINGTAN_READING)) as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            home=Path(tmp) / "home",
            openai_base_url=fake.base_url,
            openai_api_key="bench",
            chat_model="fake-chat",
            llm_concurrency=1,
        )
        inputs = collect_inputs([SAMPLES, VARIANTS])
        result = run_batch(inputs, Path(tmp) / "out", settings, progress=False, llm=open_llm(settings))
        # one thread: requests arrive report after report, in input order
        log = iter(fake.requests)
        rows = []
        for record in result.records:
            usage = record["meta"]["llm"]
            sent = [next(log) for _ in range(usage["calls"])]
            unread = any(
                e.get("method", "").startswith("llm")
                for p, e in record["evidence"].items()
                if "." in p and p.split(".")[0] in ("active_disclosure", "applications", "reviews")
            )
            rows.append((Path(record["source"]["file"]).name, sent, usage["cached"], unread, record["status"]))
        print("LLM mode against the scripted fake server (samples: one line each; all: samples + variants)")
        for name, sent, cached, _, status in rows[: len(list(SAMPLES.iterdir()))]:
            tokens = " + ".join(f"{r.tokens_in:,}" for r in sent) or "-"
            print(f"  {name:32} {len(sent)} calls ({cached} cached)  input tokens {tokens}  {status}")
        full = [r for r in rows if not r[3]]
        per_call = [s.tokens_in for r in full for s in r[1]]
        print(
            f"reports whose tables the template read fully: {len(full)}; calls each: "
            f"{sorted({len(r[1]) + r[2] for r in full})} (sent or cached); input tokens per call: "
            f"median {statistics.median(per_call):,.0f}, max {max(per_call):,} (target 1 call, ≤ {TOKEN_TARGET:,})"
        )
        filled = [r for r in rows if r[3]]
        print(
            f"reports with cells left to the LLM: {len(filled)} ({', '.join(r[0] for r in filled)}), "
            f"{sum(len(r[1]) for r in filled)} calls"
        )
        sent_before = len(fake.requests)
        run_batch(inputs, Path(tmp) / "again", settings, progress=False, llm=open_llm(settings))
        print(
            f"re-run of the batch into a new folder (answers cached under NIANBAO_HOME): "
            f"{len(fake.requests) - sent_before} calls"
        )


if __name__ == "__main__":
    bench_llm()
