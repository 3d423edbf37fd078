"""AnthropicProvider through the real ``anthropic`` SDK over an in-memory transport.

The SDK is built on ``httpx2`` (it rejects ``httpx`` objects), so the transport is
``httpx2.MockTransport``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from lessonplan.errors import (
    ConfigurationError,
    ProviderBadRequestError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)
from lessonplan.providers.anthropic import AnthropicProvider
from lessonplan.providers.base import LLMRequest, Usage

SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "count": {"type": "integer"}},
    "required": ["name", "count"],
}
REQUEST = LLMRequest(
    system="static rules", user="<data>", schema_name="Small", schema=SCHEMA, timeout=5.0
)
Handler = Callable[[httpx2.Request], httpx2.Response]


def tool_message(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [
            {"type": "text", "text": "Here it is."},
            {"type": "tool_use", "id": "toolu_1", "name": "Small", "input": payload},
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 20,
            "output_tokens": 15,
            "cache_read_input_tokens": 100,
            "cache_creation_input_tokens": 5,
        },
    }


def provider_for(handler: Handler) -> AnthropicProvider:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return AnthropicProvider("claude-test", api_key="test-key", http_client=client)


def error_response(status: int, kind: str, headers: dict[str, str] | None = None) -> Handler:
    def handler(request: httpx2.Request) -> httpx2.Response:
        body = {"type": "error", "error": {"type": kind, "message": f"simulated {kind}"}}
        return httpx2.Response(status, json=body, headers=headers)

    return handler


async def test_tool_use_answer_and_request_shape() -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(json.loads(request.content))
        auth = request.headers.get("x-api-key") or request.headers.get("authorization") or ""
        assert auth.endswith("test-key")
        return httpx2.Response(200, json=tool_message({"name": "名所", "count": 2}))

    provider = provider_for(handler)
    try:
        completion = await provider.complete(REQUEST)
    finally:
        await provider.aclose()
    assert json.loads(completion.text) == {"name": "名所", "count": 2}
    assert completion.usage == Usage(
        prompt_tokens=125, completion_tokens=15, cached_prompt_tokens=100, cache_write_tokens=5
    )
    assert (completion.provider, completion.model, completion.finish_reason) == (
        "anthropic",
        "claude-test",
        "tool_use",
    )
    body = sent[0]
    assert body["system"] == [
        {"type": "text", "text": "static rules", "cache_control": {"type": "ephemeral"}}
    ]
    assert body["messages"] == [{"role": "user", "content": "<data>"}]
    assert body["tools"][0]["name"] == "Small"
    assert body["tools"][0]["input_schema"] == SCHEMA
    assert body["tool_choice"] == {"type": "tool", "name": "Small"}
    assert provider.spec == "anthropic:claude-test" and not provider.is_offline


async def test_rate_limit_maps_to_rate_limited_with_retry_after() -> None:
    provider = provider_for(error_response(429, "rate_limit_error", {"retry-after": "7"}))
    try:
        with pytest.raises(RateLimitedError) as info:
            await provider.complete(REQUEST)
    finally:
        await provider.aclose()
    assert info.value.retry_after == 7.0
    assert info.value.__cause__ is not None  # raised from the SDK error, not leaking it


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        (529, "overloaded_error", ProviderUnavailableError),
        (500, "api_error", ProviderUnavailableError),
        (503, "api_error", ProviderUnavailableError),
        (504, "timeout_error", ProviderTimeoutError),
        (400, "invalid_request_error", ProviderBadRequestError),
        (401, "authentication_error", ProviderBadRequestError),
        (404, "not_found_error", ProviderBadRequestError),
    ],
)
async def test_status_errors_map_to_typed_errors(
    status: int, kind: str, expected: type[Exception]
) -> None:
    provider = provider_for(error_response(status, kind))
    try:
        with pytest.raises(expected) as info:
            await provider.complete(REQUEST)
    finally:
        await provider.aclose()
    assert type(info.value) is expected
    assert str(status) in str(info.value)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx2.ReadTimeout("slow"), ProviderTimeoutError),
        (httpx2.ConnectError("refused"), ProviderUnavailableError),
    ],
)
async def test_transport_errors_map_to_typed_errors(
    exc: Exception, expected: type[Exception]
) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise exc

    provider = provider_for(handler)
    try:
        with pytest.raises(expected):
            await provider.complete(REQUEST)
    finally:
        await provider.aclose()


def test_missing_api_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        AnthropicProvider("claude-test")
