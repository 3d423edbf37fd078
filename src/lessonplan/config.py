"""Settings from ``LESSONPLAN_*`` environment variables (SPEC §5), in one class.

``get_settings()`` is cached; tests call ``get_settings.cache_clear()`` after changing the
environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lessonplan.access import (
    MIN_API_KEY_LENGTH,
    PLACEHOLDER_KEYS,
    KeyConfigError,
    KeyRing,
    parse_admin_keys,
    parse_client_keys,
)

QualityPolicy = Literal["warn", "repair", "reject"]
__all__ = ["MIN_API_KEY_LENGTH", "PLACEHOLDER_KEYS", "Settings", "get_settings"]
PromptVariant = Literal["compact", "full"]


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("lessonplan", appauthor=False))
    return f"sqlite+aiosqlite:///{data_dir / 'lessonplan.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LESSONPLAN_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=15, ge=0)
    db_lock_pool_max: int = Field(default=20, ge=1)  # PostgreSQL advisory-lock connections
    llm: str = "offline"
    fallback_llms: str = ""
    offline_fallback: bool = False
    cache_ttl_hours: float = Field(default=24.0, gt=0)
    cache_purge_grace_hours: float = Field(default=24.0 * 7, ge=0)
    # Raw generation events older than this are deleted by `lessonplan events purge` (their
    # hourly rollups, which `stats` reads, are kept); 0 keeps every event.
    event_retention_days: float = Field(default=90.0, ge=0)
    quality_policy: QualityPolicy = "warn"
    prompt: PromptVariant = "compact"
    api_keys: str = ""  # admin keys (see lessonplan.access)
    client_keys: str = ""  # KEY=SCOPE entries
    client_keys_file: Path | None = None
    metalanguage: str = "en"
    # Every new lesson version is stored published (recorded as such in its review history)
    # instead of as a draft waiting for review: for products that serve lessons unreviewed.
    auto_publish: bool = False

    # LLM call policy
    llm_timeout_seconds: float = Field(default=60.0, gt=0)
    compile_timeout_seconds: float = Field(default=600.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0)
    llm_retry_base_seconds: float = Field(default=0.5, ge=0)
    llm_retry_max_seconds: float = Field(default=20.0, ge=0)
    llm_max_repairs: int = Field(default=2, ge=0, le=5)
    llm_concurrency: int = Field(default=8, ge=1)
    llm_temperature: float = Field(default=0.2, ge=0, le=2)
    openai_response_format: Literal["json_schema", "json_object"] = "json_schema"
    price_table: str = ""  # JSON {"model": {"input": usd_per_mtok, "output": usd_per_mtok}}

    # Shared limits and budgets (issue 12)
    rate_limits: str = ""  # PROVIDER:MODEL=Nrpm/Ntpm, comma-separated
    daily_budget_usd: float | None = Field(default=None, ge=0)
    # Queue workers: heartbeat period and how long a silent worker's jobs wait before another
    # worker takes them over (stalled-job recovery after a kill -9).
    worker_heartbeat_seconds: float = Field(default=5.0, gt=0)
    worker_stalled_seconds: float = Field(default=30.0, gt=0)

    # How often a batch run asks the provider whether its batch has ended.
    batch_poll_seconds: float = Field(default=5.0, gt=0)

    # HTTP
    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    # POST /cando/{uid}/plan cache hits answered before the framework (lessonplan.api.fastlane).
    http_fast_lane: bool = True

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits_parse(cls, value: str) -> str:
        from lessonplan.domain.ratelimits import RateLimitSyntaxError, parse_rate_limits

        try:
            parse_rate_limits(value)
        except RateLimitSyntaxError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "LESSONPLAN_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return value

    @field_validator("api_keys")
    @classmethod
    def _no_placeholder_keys(cls, value: str) -> str:
        """Admin keys guard rollback and cache deletion: refuse placeholders and short keys."""
        try:
            parse_admin_keys(value)
        except KeyConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("client_keys")
    @classmethod
    def _client_keys_parse(cls, value: str) -> str:
        try:
            parse_client_keys(value)
        except KeyConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    def key_ring(self) -> KeyRing:
        """Every configured key (admin and client), as digests. Raises ``KeyConfigError``."""
        return KeyRing.from_config(
            admin_keys=self.api_keys,
            client_keys=self.client_keys,
            client_keys_file=self.client_keys_file,
        )

    @property
    def fallback_llm_specs(self) -> list[str]:
        return [s.strip() for s in self.fallback_llms.split(",") if s.strip()]

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
