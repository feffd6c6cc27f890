"""Many files: one record per input, written as it completes; resumable; exports at the end."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.config import Settings
from service.errors import IngestError
from service.extract.reader import failed_record, read_record
from service.ingest import FORMATS, format_of, read_document
from service.schema.record import Record, Source

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
    source = Source(file=str(path), sha256="", format=format_of(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed_record(source, f"cannot read file ({exc.strerror or type(exc).__name__})")
    source.sha256 = hashlib.sha256(data).hexdigest()
    try:
        document = read_document(path, data, settings)
        return read_record(document, source)
    except IngestError as exc:
        return failed_record(source, str(exc))
    except Exception as exc:  # the batch boundary: a reader bug must not lose the file or stop the batch
        return failed_record(source, f"internal error while reading ({type(exc).__name__}: {exc})"[:300])


def _extract_job(path: str, settings_json: str) -> str:
    record = extract_file(Path(path), Settings.model_validate_json(settings_json))
    return json.dumps(record.to_json_dict(), ensure_ascii=False)


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records of a records.jsonl; a line cut short by an interrupted run is dropped."""
    if not path.exists():
        return []
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


def _key(record: dict[str, Any]) -> tuple[str, str]:
    source = record.get("source") or {}
    return str(source.get("file", "")), str(source.get("sha256", ""))


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


@dataclass
class BatchResult:
    """What a batch run did."""

    records: list[dict[str, Any]] = field(default_factory=list)  # the records of this run's inputs
    skipped: int = 0

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
        return "\n".join(lines)


def _rewrite(path: Path, records: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def run_batch(paths: list[Path], out_dir: Path, settings: Settings, *, progress: bool = True) -> BatchResult:
    """Extract every file (folders are searched) into ``out_dir/records.jsonl`` as files finish, then export."""
    from tqdm import tqdm

    from service.export import write_exports

    inputs = collect_inputs(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    records_path = out_dir / RECORDS
    previous = load_records(records_path)
    _rewrite(records_path, previous)  # drops a line cut short by an interrupted run
    done = {_key(r): r for r in previous}
    keys = [(str(p), _sha256(p)) for p in inputs]
    todo = [p for p, key in zip(inputs, keys, strict=True) if key not in done or not key[1]]
    result = BatchResult(skipped=len(inputs) - len(todo))
    bar = tqdm(total=len(todo), desc="extract", unit="file", disable=not progress, file=sys.stderr)
    with records_path.open("a", encoding="utf-8") as handle:
        for line in _run(todo, settings):
            handle.write(line + "\n")
            handle.flush()
            record = json.loads(line)
            done[_key(record)] = record
            bar.update(1)
    bar.close()
    everything = sorted(done.values(), key=_key)
    _rewrite(records_path, everything)
    result.records = [done[k] for k in keys if k in done]
    write_exports(everything, out_dir)
    return result


def _run(paths: list[Path], settings: Settings) -> Iterator[str]:
    settings_json = settings.model_dump_json()
    if settings.jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield _extract_job(str(path), settings_json)
        return
    with ProcessPoolExecutor(max_workers=settings.jobs) as pool:
        futures = [pool.submit(_extract_job, str(p), settings_json) for p in paths]
        for future in as_completed(futures):
            yield future.result()
