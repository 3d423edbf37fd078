"""The one small interface every LLM provider implements.

A provider owns its SDK client, auth and base URL, sends one request and returns text plus usage.
It translates its vendor's errors into :mod:`lessonplan.errors` at this boundary
(``raise ProviderTimeoutError(...) from exc``). Retries, repair and fallbacks live above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class LLMRequest:
    """One completion request.

    ``system`` holds the static instructions and the JSON schema (first, so provider prompt
    caching applies); ``user`` holds the delimited data. ``schema`` is the JSON schema the answer
    must satisfy and ``schema_name`` its name (``DomainPlan``, ``ContentStage``, …).
    ``task`` and ``inputs`` carry the structured request for generators that do not read prose
    (the offline planner, fakes); real providers ignore them.
    """

    system: str
    user: str
    schema_name: str
    schema: dict[str, Any] | None = None
    temperature: float = 0.2
    max_tokens: int | None = None
    timeout: float = 60.0
    task: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # read from the provider's prompt cache
    cache_write_tokens: int = 0  # written to it (Anthropic bills these above the input price)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_prompt_tokens + other.cached_prompt_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass
class Completion:
    text: str
    usage: Usage
    model: str
    provider: str
    latency_ms: float = 0.0
    finish_reason: str | None = None


@runtime_checkable
class LLMProvider(Protocol):
    """``spec`` is the ``LESSONPLAN_LLM`` form: ``openai:gpt-4o-mini``, ``offline``…"""

    @property
    def spec(self) -> str: ...

    @property
    def provider(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def is_offline(self) -> bool: ...

    async def complete(self, request: LLMRequest) -> Completion: ...

    async def aclose(self) -> None: ...
