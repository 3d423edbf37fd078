"""Prompt tokens: the compact planner prompt over the full one, on the benchmark profile set.

For every (profile, kit) of ``BENCHMARK_PROFILES`` and a few catalog descriptors (one per
level), both planner requests are built exactly as sent and counted offline with the model's
tokenizer (``prompts.tokens.count_request_tokens``: system + user + message framing).
``compact_over_full`` is the ratio of the sums; per-profile ratios are shown min/mean/max.
``compact_over_full_with_schema`` adds to both sides the JSON schema sent with every request
(``response_format``, the strict variant as the OpenAI provider sends it, counted as its JSON
text): the saving on what is actually sent.
"""

from __future__ import annotations

import json

from benchmarks.profiles import BENCHMARK_PROFILES
from benchmarks.workloads.common import BenchContext, Figures, show
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.planners.offline import load_catalog
from lessonplan.prompts.planner import build_planner_request
from lessonplan.prompts.tokens import count_request_tokens, count_tokens
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.openai import to_strict_schema

NAME = "prompt_tokens"
MODEL = "gpt-4o-mini"


def one_per_level() -> list[CanDoDescriptor]:
    by_level: dict[str, CanDoDescriptor] = {}
    for descriptor in load_catalog():
        by_level.setdefault(descriptor.level, descriptor)
    return [by_level[level] for level in sorted(by_level)]


def schema_tokens(request: LLMRequest) -> int:
    """Tokens of the JSON schema as the request's ``response_format`` carries it."""
    if request.schema is None:
        return 0
    schema = to_strict_schema(request.schema) or request.schema
    return count_tokens(json.dumps(schema, ensure_ascii=False), MODEL)


async def run(ctx: BenchContext) -> Figures:
    descriptors = one_per_level()
    per_profile: list[tuple[str, int, int]] = []
    schema_total = 0
    for profile, kit in BENCHMARK_PROFILES:
        compact = full = 0
        for descriptor in descriptors:
            for variant in ("compact", "full"):
                request = build_planner_request(descriptor, profile, kit, variant=variant)
                tokens = count_request_tokens(request, MODEL)
                if variant == "compact":
                    schema_total += schema_tokens(request)
                if variant == "compact":
                    compact += tokens
                else:
                    full += tokens
        per_profile.append((profile.learner_id, compact, full))
    compact_total = sum(c for _, c, _ in per_profile)
    full_total = sum(f for _, _, f in per_profile)
    ratios = [c / f for _, c, f in per_profile]
    low, mean, high = min(ratios), sum(ratios) / len(ratios), max(ratios)
    figures: Figures = {
        "compact_over_full": round(compact_total / full_total, 4),
        "compact_over_full_with_schema": round(
            (compact_total + schema_total) / (full_total + schema_total), 4
        ),
        "schema_tokens_per_request": round(schema_total / (len(per_profile) * len(descriptors))),
        "compact_tokens": compact_total,
        "full_tokens": full_total,
        "profiles": len(per_profile),
        "descriptors": [d.uid for d in descriptors],
        "per_profile_min": round(low, 4),
        "per_profile_mean": round(mean, 4),
        "per_profile_max": round(high, 4),
        "per_profile": {name: round(c / f, 4) for name, c, f in per_profile},
    }
    show(
        ctx,
        f"[prompt_tokens] planner prompt, compact vs full: {len(per_profile)} benchmark "
        f"profiles × {len(descriptors)} descriptors ({', '.join(figures['descriptors'])}), "
        f"{MODEL} tokenizer",
        [
            ("compact / full (sum of tokens)", figures["compact_over_full"], "lower is better"),
            (
                "  with the JSON schema each request carries",
                figures["compact_over_full_with_schema"],
                f"{figures['schema_tokens_per_request']} schema tokens per request",
            ),
            ("tokens: compact vs full", f"{compact_total} vs {full_total}", ""),
            (
                "per profile: min / mean / max",
                f"{low:.4f} / {mean:.4f} / {high:.4f}",
                "",
            ),
            *[(f"  {name}", f"{c} / {f} = {c / f:.3f}", "") for name, c, f in per_profile],
        ],
    )
    return figures
