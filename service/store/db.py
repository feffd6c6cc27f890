"""The store: SQLite (the default) or PostgreSQL. Writes go through one connection; questions read through read-only
ones. The SQL is the same for both (``?`` parameters; service/store/postgres.py adapts it)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.errors import StoreError
from service.names import Bodies
from service.schema.fields import label_of
from service.schema.record import flatten

if TYPE_CHECKING:
    from service.config import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
  report_id TEXT PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, issuer TEXT, year INTEGER,
  status TEXT NOT NULL, format_version TEXT, title TEXT, record TEXT NOT NULL, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
  report_id TEXT NOT NULL, path TEXT NOT NULL, label TEXT NOT NULL, value REAL, raw TEXT, page INTEGER,
  quote TEXT, method TEXT, PRIMARY KEY (report_id, path)
);
CREATE TABLE IF NOT EXISTS findings (
  report_id TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
  cells TEXT NOT NULL, origin TEXT NOT NULL DEFAULT 'report'
);
CREATE TABLE IF NOT EXISTS sections (
  report_id TEXT NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (report_id, key)
);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, section TEXT NOT NULL, page INTEGER,
  text TEXT NOT NULL, tokens TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cells_path ON cells (path);
CREATE INDEX IF NOT EXISTS findings_report ON findings (report_id);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks (report_id);
CREATE INDEX IF NOT EXISTS reports_issuer_year ON reports (issuer, year);
"""
# what changed the schema since version 1 (the tables above), in order: a store records the version it has
# (settings 'schema') and the program applies the steps it lacks when it opens it
MIGRATIONS = [
    "CREATE INDEX IF NOT EXISTS reports_sha256 ON reports (sha256)",  # 2: the skip check of ingest, per file
]
SCHEMA_VERSION = 1 + len(MIGRATIONS)


@dataclass(frozen=True)
class CellRow:
    """One cell of one stored report, with its evidence."""

    report_id: str
    issuer: str | None
    year: int | None
    path: str
    label: str
    value: float | None
    raw: str | None
    page: int | None
    quote: str | None

    @property
    def number(self) -> int | float | None:
        """The value as an int when it is whole."""
        if self.value is None:
            return None
        return int(self.value) if float(self.value).is_integer() else self.value


@dataclass(frozen=True)
class ReportRow:
    """A stored report's identity and status."""

    report_id: str
    file: str
    issuer: str | None
    year: int | None
    status: str
    findings: int


UPSERT_SETTING = "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


def open_store(settings: Settings) -> Store:
    """The store the settings name: ``NIANBAO_DATABASE_URL`` (PostgreSQL), else the SQLite file under the data dir."""
    return Store(settings.database_url or Path(settings.home) / "nianbao.sqlite")


def report_id_of(sha256: str) -> str:
    """The stable id of a report: the first 16 hex digits of its file's sha256."""
    return sha256[:16]


class Store:
    """Records, cells, findings, sections and chunks in one SQLite file or one PostgreSQL database."""

    def __init__(self, location: Path | str) -> None:
        from service.store.postgres import is_database_url

        self._lock = threading.Lock()
        self._pg: Any = None
        if is_database_url(location):
            from service.store.postgres import SCHEMA as PG_SCHEMA
            from service.store.postgres import SCHEMA_LOCK, Database, shown

            self._pg = Database(str(location))
            self.name = shown(str(location))
            self._db: Any = self._pg.writer
            with self._pg.locked(SCHEMA_LOCK):  # processes starting at once do not race to create or migrate
                self._migrate(PG_SCHEMA)
            return
        path = Path(location)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.name = str(path)
        self._db = sqlite3.connect(path, check_same_thread=False)  # writes are serialised by the lock
        self._db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer; one sync per checkpoint
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate(SCHEMA)

    def _migrate(self, schema: str) -> None:
        """Create the tables if missing, then apply the schema steps this store lacks."""
        self._db.executescript(schema)
        found = self.get_setting("schema")
        version = int(found) if found else 1
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store at {self.name} has schema version {version}; this nianbao knows {SCHEMA_VERSION}: "
                "update nianbao"
            )
        with self._lock, self._db:
            for step in MIGRATIONS[version - 1 :]:
                self._db.execute(step)
            self._db.execute(UPSERT_SETTING, ("schema", str(SCHEMA_VERSION)))

    @property
    def postgres(self) -> bool:
        """Whether this store is a PostgreSQL database."""
        return self._pg is not None

    def close(self) -> None:
        """Close the connections."""
        if self._pg is not None:
            self._pg.close()
        else:
            self._db.close()

    @contextlib.contextmanager
    def reader(self) -> Iterator[Any]:
        """A read-only connection for one block: questions can never write."""
        if self._pg is not None:
            with self._pg.reader() as db:
                yield db
            return
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            with db:
                yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def one_at_a_time(self) -> Iterator[None]:
        """A block that one process at a time runs on this store (the review replacing its findings).

        SQLite has one writer at a time already; PostgreSQL takes an advisory lock, across processes and machines.
        """
        if self._pg is None:
            yield
            return
        from service.store.postgres import REVIEW_LOCK

        with self._pg.locked(REVIEW_LOCK):
            yield

    def get_setting(self, key: str) -> str | None:
        """A value the store keeps about itself (e.g. the version of the reader that filled it)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Remember a value about the store."""
        with self._lock, self._db:
            self._db.execute(UPSERT_SETTING, (key, value))

    def generation(self) -> str:
        """Changes with every commit to the library (see service/library.py); readers reload what they cached."""
        return self.get_setting("generation") or ""

    def has(self, sha256: str) -> bool:
        """Whether a file with this content is already stored."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM reports WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def put(
        self,
        record: dict[str, Any],
        sections: dict[str, str],
        chunks: Sequence[tuple[str, str, int | None, str, str]],
        *,
        now: str,
    ) -> str:
        """Store (or replace) one report with its cells, findings, sections and chunks; returns its id."""
        return self.put_many([(record, sections, chunks)], now=now)[0]

    def put_many(
        self,
        reports: Sequence[tuple[dict[str, Any], dict[str, str], Sequence[tuple[str, str, int | None, str, str]]]],
        *,
        now: str,
    ) -> list[str]:
        """Store (or replace) several reports in one transaction: all of them or, after a crash, none."""
        with self._lock, self._db:
            if self._pg is not None:  # writers of the same report take turns (many processes may write), in one order
                from service.store.postgres import report_lock

                for key in sorted({report_lock(report_id_of(r[0]["source"]["sha256"])) for r in reports}):
                    self._db.execute("SELECT pg_advisory_xact_lock(?)", (key,))
            return [self._put(self._db, *report, now=now) for report in reports]

    @staticmethod
    def _put(
        db: Any,
        record: dict[str, Any],
        sections: dict[str, str],
        chunks: Sequence[tuple[str, str, int | None, str, str]],
        *,
        now: str,
    ) -> str:
        source = record["source"]
        meta = record.get("meta") or {}
        rid = report_id_of(source["sha256"])
        for table in ("reports", "cells", "findings", "sections", "chunks"):
            db.execute(f"DELETE FROM {table} WHERE report_id = ?", (rid,))
        db.execute(
            "INSERT INTO reports (report_id, file, sha256, issuer, year, status, format_version, title, record, "
            "ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                rid,
                source["file"],
                source["sha256"],
                meta.get("issuer"),
                meta.get("year"),
                record["status"],
                meta.get("format_version"),
                meta.get("title"),
                json.dumps(record, ensure_ascii=False),
                now,
            ),
        )
        evidence = record.get("evidence") or {}
        db.executemany(
            "INSERT INTO cells (report_id, path, label, value, raw, page, quote, method) VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    rid,
                    path,
                    label_of(path),
                    value,
                    (evidence.get(path) or {}).get("raw"),
                    (evidence.get(path) or {}).get("page"),
                    (evidence.get(path) or {}).get("quote"),
                    (evidence.get(path) or {}).get("method"),
                )
                for path, value in flatten(record).items()
            ],
        )
        db.executemany(
            "INSERT INTO findings (report_id, rule, severity, message, cells) VALUES (?,?,?,?,?)",
            [
                (rid, f["rule"], f["severity"], f["message"], json.dumps(f.get("cells", [])))
                for f in record.get("findings", [])
            ],
        )
        db.executemany(
            "INSERT INTO sections (report_id, key, text) VALUES (?,?,?)", [(rid, k, v) for k, v in sections.items()]
        )
        db.executemany(
            "INSERT INTO chunks (chunk_id, report_id, section, page, text, tokens) VALUES (?,?,?,?,?,?)",
            [(c[0], rid, c[1], c[2], c[3], c[4]) for c in chunks],
        )
        return rid

    def replace_review_findings(self, findings: Iterable[tuple[str, str, str, str, list[str]]]) -> None:
        """Replace every cross-report finding with these (report_id, rule, severity, message, cells)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM findings WHERE origin = 'review'")
            self._db.executemany(
                "INSERT INTO findings (report_id, rule, severity, message, cells, origin) VALUES (?,?,?,?,?,'review')",
                [
                    (rid, rule, sev, msg, json.dumps(cells, ensure_ascii=False))
                    for rid, rule, sev, msg, cells in findings
                ],
            )

    # --- reading (read-only connection) ---

    def reports(
        self, *, issuer: str | None = None, year: int | None = None, status: str | None = None
    ) -> list[ReportRow]:
        """Stored reports, filtered, with their number of findings.

        ``issuer`` is any name of the body (service.names): 洪泽区 finds 淮安市洪泽区人民政府.
        """
        sql = (
            "SELECT r.report_id, r.file, r.issuer, r.year, r.status, "
            "(SELECT COUNT(*) FROM findings f WHERE f.report_id = r.report_id) FROM reports r WHERE 1=1"
        )
        args: list[Any] = []
        for column, value in (("r.year", year), ("r.status", status)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        with self.reader() as db:
            order = " ORDER BY r.issuer NULLS FIRST, r.year NULLS FIRST, r.file"
            rows = [ReportRow(*row) for row in db.execute(sql + order, args)]
        if issuer is not None:
            bodies = Bodies({r.issuer for r in rows if r.issuer} | {issuer})
            rows = [r for r in rows if r.issuer and bodies.key(r.issuer) == bodies.key(issuer)]
        return rows

    def record(self, report_id: str) -> dict[str, Any] | None:
        """A stored record with the cross-report findings added."""
        with self.reader() as db:
            row = db.execute("SELECT record FROM reports WHERE report_id = ?", (report_id,)).fetchone()
            extra = db.execute(
                "SELECT rule, severity, message, cells FROM findings WHERE report_id = ? AND origin = 'review'",
                (report_id,),
            ).fetchall()
        if row is None:
            return None
        record: dict[str, Any] = json.loads(row[0])
        record["findings"] = record.get("findings", []) + [
            {"rule": r, "severity": s, "message": m, "cells": json.loads(c)} for r, s, m, c in extra
        ]
        return record

    def query_cells(
        self, paths: Sequence[str], *, issuers: Sequence[str] | None = None, years: Sequence[int] | None = None
    ) -> list[CellRow]:
        """Cells of the given paths, optionally only for some issuers and years (parameterised, read-only)."""
        if not paths:
            return []
        sql = (
            "SELECT c.report_id, r.issuer, r.year, c.path, c.label, c.value, c.raw, c.page, c.quote "
            "FROM cells c JOIN reports r ON r.report_id = c.report_id "
            f"WHERE c.path IN ({','.join('?' * len(paths))})"
        )
        args: list[Any] = list(paths)
        if issuers:
            sql += f" AND r.issuer IN ({','.join('?' * len(issuers))})"
            args += list(issuers)
        if years:
            sql += f" AND r.year IN ({','.join('?' * len(years))})"
            args += list(years)
        with self.reader() as db:
            rows = db.execute(sql + " ORDER BY r.issuer NULLS FIRST, r.year NULLS FIRST, c.path", args).fetchall()
        return [CellRow(*row) for row in rows]

    def findings(
        self, rules: Sequence[str] | None = None, *, years: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """Findings of stored reports (single-report and cross-report), optionally by rule and year."""
        sql = (
            "SELECT r.report_id, r.issuer, r.year, f.rule, f.severity, f.message, f.cells, f.origin "
            "FROM findings f JOIN reports r ON r.report_id = f.report_id WHERE 1=1"
        )
        args: list[Any] = []
        if rules:
            sql += f" AND f.rule IN ({','.join('?' * len(rules))})"
            args += list(rules)
        if years:
            sql += f" AND r.year IN ({','.join('?' * len(years))})"
            args += list(years)
        with self.reader() as db:
            rows = db.execute(sql + " ORDER BY r.issuer NULLS FIRST, r.year NULLS FIRST", args).fetchall()
        keys = ("report_id", "issuer", "year", "rule", "severity", "message", "cells", "origin")
        return [dict(zip(keys, row, strict=True)) | {"cells": json.loads(row[6])} for row in rows]

    def state(self) -> tuple[int, str]:
        """(number of reports, largest row id): changes whenever a report is stored (a stored report gets a new row)."""
        row_version = "xmin::text::bigint" if self._pg is not None else "rowid"  # a new row gets a larger one
        with self.reader() as db:
            count, last = db.execute(f"SELECT COUNT(*), COALESCE(MAX({row_version}), 0) FROM reports").fetchone()
        return int(count), str(last)

    def openings(self) -> list[tuple[str, str]]:
        """(issuer, title and the first lines of the report) of every report with an issuer."""
        sql = (
            "SELECT r.issuer, COALESCE(r.title, '') || ' ' || COALESCE(SUBSTR(s.text, 1, 200), '') FROM reports r "
            "LEFT JOIN sections s ON s.report_id = r.report_id AND s.key IN ('前言', '一') WHERE r.issuer IS NOT NULL"
        )
        with self.reader() as db:
            return [(r[0], r[1]) for r in db.execute(sql)]

    def issuers(self) -> list[str]:
        """Distinct issuers in the store."""
        with self.reader() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT issuer FROM reports WHERE issuer IS NOT NULL")]

    def years(self) -> list[int]:
        """Distinct report years in the store."""
        with self.reader() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT year FROM reports WHERE year IS NOT NULL")]

    def chunks(self, report_ids: Sequence[str] | None = None) -> list[tuple[str, str, str, int | None, str, str]]:
        """(chunk_id, report_id, section, page, text, tokens) of all chunks, or of some reports."""
        sql = "SELECT chunk_id, report_id, section, page, text, tokens FROM chunks"
        args: list[Any] = []
        if report_ids:
            sql += f" WHERE report_id IN ({','.join('?' * len(report_ids))})"
            args = list(report_ids)
        with self.reader() as db:
            return list(db.execute(sql + " ORDER BY chunk_id", args).fetchall())

    def sections(self) -> list[tuple[str, str, int | None, str, str]]:
        """(report_id, issuer, year, section key, text) of every stored section."""
        with self.reader() as db:
            return list(
                db.execute(
                    "SELECT s.report_id, r.issuer, r.year, s.key, s.text FROM sections s "
                    "JOIN reports r ON r.report_id = s.report_id ORDER BY r.issuer NULLS FIRST, r.year NULLS FIRST"
                ).fetchall()
            )

    def report_meta(self, report_ids: Sequence[str]) -> dict[str, tuple[str | None, int | None, str]]:
        """report_id -> (issuer, year, file)."""
        if not report_ids:
            return {}
        with self.reader() as db:
            marks = ",".join("?" * len(report_ids))
            sql = f"SELECT report_id, issuer, year, file FROM reports WHERE report_id IN ({marks})"
            rows = db.execute(sql, list(report_ids)).fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}
