"""Settings: built once at an entry point and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings, from the environment (prefix ``NIANBAO_``) and a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("data"), description="data dir: store, index, caches")
    jobs: int = Field(default=1, ge=1, description="worker processes for batch extraction")
    max_file_mb: float = Field(default=50.0, gt=0, description="larger files are not read")
    max_pdf_pages: int = Field(default=200, ge=1, description="PDFs with more pages are not read")
