"""What a provider may say about an upstream failure, and what only the server log may hear.

An upstream error body can echo the caller's credentials (a 401 that quotes the key it was
given) or other request content. The typed error a provider raises therefore carries only the
status and its standard phrase; the upstream text goes to the ``lessonplan.providers`` log,
with anything that looks like an API key redacted.
"""

from __future__ import annotations

import logging
import os
import re
from http import HTTPStatus

log = logging.getLogger("lessonplan.providers")

_KEY_PATTERNS = re.compile(
    r"(sk-[A-Za-z0-9_\-*]{6,}|(?i:bearer)\s+[A-Za-z0-9._\-~+/]{8,}=*|key[-_][A-Za-z0-9_\-]{8,})"
)
_KEY_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")


def redact(text: str) -> str:
    """``text`` without the configured provider keys nor anything shaped like a key."""
    for name in _KEY_ENV:
        secret = os.environ.get(name)
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _KEY_PATTERNS.sub("[redacted]", text)


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def log_upstream(where: str, status: int | None, exc: BaseException) -> None:
    text = redact(" ".join(str(exc).split())[:500])
    log.warning("%s: upstream %s: %s", where, status if status is not None else "error", text)


def status_message(where: str, status: int) -> str:
    """The client-safe message of an HTTP failure: ``openai:gpt-4o: HTTP 401 Unauthorized``."""
    return f"{where}: HTTP {status} {status_phrase(status)}"
