"""The typed error of one batch item that did not succeed (pure)."""

from __future__ import annotations

from lessonplan.errors import (
    ProviderBadRequestError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)


def item_error(where: str, provider: str, custom_id: str, status: int | None) -> ProviderError:
    """``status`` None: the item expired unanswered (retried in the next batch)."""
    if status is None:
        return ProviderTimeoutError(
            f"{where}: batch item {custom_id} expired before it was answered", provider=provider
        )
    message = f"{where}: batch item {custom_id} failed with HTTP {status}"
    if status == 429:
        return RateLimitedError(message, provider=provider, status=status)
    if status >= 500 or status in (408, 409):
        return ProviderUnavailableError(message, provider=provider, status=status)
    return ProviderBadRequestError(message, provider=provider, status=status)
