"""``LESSONPLAN_RATE_LIMITS`` and the token-bucket arithmetic every limiter shares (pure).

``openai:gpt-4o-mini=500rpm/200000tpm,anthropic:claude-x=50rpm`` — per ``provider:model``,
requests and/or tokens per minute. A bucket holds at most one second's worth of its rate
(at least one request), so a burst never exceeds ``rate/60 + 1`` calls above the steady rate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_ENTRY = re.compile(r"^(?P<spec>[a-z][\w-]*:[^=\s]+)=(?P<limits>\S+)$", re.IGNORECASE)
_LIMIT = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>rpm|tpm)$", re.IGNORECASE)


class RateLimitSyntaxError(ValueError):
    """One entry of ``LESSONPLAN_RATE_LIMITS`` does not parse; the message names it."""


@dataclass(frozen=True)
class RateLimit:
    spec: str  # provider:model
    rpm: float | None = None
    tpm: float | None = None

    @property
    def request_capacity(self) -> float:
        return max(1.0, (self.rpm or 0) / 60.0)

    @property
    def token_capacity(self) -> float:
        return max(1.0, (self.tpm or 0) / 60.0)


def parse_rate_limits(text: str) -> dict[str, RateLimit]:
    """``{provider:model: RateLimit}``; raises :class:`RateLimitSyntaxError` naming the entry."""
    limits: dict[str, RateLimit] = {}
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if match is None:
            raise RateLimitSyntaxError(
                f"entry {entry!r}: expected PROVIDER:MODEL=Nrpm[/Ntpm], "
                "e.g. openai:gpt-4o-mini=500rpm/200000tpm"
            )
        rpm: float | None = None
        tpm: float | None = None
        for part in match["limits"].split("/"):
            limit = _LIMIT.match(part)
            if limit is None or float(limit["n"]) <= 0:
                raise RateLimitSyntaxError(
                    f"entry {entry!r}: {part!r} is not a positive Nrpm or Ntpm"
                )
            if limit["unit"].lower() == "rpm":
                rpm = float(limit["n"])
            else:
                tpm = float(limit["n"])
        spec = match["spec"].lower()
        if spec in limits:
            raise RateLimitSyntaxError(f"entry {entry!r}: {spec} is limited twice")
        limits[spec] = RateLimit(spec, rpm=rpm, tpm=tpm)
    return limits


@dataclass
class BucketState:
    requests: float
    tokens: float
    updated_at: float
    blocked_until: float = 0.0

    @classmethod
    def full(cls, limit: RateLimit, now: float) -> BucketState:
        return cls(limit.request_capacity, limit.token_capacity, now)


def take(state: BucketState, limit: RateLimit, *, now: float, tokens: int) -> float:
    """Refill ``state`` to ``now`` and take one request and ``tokens`` from it.

    Returns 0 when taken (``state`` updated), else the seconds to wait before trying again
    (``state`` refilled but nothing taken). A request larger than the token bucket is let through
    when the bucket is full, so it is never starved.
    """
    elapsed = max(0.0, now - state.updated_at)
    state.updated_at = max(state.updated_at, now)
    if limit.rpm:
        state.requests = min(limit.request_capacity, state.requests + elapsed * limit.rpm / 60)
    if limit.tpm:
        state.tokens = min(limit.token_capacity, state.tokens + elapsed * limit.tpm / 60)
    if now < state.blocked_until:
        return state.blocked_until - now
    wait = 0.0
    if limit.rpm and state.requests < 1:
        wait = max(wait, (1 - state.requests) * 60 / limit.rpm)
    if limit.tpm:
        need = min(float(tokens), limit.token_capacity)
        if state.tokens < need:
            wait = max(wait, (need - state.tokens) * 60 / limit.tpm)
    if wait > 0:
        return max(wait, 0.001)
    if limit.rpm:
        state.requests -= 1
    if limit.tpm:
        state.tokens -= tokens
    return 0.0


def block(state: BucketState, *, now: float, retry_after: float) -> None:
    """A 429 with Retry-After: nobody takes from this bucket before ``now + retry_after``."""
    state.blocked_until = max(state.blocked_until, now + retry_after)
    state.requests = min(state.requests, 0.0)


def window_limit(limit: RateLimit, seconds: float) -> int:
    """The most calls ``limit`` admits in any window of ``seconds``: the rate plus the burst."""
    assert limit.rpm
    return math.floor(limit.rpm * seconds / 60 + limit.request_capacity)
