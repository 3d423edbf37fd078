"""``LESSONPLAN_LLM`` spec → provider; a vendor SDK is imported only when its spec is used."""

from __future__ import annotations

import json

from lessonplan.config import Settings, get_settings
from lessonplan.errors import ConfigurationError
from lessonplan.providers.base import LLMProvider, LLMRequest

VALID_FORMS = "offline, openai:MODEL, anthropic:MODEL, replay, fake:NAME"


def make_provider(
    spec: str, *, settings: Settings | None = None, lazy: bool = False
) -> LLMProvider:
    """Build the provider named by ``spec`` (SPEC §5 forms plus ``replay`` and ``fake:NAME``).

    ``fake:NAME`` returns the instance registered with :func:`register_fake` under NAME, else a
    new fake that answers with the offline planner's JSON (an "LLM" that always behaves).
    ``lazy``: a vendor provider (``openai:``, ``anthropic:``) is a :class:`LazyProvider`, built
    (and its API key required) only when first called or resolved.
    """
    settings = settings or get_settings()
    kind, sep, arg = spec.strip().partition(":")
    kind, arg = kind.strip().lower(), arg.strip()
    if lazy and kind in ("openai", "anthropic") and arg:
        from lessonplan.providers.credentials import check_credentials
        from lessonplan.providers.lazy import LazyProvider

        resolved = settings
        return LazyProvider(
            f"{kind}:{arg}",
            kind,
            arg,
            lambda: make_provider(spec, settings=resolved),
            check=lambda: check_credentials(kind),
        )
    if kind == "offline" and not sep:
        from lessonplan.providers.offline import OfflineProvider

        return OfflineProvider()
    if kind == "replay" and not sep:
        from lessonplan.providers.replay import ReplayProvider

        return ReplayProvider()
    if kind == "openai" and arg:
        from lessonplan.providers.openai import OpenAIProvider

        return OpenAIProvider(
            arg,
            response_format=settings.openai_response_format,
            timeout=settings.llm_timeout_seconds,
        )
    if kind == "anthropic" and arg:
        from lessonplan.providers.anthropic import AnthropicProvider

        return AnthropicProvider(arg, timeout=settings.llm_timeout_seconds)
    if kind == "fake" and arg:
        return _fake(arg)
    raise ConfigurationError(f"unknown LLM spec {spec!r}; valid forms: {VALID_FORMS}")


def _fake(name: str) -> LLMProvider:
    from lessonplan.providers.fake import FakeProvider, registered_fake
    from lessonplan.providers.offline import OfflineProvider, task_and_inputs

    registered = registered_fake(name)
    if registered is not None:
        return registered
    offline = OfflineProvider()

    def answer(request: LLMRequest) -> str:
        task, inputs = task_and_inputs(request)
        return json.dumps(offline.answer(task, inputs), ensure_ascii=False)

    return FakeProvider(name, fallback=answer)
