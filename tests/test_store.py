"""The store's schema: created and migrated by the program, on SQLite and on PostgreSQL; a newer one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.batch import extract_file
from service.cli import main
from service.config import Settings
from service.errors import StoreError
from service.store import open_store
from service.store.db import SCHEMA_VERSION
from service.store.postgres import shown
from tests.conftest import Engine, sample


def _indexes(store) -> set[str]:
    sql = "SELECT indexname FROM pg_indexes" if store.postgres else "SELECT name FROM sqlite_master WHERE type='index'"
    with store.reader() as db:
        return {row[0] for row in db.execute(sql)}


def test_a_store_of_schema_1_is_migrated_and_keeps_its_reports(engine: Engine, tmp_path: Path) -> None:
    settings = engine.settings(tmp_path)
    store = open_store(settings)
    record = extract_file(sample("003_9da54bdadbdcae0a"), Settings()).to_json_dict()
    store.put(record, {"一": "总体情况"}, [], now="2025-01-01")
    with store._db:  # what a store made before the schema had a version looks like
        store._db.execute("DROP INDEX reports_sha256")
        store._db.execute("DELETE FROM settings WHERE key = 'schema'")
    store.close()
    store = open_store(settings)
    assert store.get_setting("schema") == str(SCHEMA_VERSION) == "2"
    assert "reports_sha256" in _indexes(store)
    assert store.has(record["source"]["sha256"]) and len(store.reports()) == 1
    store.set_setting("schema", "99")
    store.close()
    with pytest.raises(StoreError, match="schema version 99; this nianbao knows 2"):
        open_store(settings)


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path))
    monkeypatch.setenv("NIANBAO_DATABASE_URL", "postgresql://nianbao:secret@127.0.0.1:1/nianbao")
    assert main(["review"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("nianbao: cannot open the store at postgresql://nianbao:***@127.0.0.1:1/nianbao (")
    assert "secret" not in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("NIANBAO_CHROMA_URL", "chroma.example")
    assert main(["review"]) == 2
    assert capsys.readouterr().err.startswith("nianbao: invalid setting NIANBAO_CHROMA_URL: ")
    assert shown("postgresql://u@h/db") == "postgresql://u@h/db"
