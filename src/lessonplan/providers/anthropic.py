"""Anthropic's Messages API through the official SDK.

Structured output goes through one forced tool whose ``input_schema`` is the request schema; the
tool input is the answer. The system prompt (static instructions and schema) is sent as a
cacheable block so Anthropic's prompt caching applies. SDK retries are off and SDK exceptions are
translated to :mod:`lessonplan.errors` here. ``request.temperature`` is not sent: this SDK's
``messages.create`` no longer takes sampling parameters.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import TYPE_CHECKING, Any

import anthropic
from anthropic.types import Message

from lessonplan.errors import (
    ConfigurationError,
    ProviderBadRequestError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    TruncatedOutputError,
)
from lessonplan.providers._retry_after import parse_retry_after
from lessonplan.providers._upstream import log_upstream, status_message
from lessonplan.providers.base import Completion, LLMRequest, Usage
from lessonplan.providers.credentials import anthropic_api_key

if TYPE_CHECKING:
    import httpx2

DEFAULT_MAX_TOKENS = 8192


def map_anthropic_error(exc: anthropic.AnthropicError, *, model: str) -> ProviderError:
    """Translate an SDK exception into the lessonplan error it deserves."""
    where = f"anthropic:{model}"
    if isinstance(exc, anthropic.APITimeoutError):
        return ProviderTimeoutError(f"{where}: the request timed out", provider="anthropic")
    if isinstance(exc, anthropic.APIConnectionError):
        log_upstream(where, None, exc.__cause__ or exc)
        return ProviderUnavailableError(f"{where}: connection failed", provider="anthropic")
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        log_upstream(where, status, exc)
        message = status_message(where, status)
        if status == 429:
            retry_after = parse_retry_after(exc.response.headers)
            return RateLimitedError(
                message, retry_after=retry_after, provider="anthropic", status=status
            )
        if status in (408, 504):
            return ProviderTimeoutError(message, provider="anthropic", status=status)
        if status >= 500 or status == 409:  # 529 overloaded included
            return ProviderUnavailableError(message, provider="anthropic", status=status)
        return ProviderBadRequestError(message, provider="anthropic", status=status)
    log_upstream(where, None, exc)
    return ProviderBadRequestError(f"{where}: {type(exc).__name__}", provider="anthropic")


def _tool_name(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:64] or "answer"


class AnthropicProvider:
    """One Claude model; ``http_client`` (an ``httpx2.AsyncClient``) lets tests swap transport."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        if not model:
            raise ConfigurationError("anthropic: a model name is required (anthropic:MODEL)")
        api_key = anthropic_api_key(api_key)
        self._model = model
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url or os.environ.get("ANTHROPIC_BASE_URL") or None,
            timeout=timeout,
            max_retries=0,
            http_client=http_client,
        )

    def warm(self) -> None:
        """Load now what the SDK loads on its first call (its messages resources)."""
        self._client.messages  # noqa: B018 (the attribute access is the import)

    @property
    def spec(self) -> str:
        return f"anthropic:{self._model}"

    @property
    def provider(self) -> str:
        return "anthropic"

    @property
    def model(self) -> str:
        return self._model

    @property
    def is_offline(self) -> bool:
        return False

    @property
    def client(self) -> anthropic.AsyncAnthropic:
        return self._client

    def params_for(self, request: LLMRequest, *, timeout: bool = True) -> dict[str, Any]:
        """The Messages API parameters (without ``timeout``: a batch request's ``params``)."""
        params = self._params(request)
        if not timeout:
            params.pop("timeout", None)
        return params

    def _params(self, request: LLMRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self._model,
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
            "system": [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [{"role": "user", "content": request.user}],
            "timeout": request.timeout,
        }
        if request.schema is not None:
            name = _tool_name(request.schema_name)
            params["tools"] = [
                {
                    "name": name,
                    "description": f"Return the {request.schema_name} as this tool's input.",
                    "input_schema": request.schema,
                }
            ]
            params["tool_choice"] = {"type": "tool", "name": name}
        return params

    async def complete(self, request: LLMRequest) -> Completion:
        started = time.perf_counter()
        try:
            message = await self._client.messages.create(**self._params(request))
        except anthropic.AnthropicError as exc:
            raise map_anthropic_error(exc, model=self._model) from exc
        latency_ms = (time.perf_counter() - started) * 1000.0
        return self.completion_from(message, request, latency_ms=latency_ms)

    def completion_from(
        self, message: Message, request: LLMRequest, *, latency_ms: float = 0.0
    ) -> Completion:
        """The completion in ``message``; raises :class:`TruncatedOutputError` for a cut one."""
        text = ""
        texts: list[str] = []
        for block in message.content:
            if block.type == "tool_use":
                text = json.dumps(block.input, ensure_ascii=False)
                break
            if block.type == "text":
                texts.append(block.text)
        else:
            text = "".join(texts)
        u = message.usage
        cache_read = u.cache_read_input_tokens or 0
        cache_write = u.cache_creation_input_tokens or 0
        usage = Usage(
            prompt_tokens=(u.input_tokens or 0) + cache_read + cache_write,
            completion_tokens=u.output_tokens or 0,
            cached_prompt_tokens=cache_read,
            cache_write_tokens=cache_write,
        )
        completion = Completion(
            text=text,
            usage=usage,
            model=message.model or self._model,
            provider="anthropic",
            latency_ms=latency_ms,
            finish_reason=message.stop_reason,
        )
        if message.stop_reason == "max_tokens":
            limit = request.max_tokens or DEFAULT_MAX_TOKENS
            raise TruncatedOutputError(
                f"anthropic:{self._model}: the answer was cut off at the token limit "
                f"({limit} tokens)",
                completion=completion,
                max_tokens=limit,
                provider="anthropic",
            )
        return completion

    async def aclose(self) -> None:
        await self._client.close()

    def __repr__(self) -> str:
        return f"AnthropicProvider(model={self._model!r})"
