"""Pre-aggregated event figures: what ``stats`` reads instead of every event (pure functions).

Each batch of events is folded into per-hour rows keyed by (operation, outcome, error type),
plus quality-code counts and a latency histogram of generated plan answers, and into the same
rows under :data:`ALL_TIME` (a fixed hour in 1970): ``stats`` without ``since`` reads only those,
a few dozen rows however many events there are. With ``since``, whole hours come from the hourly
rows and the part of the first hour after ``since`` from the events themselves (an indexed range
of at most one hour), so ``since`` is exact.

The histogram uses log buckets 2 % wide from 0.01 ms: bucket ``b >= 1`` holds latencies in
``[0.01·1.02^(b-1), 0.01·1.02^b)`` ms, bucket 0 holds zero. Percentiles read from it are the
bucket's geometric middle, within 1 % of the exact value. Migration 0004 stores data in this
layout: changing it needs a new migration.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lessonplan.store.records import GenerationEvent

# The "hour" of the all-time rows; no event is that old.
ALL_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATENCY_BASE_MS = 0.01
LATENCY_GROWTH = 1.02
# The answers whose latency histogram is kept: plan answers that generated a plan (stats reports
# their percentiles). Cache hits, the most numerous, are left out: the histogram stays small.
HISTOGRAM_OPERATIONS = frozenset({"plan_answer"})
HISTOGRAM_OUTCOMES = frozenset({"generated", "repaired", "fallback", "offline"})
# Operations whose quality codes are counted.
QUALITY_OPERATIONS = frozenset({"plan_answer", "lesson_quality"})


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def bucket_of(latency_ms: float) -> int:
    if latency_ms <= 0 or math.isnan(latency_ms):
        return 0
    return max(1, math.floor(math.log(latency_ms / LATENCY_BASE_MS, LATENCY_GROWTH)) + 1)


def bucket_value(bucket: int) -> float:
    """The geometric middle of a bucket: the latency a percentile in it reports."""
    if bucket <= 0:
        return 0.0
    return LATENCY_BASE_MS * LATENCY_GROWTH ** (bucket - 0.5)


@dataclass
class Totals:
    """The sums of one (hour, operation, outcome, error type) group."""

    events: int = 0
    latency_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_saved_usd: float = 0.0
    quality_issue_count: int = 0
    cached_prompt_tokens: int = 0

    def add(self, other: Totals) -> None:
        self.events += other.events
        self.latency_ms += other.latency_ms
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost_usd += other.cost_usd
        self.cost_saved_usd += other.cost_saved_usd
        self.quality_issue_count += other.quality_issue_count
        self.cached_prompt_tokens += other.cached_prompt_tokens


GroupKey = tuple[datetime, str, str, str]  # hour, operation, outcome, error type ("" for none)
CodeKey = tuple[datetime, str, str]  # hour, operation, code
BucketKey = tuple[datetime, str, str, int]  # hour, operation, outcome, bucket


@dataclass
class Rollup:
    """Folded figures of some events; ``merge`` adds another rollup's."""

    groups: dict[GroupKey, Totals] = field(default_factory=dict)
    codes: Counter[CodeKey] = field(default_factory=Counter)
    latencies: Counter[BucketKey] = field(default_factory=Counter)

    def add_event(self, event: GenerationEvent, *, all_time: bool = True) -> None:
        """Fold one event into its hour and, with ``all_time``, into the all-time rows."""
        totals = Totals(
            events=1,
            latency_ms=event.latency_ms,
            prompt_tokens=event.prompt_tokens,
            completion_tokens=event.completion_tokens,
            cost_usd=event.cost_usd,
            cost_saved_usd=event.cost_saved_usd,
            quality_issue_count=event.quality_issue_count,
            cached_prompt_tokens=event.cached_prompt_tokens,
        )
        for hour in (hour_of(event.at), ALL_TIME) if all_time else (hour_of(event.at),):
            key = (hour, event.operation, event.outcome, event.error_type or "")
            self.groups.setdefault(key, Totals()).add(totals)
            if event.operation in QUALITY_OPERATIONS:
                for code in event.quality_codes or []:
                    self.codes[(hour, event.operation, str(code))] += 1
            if event.operation in HISTOGRAM_OPERATIONS and event.outcome in HISTOGRAM_OUTCOMES:
                bucket = bucket_of(event.latency_ms)
                self.latencies[(hour, event.operation, event.outcome, bucket)] += 1

    def merge(self, other: Rollup) -> None:
        for key, totals in other.groups.items():
            self.groups.setdefault(key, Totals()).add(totals)
        self.codes.update(other.codes)
        self.latencies.update(other.latencies)


def fold(events: Iterable[GenerationEvent], *, all_time: bool = True) -> Rollup:
    """The rows these events add: hourly and (with ``all_time``) all-time."""
    rollup = Rollup()
    for event in events:
        rollup.add_event(event, all_time=all_time)
    return rollup


def percentile_from_histogram(buckets: Counter[int], q: float) -> float:
    """Nearest-rank percentile over a histogram; 0 when it is empty."""
    total = sum(buckets.values())
    if total == 0:
        return 0.0
    rank = max(1, min(total, round(q / 100 * total + 0.5)))
    seen = 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    return bucket_value(max(buckets))  # pragma: no cover - the loop always reaches rank
