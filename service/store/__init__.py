"""The store: records, one row per cell, findings, section texts and chunks in SQLite under the data dir, or in
PostgreSQL (``NIANBAO_DATABASE_URL``)."""

from service.store.db import CellRow, Store, open_store

__all__ = ["CellRow", "Store", "open_store"]
