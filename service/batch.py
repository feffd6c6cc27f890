"""Many files: one record per input, written as it completes; resumable; exports at the end."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.config import Settings
from service.errors import IngestError
from service.extract.reader import failed_record, read_record
from service.ingest import FORMATS, Document, format_of, read_document
from service.locks import FolderLock
from service.manifest import apply_override, override_for
from service.schema.record import Record, Source
from service.workers import near_memory_limit, run_jobs

if TYPE_CHECKING:
    from service.llm import LLM

RECORDS = "records.jsonl"


def collect_inputs(paths: list[Path]) -> list[Path]:
    """Files given, and supported files under folders given (recursively), in a stable order, no repeats."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for path in out:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique


def extract_file(path: Path, settings: Settings) -> Record:
    """One file to one record; every failure to read becomes a ``failed`` record with a one-line reason."""
    return read_file(path, settings)[0]


def read_file(path: Path, settings: Settings) -> tuple[Record, Document | None]:
    """One file to its record and (when it could be read) its Document."""
    source = Source(file=str(path), sha256="", format=format_of(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed_record(source, f"cannot read file ({exc.strerror or type(exc).__name__})"), None
    source.sha256 = hashlib.sha256(data).hexdigest()
    try:
        document = read_document(path, data, settings)
        return apply_override(read_record(document, source), override_for(settings, str(path))), document
    except IngestError as exc:
        return failed_record(source, str(exc)), None
    except Exception as exc:  # the batch boundary: a reader bug must not lose the file or stop the batch
        if isinstance(exc, MemoryError) or near_memory_limit():  # (a C library may report it its own way)
            reason = f"needs more than {settings.worker_memory_mb} MB of memory to read (the limit)"
            return failed_record(source, reason), None
        return failed_record(source, f"internal error while reading ({type(exc).__name__}: {exc})"[:300]), None


def extract_file_llm(path: Path, settings: Settings, llm: LLM) -> Record:
    """``extract_file``, then the LLM reader (unread cells, prose); never raises, never loses the template record."""
    record, document = read_file(path, settings)
    return _with_llm(record, document, settings, llm)


def _with_llm(record: Record, document: Document | None, settings: Settings, llm: LLM) -> Record:
    from service.extract.llm_reader import read_with_llm, with_llm_failure

    if document is None or record.status == "failed":
        return record
    try:
        return read_with_llm(
            document, record, llm=llm, max_rounds=settings.llm_max_rounds, budget=settings.llm_token_budget
        )
    except Exception as exc:  # the batch boundary: a bug in the LLM reader must not lose the template record
        return with_llm_failure(record, f"internal error in the LLM reader ({type(exc).__name__}: {exc})"[:300], llm)


def extract_job(path: str, settings_json: str) -> str:
    """Worker: one file's record as JSON."""
    record = extract_file(Path(path), Settings.model_validate_json(settings_json))
    return json.dumps(record.to_json_dict(), ensure_ascii=False)


def _read_job(path: str, settings_json: str) -> tuple[str, Document | None]:
    record, document = read_file(Path(path), Settings.model_validate_json(settings_json))
    return json.dumps(record.to_json_dict(), ensure_ascii=False), document


def failed_for(path: Path, reason: str) -> Record:
    """The ``failed`` record of a file a worker could not finish (time limit, crash)."""
    return failed_record(Source(file=str(path), sha256=file_sha256(path), format=format_of(path)), reason)


def extract_isolated(path: Path, settings: Settings) -> Record:
    """``extract_file`` in a worker process: bounded in time and memory like a batch."""
    outcome = next(run_jobs(extract_job, [str(path)], settings))
    if outcome.value is None:
        return failed_for(path, outcome.error or "")
    return Record.model_validate_json(outcome.value)


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records of a records.jsonl; a line cut short by an interrupted run is dropped, whatever byte it ends on."""
    if not path.exists():
        return []
    records = []
    with path.open("rb") as handle:
        for line in handle:
            try:
                record = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def _key(record: dict[str, Any]) -> tuple[str, str]:
    source = record.get("source") or {}
    return str(source.get("file", "")), str(source.get("sha256", ""))


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, or an empty string when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


@dataclass
class BatchResult:
    """What a batch run did."""

    records: list[dict[str, Any]] = field(default_factory=list)  # the records of this run's inputs
    skipped: int = 0
    read_now: set[str] = field(default_factory=set)  # files read in this run (not skipped)
    worker_peak_mb: float = 0.0  # the largest peak resident memory of a worker process in this run

    def summary(self) -> str:
        """Files, statuses, findings by rule, as plain text."""
        status = Counter(str(r.get("status")) for r in self.records)
        rules = Counter(f["rule"] for r in self.records for f in r.get("findings", []))
        lines = [
            f"files: {len(self.records)} (skipped as already done: {self.skipped})",
            f"ok: {status['ok']}  needs_review: {status['needs_review']}  failed: {status['failed']}",
        ]
        if rules:
            lines.append("findings: " + "  ".join(f"{rule} {n}" for rule, n in sorted(rules.items())))
        failed = [r for r in self.records if r.get("status") == "failed"]
        lines += [f"failed: {_key(r)[0]}: {r.get('error')}" for r in failed[:20]]
        lines += _llm_summary([r for r in self.records if _key(r)[0] in self.read_now])
        return "\n".join(lines)


def _llm_summary(records: list[dict[str, Any]]) -> list[str]:
    """LLM calls and tokens of the reports read in this run, in total and per report (from ``meta.llm``)."""
    used = [(str(_key(r)[0]), r["meta"]["llm"]) for r in records if (r.get("meta") or {}).get("llm")]
    if not used:
        return []
    total = {k: sum(int(u.get(k, 0)) for _, u in used) for k in ("calls", "cached", "tokens_in", "tokens_out")}
    lines = [
        f"llm ({used[0][1].get('model')}): {total['calls']} calls, {total['cached']} answered from the cache, "
        f"tokens in {total['tokens_in']:,} / out {total['tokens_out']:,} over {len(used)} reports "
        f"(per report: {total['calls'] / len(used):.1f} calls, {total['tokens_in'] // len(used):,} tokens in)"
    ]
    for name, usage in used[:20]:
        failed = f"  failed: {usage['error']}" if usage.get("error") else ""
        lines.append(
            f"  {Path(name).name}: {usage.get('calls', 0)} calls ({usage.get('cached', 0)} cached), "
            f"tokens in {usage.get('tokens_in', 0):,} / out {usage.get('tokens_out', 0):,}{failed}"
        )
    if len(used) > 20:
        lines.append(f"  … {len(used) - 20} more (meta.llm of each record in records.jsonl)")
    return lines


def _rewrite(path: Path, records: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def run_batch(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    progress: bool = True,
    llm: LLM | None = None,
    on_wait: Callable[[str], object] | None = None,
) -> BatchResult:
    """Extract every file (folders are searched) into ``out_dir/records.jsonl`` as files finish, then export.

    With ``llm``, files run on ``llm_concurrency`` threads through the LLM reader, and a file done before
    without the LLM (or whose LLM step failed, or with another model) is read again; answers are cached.
    One run at a time writes into a folder: a second one waits (``on_wait`` is told), then gives up.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with FolderLock(out_dir).writer(settings.lock_wait_s, on_wait):
        return _run_batch(paths, out_dir, settings, progress, llm)


def _run_batch(paths: list[Path], out_dir: Path, settings: Settings, progress: bool, llm: LLM | None) -> BatchResult:
    from tqdm import tqdm

    from service.export import write_exports

    inputs = collect_inputs(paths)
    records_path = out_dir / RECORDS
    previous = load_records(records_path)
    _rewrite(records_path, previous)  # drops a line cut short by an interrupted run
    done = {_key(r): r for r in previous}
    keys = [(str(p), file_sha256(p)) for p in inputs]
    todo = [
        p
        for p, key in zip(inputs, keys, strict=True)
        if key not in done or not key[1] or (llm is not None and _llm_redo(done[key], llm))
    ]
    result = BatchResult(skipped=len(inputs) - len(todo))
    bar = tqdm(total=len(todo), desc="extract", unit="file", disable=not progress, file=sys.stderr)
    with records_path.open("a", encoding="utf-8") as handle:
        peaks: list[float] = []
        for line in _run(todo, settings, llm, peaks):
            handle.write(line + "\n")
            handle.flush()
            record = json.loads(line)
            done[_key(record)] = record
            result.read_now.add(_key(record)[0])
            bar.update(1)
    bar.close()
    result.worker_peak_mb = max(peaks, default=0.0)
    if settings.meta_manifest is not None or settings.meta_issuer is not None or settings.meta_year is not None:
        for key, record in done.items():  # files read before the manifest was given get its values too
            if key[0] not in result.read_now:
                done[key] = apply_override(Record.model_validate(record), override_for(settings, key[0])).to_json_dict()
    everything = sorted(done.values(), key=_key)
    _rewrite(records_path, everything)
    result.records = [done[k] for k in keys if k in done]
    write_exports(everything, out_dir)
    return result


def _llm_redo(record: dict[str, Any], llm: LLM) -> bool:
    """A record to read again in LLM mode: made without the LLM, with another model, or its LLM step failed."""
    if record.get("status") == "failed":
        return False
    usage = (record.get("meta") or {}).get("llm") or {}
    return not usage or usage.get("model") != llm.model or bool(usage.get("error"))


def _run_llm(paths: list[Path], settings: Settings, llm: LLM, peaks: list[float]) -> Iterator[str]:
    """Files read in workers (bounded like any batch), then the LLM step on ``llm_concurrency`` threads."""
    with ThreadPoolExecutor(max_workers=settings.llm_concurrency) as pool:
        futures = []
        for outcome in run_jobs(_read_job, [str(p) for p in paths], settings):
            peaks.append(outcome.peak_mb or 0.0)
            if outcome.value is None:
                futures.append(pool.submit(failed_for, Path(outcome.path), outcome.error or ""))
            else:
                record = Record.model_validate_json(outcome.value[0])
                futures.append(pool.submit(_with_llm, record, outcome.value[1], settings, llm))
        for future in as_completed(futures):
            yield json.dumps(future.result().to_json_dict(), ensure_ascii=False)


def _run(paths: list[Path], settings: Settings, llm: LLM | None, peaks: list[float]) -> Iterator[str]:
    """Records as JSON lines as files finish; each worker's peak memory so far is appended to ``peaks``."""
    if llm is not None:
        yield from _run_llm(paths, settings, llm, peaks)
        return
    for outcome in run_jobs(extract_job, [str(p) for p in paths], settings):
        peaks.append(outcome.peak_mb or 0.0)
        if outcome.value is None:
            yield json.dumps(failed_for(Path(outcome.path), outcome.error or "").to_json_dict(), ensure_ascii=False)
        else:
            yield outcome.value
