"""The store: records, one row per cell, findings, section texts and chunks in SQLite under the data dir."""

from service.store.db import CellRow, Store

__all__ = ["CellRow", "Store"]
