"""Exact offline token counts and the prompt hash a lesson stores instead of the prompt text.

Counts use OpenAI's BPE tables through ``bpe-openai`` (tiktoken-compatible, no network). Models
the package does not know (Anthropic, local models) are counted with ``o200k_base``: not exact
for them, but a stable yardstick for comparing prompt variants.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import TYPE_CHECKING

from lessonplan.domain.hashing import sha256_hex
from lessonplan.providers.base import LLMRequest

if TYPE_CHECKING:
    import bpe_openai

DEFAULT_ENCODING = "o200k_base"
# Names bpe-openai 0.1.4 cannot map (it raises for "gpt-4" and dated snapshots) by family.
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "chatgpt-4o", "o1", "o3", "o4")
_CL100K_PREFIXES = ("gpt-4", "gpt-3.5", "gpt-35", "text-embedding")
# OpenAI chat format: each message costs a few tokens of framing (role, separators), and the
# reply is primed with a few more. Two messages (system, user) per request.
TOKENS_PER_MESSAGE = 3
TOKENS_REPLY_PRIMING = 3


@lru_cache(maxsize=16)
def _encoding(model: str) -> bpe_openai.Encoding:
    name = model.split(":", 1)[1] if ":" in model else model  # accept "openai:gpt-4o-mini"
    # Imported on first count (its tables take a while), never for prompt_hash. bpe-openai 0.1.4
    # loads its tables with importlib.resources.open_binary, deprecated since 3.11; the warning
    # is the package's, not ours, and pytest turns warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai
        from bpe_openai.errors import UnsupportedModelError

        try:
            return bpe_openai.encoding_for_model(name)
        except (UnsupportedModelError, KeyError, ValueError, RuntimeError):
            older = name.startswith(_CL100K_PREFIXES) and not name.startswith(_O200K_PREFIXES)
            return bpe_openai.get_encoding("cl100k_base" if older else DEFAULT_ENCODING)


def count_tokens(text: str, model: str = "gpt-4o-mini") -> int:
    """Tokens in ``text``; special-token strings in user data count as plain text."""
    return len(_encoding(model).encode_ordinary(text))


def count_request_tokens(request: LLMRequest, model: str = "gpt-4o-mini") -> int:
    """Prompt tokens of a request: system + user + fixed per-message framing."""
    return (
        count_tokens(request.system, model)
        + count_tokens(request.user, model)
        + 2 * TOKENS_PER_MESSAGE
        + TOKENS_REPLY_PRIMING
    )


def prompt_hash(request: LLMRequest) -> str:
    """sha256 of the prompt as sent (system, a record separator, user)."""
    return sha256_hex(request.system + "\x1e" + request.user)
