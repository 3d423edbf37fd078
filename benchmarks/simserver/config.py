"""The simulated server's configuration and its mutable state (counters, fault script, rng)."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal[
    "rate_limit",
    "server_error",
    "timeout",
    "prose",
    "missing_fields",
    "truncated",
    "unauthorized",
]
FAULT_KINDS: tuple[str, ...] = (
    "rate_limit",
    "server_error",
    "timeout",
    "prose",
    "missing_fields",
    "truncated",
)  # drawn at random; "unauthorized" (a 401 that echoes the caller's key) only when named
SCRIPT_OK = "ok"
RECENT_REQUESTS = 50


class SimConfig(BaseModel):
    """How the simulated server behaves.

    ``latency_ms`` (``task_latency_ms`` by task) is the time from a request's arrival to its
    answer, the simulated model's own work included (work longer than it delays the answer).
    ``script`` is a queue of per-request outcomes (fault kinds, or ``"ok"``) consumed first;
    when it is empty a fault is drawn with probability ``fault_rate`` from ``faults`` (all kinds
    when empty), with a seeded rng so runs repeat. ``fault_tasks`` limits random faults to some
    tasks. ``timeout_seconds`` is how long a ``timeout`` fault stalls (longer than the client's
    timeout); ``retry_after_seconds`` is the Retry-After of a 429.
    """

    model_config = ConfigDict(extra="forbid")

    latency_ms: float = Field(default=0.0, ge=0)
    task_latency_ms: dict[str, float] = Field(default_factory=dict)
    fault_rate: float = Field(default=0.0, ge=0, le=1)
    faults: list[FaultKind] = Field(default_factory=list)
    fault_tasks: list[str] = Field(default_factory=list)
    script: list[FaultKind | Literal["ok"]] = Field(default_factory=list)
    seed: int = 0
    retry_after_seconds: float = Field(default=0.05, ge=0)
    timeout_seconds: float = Field(default=10.0, ge=0)
    mode: Literal["offline", "recorded"] = "offline"
    recorded_dir: str | None = None
    # Truncation by budget, as a real model does: an answer longer than the request's
    # max_tokens (or, when the request sets none, ``default_max_tokens``) is cut at that many
    # tokens and ends with finish_reason "length" (OpenAI) / stop_reason "max_tokens"
    # (Anthropic). ``None``: only the ``truncated`` fault cuts answers.
    default_max_tokens: int | None = Field(default=None, ge=1)
    # Provider prompt caching, as the providers do it: a prompt prefix (the system text, with the
    # JSON schema sent beside it) of at least this many tokens, seen before, is served from the
    # cache: OpenAI reports it in ``prompt_tokens_details.cached_tokens`` (in 128-token steps);
    # Anthropic, for a system block marked ``cache_control``, reports
    # ``cache_creation_input_tokens`` the first time and ``cache_read_input_tokens`` after.
    cache_min_tokens: int = Field(default=1024, ge=1)
    # Batch APIs (OpenAI files + batches, Anthropic message batches): a batch waits
    # ``batch_latency_ms`` before its requests run (each then as a chat/messages request, with
    # the faults above: a 5xx is an errored item, prose or missing fields an invalid answer);
    # ``batch_expire_after`` items are answered and the rest expire (``None``: none expire).
    batch_latency_ms: float = Field(default=0.0, ge=0)
    batch_expire_after: int | None = Field(default=None, ge=0)


class SimState:
    """Counters and the live configuration; guarded by a lock (the handle reads from threads)."""

    def __init__(self, config: SimConfig) -> None:
        self.lock = threading.Lock()
        self.base = config
        self.config = config
        self._script: list[str] = []
        self._rng = random.Random(config.seed)
        self.reset()

    def reset(self) -> None:
        """Back to the configuration the server started with, counters zeroed."""
        with self.lock:
            self._apply(self.base)
            self.requests = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.by_task: Counter[str] = Counter()
            self.by_fault: Counter[str] = Counter()
            self.by_model: Counter[str] = Counter()
            self.by_status: Counter[int] = Counter()
            self.prompt_tokens = 0
            self.completion_tokens = 0
            self.cached_prompt_tokens = 0
            self.batches_created = 0
            self.batch_items = 0
            self._prefixes: set[str] = set()
            self.recent: deque[dict[str, Any]] = deque(maxlen=RECENT_REQUESTS)
            # Arrival time (time.time()) of every request: rate-limit tests count calls per window.
            self.arrivals: list[float] = []

    def configure(self, changes: dict[str, Any]) -> SimConfig:
        """Replace the given fields (latency, faults, script...) of the live configuration."""
        with self.lock:
            merged = self.config.model_dump() | changes
            self._apply(SimConfig.model_validate(merged))
            return self.config

    def _apply(self, config: SimConfig) -> None:
        self.config = config
        self._script = list(config.script)
        self._rng = random.Random(config.seed)

    def prefix_seen(self, model: str, prefix: str) -> bool:
        """Whether this model saw this prompt prefix before (and remember it from now on)."""
        key = f"{model}\x00{prefix}"
        with self.lock:
            seen = key in self._prefixes
            self._prefixes.add(key)
            return seen

    def count_batch(self, items: int) -> None:
        with self.lock:
            self.batches_created += 1
            self.batch_items += items

    def count_cached(self, tokens: int) -> None:
        with self.lock:
            self.cached_prompt_tokens += tokens

    def begin(self, task: str, model: str, body: dict[str, Any] | None = None) -> str | None:
        """Count a request and choose its fault (``None``: answer normally)."""
        with self.lock:
            if body is not None:
                self.recent.append(body)
            self.requests += 1
            self.arrivals.append(time.time())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.by_task[task or "unknown"] += 1
            self.by_model[model] += 1
            fault: str | None = None
            cfg = self.config
            if self._script:
                step = self._script.pop(0)
                fault = None if step == SCRIPT_OK else step
            elif (
                cfg.fault_rate > 0
                and (not cfg.fault_tasks or task in cfg.fault_tasks)
                and self._rng.random() < cfg.fault_rate
            ):
                fault = self._rng.choice(list(cfg.faults) or list(FAULT_KINDS))
            self.by_fault[fault or "none"] += 1
            return fault

    def end(self, status: int, prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        with self.lock:
            self.in_flight -= 1
            self.by_status[status] += 1
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens

    def requests_seen(self) -> list[dict[str, Any]]:
        """The last request bodies (oldest first), for tests that check what was sent."""
        with self.lock:
            return list(self.recent)

    def latency_for(self, task: str) -> float:
        return self.config.task_latency_ms.get(task, self.config.latency_ms) / 1000.0

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "arrivals": list(self.arrivals),
                "by_task": dict(self.by_task),
                "by_fault": dict(self.by_fault),
                "by_model": dict(self.by_model),
                "by_status": {str(k): v for k, v in self.by_status.items()},
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "cached_prompt_tokens": self.cached_prompt_tokens,
                "batches_created": self.batches_created,
                "batch_items": self.batch_items,
                "script_left": len(self._script),
                "config": self.config.model_dump(),
            }
