"""PostgreSQL for the store (``NIANBAO_DATABASE_URL=postgresql://…``): the only module that imports psycopg.

The store's SQL is written once, with ``?`` parameters (service/store/db.py). ``Connection`` gives a psycopg
connection the part of sqlite3's interface the store uses; ``with connection:`` is one transaction. Questions read
through a pool of read-only connections. Text columns compare byte-wise (``COLLATE "C"``), as in SQLite, whatever
the database's locale, so both stores list reports in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from service.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
  report_id TEXT COLLATE "C" PRIMARY KEY, file TEXT COLLATE "C" NOT NULL, sha256 TEXT COLLATE "C" NOT NULL,
  issuer TEXT COLLATE "C", year INTEGER, status TEXT COLLATE "C" NOT NULL, format_version TEXT COLLATE "C",
  title TEXT COLLATE "C", record TEXT NOT NULL, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
  report_id TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C" NOT NULL, label TEXT COLLATE "C" NOT NULL,
  value DOUBLE PRECISION, raw TEXT, page INTEGER, quote TEXT, method TEXT, PRIMARY KEY (report_id, path)
);
CREATE TABLE IF NOT EXISTS findings (
  report_id TEXT COLLATE "C" NOT NULL, rule TEXT COLLATE "C" NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
  cells TEXT NOT NULL, origin TEXT NOT NULL DEFAULT 'report'
);
CREATE TABLE IF NOT EXISTS sections (
  report_id TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY (report_id, key)
);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id TEXT COLLATE "C" PRIMARY KEY, report_id TEXT COLLATE "C" NOT NULL, section TEXT COLLATE "C" NOT NULL,
  page INTEGER, text TEXT NOT NULL, tokens TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cells_path ON cells (path);
CREATE INDEX IF NOT EXISTS findings_report ON findings (report_id);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks (report_id);
CREATE INDEX IF NOT EXISTS reports_issuer_year ON reports (issuer, year);
"""
# keys of advisory locks (pg_advisory_lock): a report's key is the first 15 hex digits of its id
SCHEMA_LOCK = 0x6E69616E62616F01
REVIEW_LOCK = 0x6E69616E62616F02
READERS = 8  # read-only connections per process at most (questions in flight)
_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


def is_database_url(location: object) -> bool:
    """Whether a store location names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and bool(_URL.match(location))


def shown(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def report_lock(report_id: str) -> int:
    """The advisory lock of one report: two writers of the same report take turns."""
    return int(report_id[:15], 16)


class Connection:
    """A psycopg connection with sqlite3's interface for what the store uses (``?`` parameters)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._tx: Any = None

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """Run one statement; the cursor is iterable and has ``fetchone``/``fetchall``."""
        return self._conn.execute(_params(sql), args)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows (sent in one pipeline)."""
        if rows:
            with self._conn.cursor() as cursor:
                cursor.executemany(_params(sql), rows)

    def executescript(self, script: str) -> None:
        """Run several statements separated by ``;``."""
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def __enter__(self) -> Connection:
        self._tx = self._conn.transaction()
        self._tx.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        tx, self._tx = self._tx, None
        tx.__exit__(kind, exc, tb)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _params(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class Database:
    """One PostgreSQL database: a writer connection (autocommit, transactions by ``with``) and a reader pool."""

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        self.url = url
        try:
            self.writer = Connection(psycopg.connect(url, autocommit=True, connect_timeout=10))
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the store at {shown(url)} ({_reason(exc)})") from exc
        self._pool = ConnectionPool(
            url, min_size=1, max_size=READERS, configure=_read_only, open=True, name="nianbao-readers"
        )

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """A read-only connection from the pool, for one block (one read-only transaction)."""
        with self._pool.connection() as conn:
            yield Connection(conn)

    @contextmanager
    def locked(self, key: int) -> Iterator[None]:
        """An advisory lock held by this block across processes and machines (its own connection)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            yield

    def close(self) -> None:
        """Close the writer and the pool."""
        self._pool.close()
        self.writer.close()


def _read_only(conn: Any) -> None:
    conn.read_only = True


def _reason(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
