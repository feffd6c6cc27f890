"""The ``nianbao`` command line. Errors become one line on stderr; a traceback is a bug."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from service.config import Settings
from service.errors import ServiceError

if TYPE_CHECKING:
    from service.llm import LLM


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告 → 国家格式的结构化记录")
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="read report files and folders into records")
    extract.add_argument("paths", nargs="+", type=Path, help="files or folders (.txt .md .html .htm .pdf .docx)")
    extract.add_argument("--out", required=True, help="output folder, or - to print one file's record as JSON")
    extract.add_argument("--jobs", type=int, default=None, help="worker processes (default: NIANBAO_JOBS or 1)")
    extract.add_argument("--no-progress", action="store_true", help="no progress bar")
    extract.add_argument(
        "--llm",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read what the template reader cannot, and the prose, with the configured LLM endpoint "
        "(default: NIANBAO_LLM, else on when OPENAI_API_KEY or OPENAI_BASE_URL is set)",
    )
    extract.add_argument("--store", action="store_true", help="also add the reports to the store and the index")
    _identity_options(extract)
    _ray_option(extract)
    ingest = sub.add_parser("ingest", help="extract + store + index (skips unchanged files)")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders")
    ingest.add_argument("--jobs", type=int, default=None, help="worker processes")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    _identity_options(ingest)
    _ray_option(ingest)
    ask = sub.add_parser("ask", help="ask a question across the stored reports")
    ask.add_argument("question", help="问题，例如：哪个乡镇收到的申请最多")
    ask.add_argument("--json", action="store_true", help="print the answer and citations as JSON")
    ask.add_argument("--issuer", default=None, help="only this body")
    ask.add_argument("--year", type=int, default=None, help="only this year")
    review = sub.add_parser("review", help="cross-report review of the store: Y-CARRY, Y-NORM, Y-COPY")
    review.add_argument("--out", type=Path, default=None, help="write DIR/review.jsonl and DIR/review.xlsx")
    review.add_argument("--issuer", default=None, help="only this body's findings (any of its names)")
    review.add_argument("--threshold", type=float, default=None, help="Y-COPY similarity (NIANBAO_COPY_THRESHOLD, 0.8)")
    review.add_argument("--aliases", type=Path, default=None, help="alias table (NIANBAO_ALIASES, HOME/aliases.tsv)")
    ui = sub.add_parser("ui", help="serve the Gradio app and the HTTP API")
    ui.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=None, help="port (default 7860)")
    evals = sub.add_parser("evals", help="accuracy evaluation")
    evals_sub = evals.add_subparsers(dest="evals_command", required=True)
    run = evals_sub.add_parser("run", help="score the extractor against gold data; exit 1 on a regression")
    run.add_argument(
        "--suite", choices=["samples", "variants", "wording", "qa", "review", "oracle", "all"], default="all"
    )
    run.add_argument(
        "--gold", type=Path, default=None, help="score the gold files of this folder (reports beside them) instead"
    )
    run.add_argument("--no-compare", action="store_true", help="do not compare with evals/baseline.json")
    run.add_argument("--write-baseline", action="store_true", help="accept this run as the new baseline")
    run.add_argument("--llm", action="store_true", help="read and answer with the configured LLM endpoint")
    return parser


def _identity_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--meta", type=Path, default=None, help="CSV of file, issuer, year: these values win")
    command.add_argument("--issuer", default=None, help="the issuer of the one file given (wins over the reader's)")
    command.add_argument("--year", type=int, default=None, help="the year of the one file given")


def _ray_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--ray",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="run on Ray: no address starts a local one (--jobs CPUs), auto joins the running cluster "
        "(default: NIANBAO_RAY; put --ray after the paths)",
    )


def _settings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Settings:
    """Settings of extract/ingest: --jobs, and the report identity the user gives (--meta, --issuer, --year)."""
    given: dict[str, Any] = {} if args.jobs is None else {"jobs": args.jobs}
    if args.ray is not None:
        given["ray"] = args.ray
    if args.meta is not None:
        if not args.meta.is_file():
            parser.error(f"no such manifest: {args.meta}")
        given["meta_manifest"] = args.meta
    if args.issuer is not None or args.year is not None:
        from service.batch import collect_inputs

        if len(collect_inputs(args.paths)) != 1:
            parser.error("--issuer/--year name one file's identity; give one file, or a manifest with --meta")
        given.update(meta_issuer=args.issuer, meta_year=args.year)
    return Settings(**given)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failures, 2 usage errors)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "extract":
            return _extract(args, parser)
        if args.command == "ingest":
            return _ingest(args, parser)
        if args.command == "ask":
            return _ask(args)
        if args.command == "review":
            return _review(args, parser)
        if args.command == "ui":
            from ui import main as serve

            options = ["--host", args.host] if args.host else []
            return serve(options + (["--port", str(args.port)] if args.port else []))
        if args.command == "evals":
            from evals.run import run_evals

            return run_evals(
                args.suite,
                compare=not args.no_compare,
                write_baseline=args.write_baseline,
                llm=args.llm,
                gold_dir=args.gold,
            )
    except ServiceError as exc:
        print(f"nianbao: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:  # a setting from the environment or .env
        error = exc.errors()[0]
        name = f"NIANBAO_{'_'.join(map(str, error['loc'])).upper()}"
        print(f"nianbao: invalid setting {name}: {error['msg']}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nianbao: interrupted; run the same command again to finish", file=sys.stderr)
        return 130
    return 2


def _say(message: str) -> None:
    print(f"nianbao: {message}", file=sys.stderr, flush=True)


def _llm(settings: Settings, wanted: bool | None) -> LLM | None:
    """The LLM client when LLM mode is on (``--llm``, else NIANBAO_LLM, else whether an endpoint is configured)."""
    use = settings.llm if wanted is None else wanted
    if use is None:
        use = bool(settings.openai_api_key or settings.openai_base_url)
    if not use:
        return None
    from service.llm import open_llm

    return open_llm(settings)


def _extract(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from service.batch import collect_inputs, extract_file_llm, extract_isolated, run_batch

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    settings = _settings(args, parser)
    llm = _llm(settings, args.llm)
    inputs = collect_inputs(args.paths)
    if args.out == "-":
        if len(inputs) != 1:
            parser.error("--out - takes exactly one file")
        one = inputs[0]
        record = extract_isolated(one, settings) if llm is None else extract_file_llm(one, settings, llm)
        print(json.dumps(record.to_json_dict(), ensure_ascii=False, indent=2))
        return 1 if record.status == "failed" else 0
    if not inputs:
        parser.error("no report files found (.txt .md .html .htm .pdf .docx)")
    result = run_batch(args.paths, Path(args.out), settings, progress=not args.no_progress, llm=llm, on_wait=_say)
    print(result.summary())
    print(f"written: {Path(args.out) / 'records.jsonl'}, cells.csv, reports.xlsx")
    if args.store:
        from service.library import ingest

        print(ingest(args.paths, settings, progress=not args.no_progress, on_wait=_say).summary())
    return 1 if any(r.get("status") == "failed" for r in result.records) else 0


def _ingest(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from service.library import ingest

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    settings = _settings(args, parser)
    result = ingest(args.paths, settings, progress=not args.no_progress, on_wait=_say)
    print(result.summary())
    print(f"store: {_store_of(settings)}")
    return 1 if any(r["status"] == "failed" for r in result.added) else 0


def _store_of(settings: Settings) -> str:
    """The store as the user named it (a PostgreSQL URL without its password, or the SQLite file)."""
    from service.store.postgres import shown

    return shown(settings.database_url) if settings.database_url else str(Path(settings.home) / "nianbao.sqlite")


def _review(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from service.library import Library
    from service.review import alias_table, review, write_review
    from service.store import open_store

    settings = Settings()
    threshold = settings.copy_threshold if args.threshold is None else args.threshold
    if not 0 < threshold <= 1:
        parser.error("--threshold must be in (0, 1]")
    path = Path(settings.home) / "nianbao.sqlite"
    if settings.database_url is None and not path.exists():
        print(f"nianbao: no store at {path}; add reports with `nianbao ingest` first", file=sys.stderr)
        return 1
    aliases = alias_table(args.aliases or settings.aliases, Path(settings.home))
    store = open_store(settings)
    try:
        with Library(settings).writing(_say):  # the library's one writer (on the servers, none)
            result = review(store, threshold=threshold, aliases=aliases)
    finally:
        store.close()
    if args.issuer and not result.knows(args.issuer):
        print(f"nianbao: no stored report of {args.issuer}", file=sys.stderr)
        return 1
    shown = result.select(args.issuer)
    print(result.summary(shown))
    for f in shown if args.issuer else []:
        print(f"- {f.issuer} {f.year}年 {f.finding.rule}：{f.finding.message}")
    if args.out is not None:
        jsonl, xlsx = write_review(shown, args.out)
        print(f"written: {jsonl}, {xlsx}")
    return 0


def _ask(args: argparse.Namespace) -> int:
    from service.app import Services

    result = Services(Settings()).ask(args.question, issuer=args.issuer, year=args.year)
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False, indent=2))
        return 0
    print(result.answer)
    if result.citations:
        print("\n来源：")
        for n, c in enumerate(result.citations, 1):
            where = f"{c.issuer or ''} {c.year or ''}年 {c.section}、{c.label or ''}".strip()
            page = f" 第{c.page}页" if c.page else ""
            print(f"[{n}] {where}{page}：{c.quote[:120]}")
    return 0
