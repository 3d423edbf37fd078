"""make_provider: the LESSONPLAN_LLM spec forms, and the fake shipped in the package."""

from __future__ import annotations

import pytest

from lessonplan.config import Settings
from lessonplan.errors import ConfigurationError
from lessonplan.providers import (
    FakeProvider,
    LLMProvider,
    LLMRequest,
    make_provider,
    register_fake,
    unregister_fakes,
)
from lessonplan.providers.anthropic import AnthropicProvider
from lessonplan.providers.offline import OfflineProvider
from lessonplan.providers.openai import OpenAIProvider
from lessonplan.providers.replay import ReplayProvider

SETTINGS = Settings(openai_response_format="json_object", llm_timeout_seconds=7)
REQUEST = LLMRequest(system="s", user="u", schema_name="X", task="plan")


async def test_spec_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    built: list[LLMProvider] = []
    try:
        for spec, cls in [
            ("offline", OfflineProvider),
            ("replay", ReplayProvider),
            ("openai:gpt-4o-mini", OpenAIProvider),
            ("openai:llama3:8b", OpenAIProvider),
            ("anthropic:claude-sonnet-4-5", AnthropicProvider),
            ("fake:x", FakeProvider),
        ]:
            provider = make_provider(spec, settings=SETTINGS)
            built.append(provider)
            assert isinstance(provider, cls)
            assert isinstance(provider, LLMProvider)
            assert provider.spec == spec
        assert built[0].is_offline and not any(p.is_offline for p in built[1:])
        assert built[3].model == "llama3:8b"
    finally:
        for provider in built:
            await provider.aclose()


@pytest.mark.parametrize(
    "spec", ["", "gpt-4o", "openai", "openai:", "anthropic:", "offline:x", "x:y"]
)
def test_bad_specs_list_the_valid_forms(spec: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make_provider(spec, settings=SETTINGS)
    message = str(info.value)
    assert "\n" not in message
    for form in ("offline", "openai:MODEL", "anthropic:MODEL", "replay", "fake:NAME"):
        assert form in message


def test_missing_keys_are_configuration_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        make_provider("openai:gpt-4o-mini", settings=SETTINGS)
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        make_provider("anthropic:claude-sonnet-4-5", settings=SETTINGS)


async def test_registered_fakes_are_returned_by_name() -> None:
    fake = register_fake(FakeProvider("flaky").enqueue('{"a": 1}'))
    try:
        assert make_provider("fake:flaky", settings=SETTINGS) is fake
        completion = await fake.complete(REQUEST)
        assert completion.text == '{"a": 1}'
        assert fake.requests == [REQUEST]
    finally:
        unregister_fakes()
    assert make_provider("fake:flaky", settings=SETTINGS) is not fake


async def test_fake_queue_raises_exceptions_and_then_falls_back() -> None:
    fake = FakeProvider("f", fallback=lambda request: "fallback").enqueue(
        ValueError("boom"), {"k": "値"}
    )
    with pytest.raises(ValueError, match="boom"):
        await fake.complete(REQUEST)
    assert (await fake.complete(REQUEST)).text == '{"k": "値"}'
    assert (await fake.complete(REQUEST)).text == "fallback"
    assert len(fake.requests) == 3 and fake.pending == 0
    empty = FakeProvider()
    with pytest.raises(AssertionError, match="no answer queued"):
        await empty.complete(REQUEST)
