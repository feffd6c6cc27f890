"""Checks: pure functions from values to findings (data, never exceptions)."""
