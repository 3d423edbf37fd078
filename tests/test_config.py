"""Settings: defaults, environment names of SPEC §5, and refusal of placeholder admin keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lessonplan.config import Settings


def test_defaults_run_offline_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LESSONPLAN_DATABASE_URL", "LESSONPLAN_LLM", "LESSONPLAN_PROMPT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.llm == "offline"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert (settings.cache_ttl_hours, settings.quality_policy, settings.prompt) == (
        24.0,
        "warn",
        "compact",
    )
    assert settings.api_key_list == [] and settings.offline_fallback is False


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONPLAN_FALLBACK_LLMS", "openai:gpt-4o, anthropic:claude-haiku-4-5")
    monkeypatch.setenv("LESSONPLAN_OFFLINE_FALLBACK", "1")
    monkeypatch.setenv("LESSONPLAN_CACHE_TTL_HOURS", "0.5")
    monkeypatch.setenv("LESSONPLAN_API_KEYS", "k-0123456789ab, k-ba9876543210")
    settings = Settings()
    assert settings.fallback_llm_specs == ["openai:gpt-4o", "anthropic:claude-haiku-4-5"]
    assert settings.offline_fallback is True and settings.cache_ttl_hours == 0.5
    assert settings.api_key_list == ["k-0123456789ab", "k-ba9876543210"]


@pytest.mark.parametrize("keys", ["changeme", "secret", "short", "good-key-123456,admin"])
def test_placeholder_or_short_api_keys_are_refused(keys: str) -> None:
    with pytest.raises(ValidationError, match="a placeholder or a key shorter"):
        Settings(api_keys=keys)


def test_unknown_database_driver_is_named() -> None:
    with pytest.raises(ValidationError, match="sqlite\\+aiosqlite:// or postgresql\\+asyncpg://"):
        Settings(database_url="mysql://x")
