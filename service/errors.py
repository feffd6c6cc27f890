"""Exceptions raised by the service.

* ServiceError            root; caught at the CLI/UI edge only, shown as one line
  * ConfigError           settings missing or inconsistent
  * IngestError           a file could not be turned into a Document (the message is the record's ``error``)
    * EmptyTextError      the file has no text at all (empty file, scanned PDF without a text layer)
  * PromptError           a prompt file is missing or invalid, or a placeholder has no value
  * LLMError              the LLM endpoint failed (timeout, unreachable, HTTP error, invalid JSON after the
                          retries, token budget exceeded); the message is the one-line reason
  * IndexStoreError       the vector index (Chroma) could not be opened, read or written
  * LibraryBusyError      another process kept the library (or an output folder) longer than the wait allowed
  * InternalError         an unexpected failure behind the app or the API, shown as one Chinese line (logged)
  * StoreError            the store (SQLite file or PostgreSQL database) could not be opened
  * ClusterError          the Ray cluster could not be started or joined

Business-rule failures (identities, prose vs tables) are findings, i.e. data, never exceptions.
A batch turns every IngestError into a ``failed`` record and goes on.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Root of every error the service raises on purpose."""


class ConfigError(ServiceError):
    """Settings are missing or inconsistent."""


class IngestError(ServiceError):
    """A file could not be read as a report; the message is a one-line reason."""


class EmptyTextError(IngestError):
    """The file holds no text (empty file, or a PDF without a text layer)."""


class IndexStoreError(ServiceError):
    """The vector index could not be opened, read or written."""


class PromptError(ServiceError):
    """A prompt file is missing or invalid, or a placeholder has no value."""


class LLMError(ServiceError):
    """The LLM endpoint failed; the message is a one-line reason (the record becomes ``needs_review``)."""


class InternalError(ServiceError):
    """Something failed that the user cannot fix; the message is a generic Chinese line, the details are logged."""


class LibraryBusyError(ServiceError):
    """Another process kept the library (or an output folder) longer than the wait allowed."""


class StoreError(ServiceError):
    """The store could not be opened (PostgreSQL unreachable, a schema newer than this program)."""


class ClusterError(ServiceError):
    """The Ray cluster could not be started or joined, or the Ray client is not installed."""
