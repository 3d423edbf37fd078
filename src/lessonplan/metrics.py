"""Prometheus metrics, fed from the same generation events that are persisted.

One registry per process (``REGISTRY``). Under ``lessonplan serve --workers N`` the workers write
their values to ``PROMETHEUS_MULTIPROC_DIR`` (set by ``serve``) and ``/metrics`` aggregates them,
whichever worker answers.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from lessonplan.store.records import GenerationEvent

REGISTRY = CollectorRegistry(auto_describe=True)

PLAN_REQUESTS = Counter(
    "lessonplan_plan_requests",
    "Plan answers by where the plan came from.",
    ["source"],
    registry=REGISTRY,
)
LLM_CALLS = Counter(
    "lessonplan_llm_calls",
    "Generator calls by operation, provider, model and outcome.",
    ["operation", "provider", "model", "outcome"],
    registry=REGISTRY,
)
LLM_TOKENS = Counter(
    "lessonplan_llm_tokens",
    "Tokens sent and received.",
    ["model", "kind"],
    registry=REGISTRY,
)
LLM_COST = Counter("lessonplan_llm_cost_usd", "Spend by model.", ["model"], registry=REGISTRY)
COST_SAVED = Counter(
    "lessonplan_cost_saved_usd", "Spend avoided by cache hits and plan reuse.", registry=REGISTRY
)
LLM_LATENCY = Histogram(
    "lessonplan_llm_call_seconds",
    "Latency of one generator call.",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80),
    registry=REGISTRY,
)
PLAN_LATENCY = Histogram(
    "lessonplan_plan_seconds",
    "Time to answer a plan request, by source.",
    ["source"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60),
    registry=REGISTRY,
)
QUALITY_ISSUES = Counter(
    "lessonplan_quality_issues", "Quality issues found, by code.", ["code"], registry=REGISTRY
)
ERRORS = Counter("lessonplan_errors", "Failures by error type.", ["error_type"], registry=REGISTRY)
FAST_LANE = Counter(
    "lessonplan_http_fast_lane",
    "Plan requests the HTTP fast lane answered from the cache, or passed to the route.",
    ["outcome"],
    registry=REGISTRY,
)


def observe_event(event: GenerationEvent) -> None:
    """Update the counters for one persisted event.

    Generator calls (``plan``, ``stage:*``) feed calls, latency, tokens, cost and errors; answers
    (``plan_answer``) the spend they saved; answers and lesson checks the quality issue codes, so
    these counters and ``lessonplan stats`` count the same things.
    """
    if event.operation == "plan" or event.operation.startswith("stage:"):
        LLM_CALLS.labels(event.operation, event.provider, event.model, event.outcome).inc()
        LLM_LATENCY.labels(event.operation).observe(event.latency_ms / 1000)
        if event.prompt_tokens:
            LLM_TOKENS.labels(event.model, "prompt").inc(event.prompt_tokens)
        if event.completion_tokens:
            LLM_TOKENS.labels(event.model, "completion").inc(event.completion_tokens)
        if event.cached_prompt_tokens:
            LLM_TOKENS.labels(event.model, "cached_prompt").inc(event.cached_prompt_tokens)
        if event.cost_usd:
            LLM_COST.labels(event.model).inc(event.cost_usd)
        if event.error_type:
            ERRORS.labels(event.error_type).inc()
        return
    if event.cost_saved_usd:
        COST_SAVED.inc(event.cost_saved_usd)
    for code in event.quality_codes or []:
        QUALITY_ISSUES.labels(code).inc()


def observe_plan(source: str, seconds: float) -> None:
    PLAN_REQUESTS.labels(source).inc()
    PLAN_LATENCY.labels(source).observe(seconds)


def observe_fast_lane(outcome: str) -> None:
    FAST_LANE.labels(outcome).inc()


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
