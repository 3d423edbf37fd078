"""Credential checks of the vendor providers, without importing their SDKs.

A command that may generate checks its providers' configuration up front (a missing API key is
one line and exit 2 at once), but builds a provider, and imports its SDK, only on the first call:
a cache hit never pays for ``import openai``.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from lessonplan.errors import ConfigurationError

PLACEHOLDER_KEY = "not-needed"  # local OpenAI-compatible servers ignore the key


def is_official_openai(base_url: str | None) -> bool:
    host = urlsplit(base_url).hostname if base_url else "api.openai.com"
    return bool(host) and (host == "api.openai.com" or str(host).endswith(".openai.com"))


def openai_api_key(api_key: str | None = None, base_url: str | None = None) -> str:
    """The key to send: given, ``OPENAI_API_KEY``, or a placeholder for a local server."""
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
    if api_key:
        return api_key
    if is_official_openai(base_url):
        raise ConfigurationError(
            "OPENAI_API_KEY is not set (needed for api.openai.com; set OPENAI_BASE_URL "
            "for a local OpenAI-compatible server)"
        )
    return PLACEHOLDER_KEY


def anthropic_api_key(api_key: str | None = None) -> str:
    api_key = api_key or os.environ.get("ANTHROPIC_API_KEY") or None
    if not api_key:
        raise ConfigurationError("ANTHROPIC_API_KEY is not set (needed for anthropic:MODEL)")
    return api_key


def check_credentials(kind: str) -> None:
    """Raise the ConfigurationError building a ``kind`` provider would raise, if any."""
    if kind == "openai":
        openai_api_key()
    elif kind == "anthropic":
        anthropic_api_key()
