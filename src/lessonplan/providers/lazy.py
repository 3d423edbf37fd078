"""A provider built on first use, so that commands which never call an LLM never need its
configuration (``lessonplan catalog list`` with ``LESSONPLAN_LLM=openai:gpt-4o`` and no
``OPENAI_API_KEY``). What the orchestration reads before a call (spec, model, offline or not)
comes from the spec alone; :meth:`LazyProvider.resolve` builds the real provider (raising its
:class:`~lessonplan.errors.ConfigurationError`), which callers that will call do up front.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from lessonplan.providers.base import Completion, LLMProvider, LLMRequest

log = logging.getLogger(__name__)


class LazyProvider:
    def __init__(
        self,
        spec: str,
        provider: str,
        model: str,
        build: Callable[[], LLMProvider],
        check: Callable[[], None] | None = None,
    ):
        self._spec = spec
        self._provider = provider
        self._model = model
        self._build = build
        self._check = check
        self._built: LLMProvider | None = None

    @property
    def spec(self) -> str:
        return self._spec

    @property
    def provider(self) -> str:
        return self._provider

    @property
    def model(self) -> str:
        return self._model

    @property
    def is_offline(self) -> bool:
        return False

    @property
    def built(self) -> bool:
        return self._built is not None

    def resolve(self) -> LLMProvider:
        """The real provider, built now if it was not (configuration errors surface here)."""
        if self._built is None:
            self._built = self._build()
        return self._built

    def check(self) -> None:
        """Raise the configuration error building would raise, without building (no SDK
        import); builds when there is no separate check."""
        if self._built is None and self._check is not None:
            self._check()
        else:
            self.resolve()

    async def complete(self, request: LLMRequest) -> Completion:
        return await self.resolve().complete(request)

    async def aclose(self) -> None:
        if self._built is not None:
            await self._built.aclose()

    def __repr__(self) -> str:
        return f"LazyProvider({self._spec!r}, built={self.built})"


def resolve_all(providers: list[LLMProvider | None]) -> None:
    """Build every lazy provider of ``providers`` now: a command or server that will call
    them fails at start, with one line, rather than at its first call."""
    for provider in providers:
        provider = getattr(provider, "inner", provider)  # a rate-limited wrapper
        if isinstance(provider, LazyProvider):
            provider.resolve()


def check_all(providers: list[LLMProvider | None]) -> None:
    """Check every lazy provider's configuration now (a missing API key fails at once) and
    leave the building, and the SDK import, to the first call: a cache hit makes none."""
    for provider in providers:
        provider = getattr(provider, "inner", provider)  # a rate-limited wrapper
        if isinstance(provider, LazyProvider):
            provider.check()


def warm_all(providers: list[LLMProvider | None]) -> list[LLMProvider]:
    """Build every provider that can be built and load what its first call would load (the
    vendor SDK's request path); the providers built, unwrapped. A provider whose configuration
    is missing is left alone: its first call reports that, as it would have."""
    from lessonplan.errors import ConfigurationError

    built: list[LLMProvider] = []
    for provider in providers:
        provider = getattr(provider, "inner", provider)  # a rate-limited or recording wrapper
        if isinstance(provider, LazyProvider):
            try:
                provider = provider.resolve()
            except ConfigurationError:
                continue
        if provider is None:
            continue
        warm = getattr(provider, "warm", None)
        if callable(warm):
            warm()
        built.append(provider)
    return built


async def rehearse_all(providers: list[LLMProvider]) -> None:
    """Rehearse each of ``providers`` (as :func:`warm_all` returns them) that can:
    ``rehearse()``, a request through its SDK on an in-process transport. A rehearsal that
    fails is logged and skipped: the provider's first real call then pays what it would have."""
    for provider in providers:
        rehearse = getattr(provider, "rehearse", None)
        if not callable(rehearse):
            continue
        try:
            await rehearse()
        except Exception:  # a rehearsal must never stop a server from starting
            log.warning("could not rehearse %s; its first call loads what it needs", provider.spec)
