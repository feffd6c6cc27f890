"""Checks: pure functions from values to findings (data, never exceptions).

The rules that need other reports (Y-CARRY, Y-NORM, Y-COPY: a body's previous year, peers of the same year)
are in ``service.review``, run over the store by ``nianbao review`` and ``nianbao ingest``.
"""
