"""The ``nianbao`` command line. Errors become one line on stderr; a traceback is a bug."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.config import Settings
from service.errors import ServiceError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告 → 国家格式的结构化记录")
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="read report files and folders into records")
    extract.add_argument("paths", nargs="+", type=Path, help="files or folders (.txt .md .html .htm .pdf .docx)")
    extract.add_argument("--out", required=True, help="output folder, or - to print one file's record as JSON")
    extract.add_argument("--jobs", type=int, default=None, help="worker processes (default: NIANBAO_JOBS or 1)")
    extract.add_argument("--no-progress", action="store_true", help="no progress bar")
    evals = sub.add_parser("evals", help="accuracy evaluation")
    evals_sub = evals.add_subparsers(dest="evals_command", required=True)
    run = evals_sub.add_parser("run", help="score the extractor against gold data; exit 1 on a regression")
    run.add_argument("--suite", choices=["samples", "variants", "all"], default="all")
    run.add_argument("--no-compare", action="store_true", help="do not compare with evals/baseline.json")
    run.add_argument("--write-baseline", action="store_true", help="accept this run as the new baseline")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failures, 2 usage errors)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "extract":
            return _extract(args, parser)
        if args.command == "evals":
            from evals.run import run_evals

            return run_evals(args.suite, compare=not args.no_compare, write_baseline=args.write_baseline)
    except ServiceError as exc:
        print(f"nianbao: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("nianbao: interrupted; run the same command again to finish", file=sys.stderr)
        return 130
    return 2


def _extract(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from service.batch import collect_inputs, extract_file, run_batch

    settings = Settings() if args.jobs is None else Settings(jobs=args.jobs)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    inputs = collect_inputs(args.paths)
    if args.out == "-":
        if len(inputs) != 1:
            parser.error("--out - takes exactly one file")
        record = extract_file(inputs[0], settings)
        print(json.dumps(record.to_json_dict(), ensure_ascii=False, indent=2))
        return 1 if record.status == "failed" else 0
    if not inputs:
        parser.error("no report files found (.txt .md .html .htm .pdf .docx)")
    result = run_batch(args.paths, Path(args.out), settings, progress=not args.no_progress)
    print(result.summary())
    print(f"written: {Path(args.out) / 'records.jsonl'}, cells.csv, reports.xlsx")
    return 1 if any(r.get("status") == "failed" for r in result.records) else 0
