"""``nianbao evals run``: extract every gold case, score it, print a table, write reports, compare with the baseline."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.score import CaseScore, Summary, score_case, summarize
from service.batch import extract_file, extract_file_llm
from service.config import Settings
from service.extract.reader import READER_VERSION
from service.llm import open_llm
from service.prompts import lock_lines

ROOT = Path(__file__).resolve().parent
GOLD = ROOT / "gold"
SAMPLES = ROOT / "data" / "samples"
VARIANTS = ROOT / "data" / "variants"
WORDING = ROOT / "data" / "wording"
REPORTS = ROOT / "reports"
BASELINE = ROOT / "baseline.json"
TOLERANCE = 1e-6


def gold_cases(folder: Path, group: str) -> list[tuple[str, str, Path, dict[str, Any]]]:
    """(name, group, file, gold) for every ``<stem>.json`` gold of a folder with its report file beside it."""
    cases = []
    for gold_path in sorted(folder.glob("*.json")):
        if gold_path.name == "manifest.json":
            continue
        source = next((p for p in sorted(folder.glob(gold_path.stem + ".*")) if p.suffix != ".json"), None)
        if source is None:
            source = next(SAMPLES.glob(gold_path.stem + ".*"), None)
        if source is not None:
            cases.append((gold_path.stem, group, source, json.loads(gold_path.read_text(encoding="utf-8"))))
    return cases


def _cases(suite: str, gold_dir: Path | None = None) -> list[tuple[str, str, Path, dict[str, Any]]]:
    """(name, group, file, gold) for every case of a suite."""
    if gold_dir is not None:
        return gold_cases(gold_dir, gold_dir.name)
    cases = []
    if suite in ("samples", "all"):
        cases += gold_cases(GOLD, "samples")
    for name, folder, prefix in (("variants", VARIANTS, "variant"), ("wording", WORDING, "wording")):
        manifest = folder / "manifest.json"
        if suite in (name, "all") and manifest.exists():
            for item in json.loads(manifest.read_text(encoding="utf-8")):
                layout = item["layout"]
                group = "injected" if layout.startswith("inject") else f"{prefix}:{layout}"
                cases.append((item["file"], group, folder / item["file"], item))
    return cases


def _sha(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


HEADER = (
    f"{'suite / group':<24} {'cases':>5} {'cells':>6} {'right':>8} {'wrong#':>6} {'silent':>6} "
    f"{'reports':>8} {'find-P':>8} {'find-R':>8} {'status':>8}"
)


def _line(name: str, s: Summary) -> str:
    tables = " ".join(f"{t}={v:.2%}" for t, v in s.table_accuracy.items())
    return (
        f"{name:<24} {s.cases:>5} {s.cells:>6} {_pct(s.cell_accuracy):>8} {_count(s.wrong_values):>6} "
        f"{_count(s.silent_reads):>6} {_pct(s.all_correct_rate):>8} {_pct(s.findings_precision):>8} "
        f"{_pct(s.findings_recall):>8} {_pct(s.status_agreement):>8}  {tables}"
    )


QA_HOME = ROOT / ".qa-home"


def _review_summary() -> Summary:
    """Cross-report review over a generated series (evals/series.py): precision and recall per rule."""
    from evals.review import RULES, lines, run_review_eval

    score = run_review_eval()
    print("\n".join(lines(score)))
    tp, fp, fn = (sum(c.values()) for c in (score.tp, score.fp, score.fn))
    return Summary(
        cases=score.reports,
        cell_accuracy=None,
        table_accuracy={},
        all_correct_rate=None,
        findings_precision=tp / (tp + fp) if tp + fp else None,
        findings_recall=tp / (tp + fn) if tp + fn else None,
        per_rule={
            r: {"precision": score.precision(r), "recall": score.recall(r), "expected": score.tp[r] + score.fn[r]}
            for r in RULES
        },
        status_agreement=None,
        cells=tp + fn,
    )


def _oracle_summaries(cases: list[tuple[str, str, Path, dict[str, Any]]]) -> dict[str, Summary]:
    """The LLM path against the oracle model (evals/llm_oracle.py): per mode, cells filled right, misreads kept."""
    from evals.llm_oracle import report, run_oracle

    scores = run_oracle([(name, source, gold) for name, _, source, gold in cases])
    print("\n".join(report(scores)))
    out = {}
    for mode, s in scores.items():
        refused = len(s.right_refused) / s.right_answered if s.right_answered else 0.0
        out[f"oracle:{mode}"] = Summary(
            cases=len(cases),
            cell_accuracy=s.right / s.asked if s.asked else None,
            table_accuracy={"filled": s.filled / s.asked if s.asked else 0.0, "right_refused": refused},
            all_correct_rate=None,
            findings_precision=None,
            findings_recall=None,
            per_rule={},
            status_agreement=None,
            cells=s.asked,
            wrong_values=len(s.misreads_accepted),
        )
    return out


def run_evals(
    suite: str = "all",
    *,
    compare: bool = True,
    write_baseline: bool = False,
    llm: bool = False,
    gold_dir: Path | None = None,
) -> int:
    """Score the suite; print and write reports; exit code 1 on a regression against the baseline.

    With ``llm``, reports are read by the LLM reader and questions answered in LLM mode (the configured endpoint).
    With ``gold_dir``, the cases are the gold files of that folder (reports beside them); nothing is compared.
    """
    settings = Settings()
    client = open_llm(settings) if llm else None
    cases = _cases(suite, gold_dir)
    if gold_dir is not None:
        compare = write_baseline = False
    scores: list[CaseScore] = []
    for name, group, source, gold in cases:
        read = extract_file(source, settings) if client is None else extract_file_llm(source, settings, client)
        record = read.to_json_dict()
        scores.append(score_case(name, group, record, gold))
    groups: dict[str, list[CaseScore]] = defaultdict(list)
    for s in scores:
        groups[s.group].append(s)
        if s.group.startswith("variant:"):
            groups["variants (all layouts)"].append(s)
        if s.group.startswith("wording:"):
            groups["wording (all kinds)"].append(s)
    summaries = {"all": summarize(scores), **{g: summarize(v) for g, v in sorted(groups.items())}}
    if not scores:
        del summaries["all"]
    qa: dict[str, Any] | None = None
    if suite in ("qa", "all") and gold_dir is None:
        from evals.qa import figures

        qa = figures(settings.model_copy(update={"home": QA_HOME / settings.embedding}), client)
        qa["embedding"] = settings.embedding
    if suite in ("review", "all") and gold_dir is None:
        summaries["review"] = _review_summary()
    if suite == "oracle":
        summaries = _oracle_summaries(_cases("all"))
    print(HEADER)
    for name, summary in summaries.items():
        print(_line(name, summary))
    rules = summaries["all"].per_rule if "all" in summaries else {}
    print(
        "findings per rule: "
        + "  ".join(f"{r} P={v['precision']:.0%} R={v['recall']:.0%} (n={v['expected']})" for r, v in rules.items())
    )
    wrong = [(s.name, w) for s in scores for w in s.wrong]
    for name, (path, expected, got) in wrong[:25]:
        print(f"  wrong: {name} {path}: expected {expected!r}, got {got!r}")
    date = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    report: dict[str, Any] = {
        "date": date,
        "git_commit": _git_commit(),
        "suite": suite,
        "reader": READER_VERSION,
        "prompts": lock_lines() if client else [],
        "model": client.model if client else None,
        "datasets": {
            "gold": _sha(list(GOLD.glob("*.json"))),
            "variants": _sha([VARIANTS / "manifest.json"]) if (VARIANTS / "manifest.json").exists() else None,
        },
        "summaries": {k: v.as_dict() for k, v in summaries.items()},
        "qa": qa,
        "wrong": [{"case": n, "path": p, "expected": e, "got": g} for n, (p, e, g) in wrong],
    }
    REPORTS.mkdir(exist_ok=True)
    stem = REPORTS / f"{suite}-{date[:19].replace(':', '')}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    stem.with_suffix(".md").write_text(_markdown(report, summaries), encoding="utf-8")
    print(f"report: {stem.with_suffix('.md')}")
    if write_baseline:
        _write_baseline(summaries, qa)
        return 0
    return 1 if compare and _regressed(summaries, qa) else 0


def _markdown(report: dict[str, Any], summaries: dict[str, Summary]) -> str:
    lines = [
        f"# Evals {report['date']} ({report['git_commit']}, reader {report['reader']})",
        "",
        "| group | cases | cells | cells right | wrong values | silent reads | reports all right | findings P | "
        "findings R | status |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in summaries.items():
        lines.append(
            f"| {name} | {s.cases} | {s.cells} | {_pct(s.cell_accuracy)} | {_count(s.wrong_values)} | "
            f"{_count(s.silent_reads)} | {_pct(s.all_correct_rate)} | {_pct(s.findings_precision)} | "
            f"{_pct(s.findings_recall)} | {_pct(s.status_agreement)} |"
        )
    return "\n".join(lines) + "\n"


# higher is better for these; the counts below must not grow (wrong values, silent reads) or shrink (cases, cells)
_METRICS = ("cell_accuracy", "all_correct_rate", "findings_precision", "findings_recall", "status_agreement")
_AT_MOST = ("wrong_values", "silent_reads")
_AT_LEAST = ("cases", "cells")


def _write_baseline(summaries: dict[str, Summary], qa: dict[str, Any] | None = None) -> None:
    """The groups of this run replace theirs in the baseline; the other groups are kept."""
    names = (*_METRICS, *_AT_MOST, *_AT_LEAST)
    data: dict[str, Any] = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    data.update({g: {m: getattr(s, m) for m in names if getattr(s, m) is not None} for g, s in summaries.items()})
    if qa is not None:
        from evals.qa import baseline_entry

        data["qa"] = baseline_entry(data.get("qa"), qa)
    BASELINE.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"baseline written: {BASELINE}")


def regressions(baseline: dict[str, dict[str, float]], summaries: dict[str, Summary]) -> list[str]:
    """What got worse than the baseline: a lower figure, more wrong values or silent reads, fewer cases or cells."""
    worse = []
    for group, metrics in baseline.items():
        if group not in summaries:
            continue
        for metric, before in metrics.items():
            now = getattr(summaries[group], metric, None)
            if now is None:
                worse.append(f"{group} {metric}: {before} -> not measured")
            elif metric in _AT_MOST and now > before:
                worse.append(f"{group} {metric}: {before} -> {now}")
            elif metric in _AT_LEAST and now < before:
                worse.append(f"{group} {metric}: {before} -> {now} (cases or cells deleted)")
            elif metric in _METRICS and now < before - TOLERANCE:
                worse.append(f"{group} {metric}: {before:.4f} -> {now:.4f}")
    return worse


def _regressed(summaries: dict[str, Summary], qa: dict[str, Any] | None = None) -> bool:
    if not BASELINE.exists():
        print("no baseline to compare with")
        return False
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    worse = regressions(baseline, summaries)
    if qa is not None:
        from evals.qa import regressions as qa_regressions

        worse += qa_regressions(qa, baseline.get("qa"))
    for line in worse:
        print(f"REGRESSION {line}")
    if not worse:
        print("no regression against evals/baseline.json")
    return bool(worse)
