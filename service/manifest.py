"""A sidecar manifest of who published each file and for which year (a crawl knows what the text may not say).

``nianbao extract --meta meta.csv`` (or ``ingest``); ``--issuer``/``--year`` for one file.
``meta.csv`` (UTF-8, with or without BOM): a header row with ``file``, ``issuer``, ``year``; ``file`` is the path as
given to ``nianbao extract`` / ``ingest``, or just the file name. A value from the manifest wins over what the reader
found, and its evidence says so (``method`` ``manifest``; ``raw`` keeps what the reader had read, if anything).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator

from service.config import Settings
from service.errors import ConfigError
from service.schema.record import Evidence, Record


class MetaOverride(BaseModel):
    """Issuer and year of one file, as the manifest gives them (empty = keep what the reader found)."""

    issuer: str | None = None
    year: int | None = None

    @field_validator("issuer", "year", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


def read_manifest(path: Path) -> dict[str, MetaOverride]:
    """``file -> MetaOverride`` from a CSV file; a one-line ConfigError when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the manifest {path} ({type(exc).__name__})") from exc
    rows = list(csv.DictReader(text.splitlines()))
    if rows and "file" not in rows[0]:
        raise ConfigError(f"the manifest {path} needs a header row with file, issuer, year")
    out: dict[str, MetaOverride] = {}
    for number, row in enumerate(rows, start=2):
        try:
            out[row["file"].strip()] = MetaOverride(issuer=row.get("issuer"), year=row.get("year"))
        except ValidationError as exc:
            raise ConfigError(f"manifest {path} line {number}: year must be a number") from exc
    return out


@functools.cache
def _cached(path: Path, mtime: float) -> dict[str, MetaOverride]:
    del mtime  # part of the key: an edited manifest is read again
    return read_manifest(path)


def override_for(settings: Settings, file: str) -> MetaOverride | None:
    """What the settings say of a file's issuer and year: ``--issuer/--year``, else its manifest row, else None."""
    if settings.meta_issuer is not None or settings.meta_year is not None:
        return MetaOverride(issuer=settings.meta_issuer, year=settings.meta_year)
    if settings.meta_manifest is None:
        return None
    path = Path(settings.meta_manifest)
    try:
        manifest = _cached(path.resolve(), path.stat().st_mtime)
    except OSError as exc:
        raise ConfigError(f"cannot read the manifest {path} ({exc.strerror or type(exc).__name__})") from exc
    return manifest.get(file) or manifest.get(str(Path(file))) or manifest.get(Path(file).name)


def apply_override(record: Record, override: MetaOverride | None) -> Record:
    """The record with the override's issuer and year, and evidence saying where they came from."""
    if override is None or record.status == "failed":
        return record
    for key in ("issuer", "year"):
        value = getattr(override, key)
        if value is None:
            continue
        read = getattr(record.meta, key)
        setattr(record.meta, key, value)
        raw = str(read) if read is not None and read != value else None
        record.evidence[f"meta.{key}"] = Evidence(method="manifest", raw=raw)
    return record
