"""Sample values for the store tests: plans, keys, stages and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

from lessonplan.domain.hashing import PlanKey
from lessonplan.domain.lesson import STAGES, StageName, StageRecord
from lessonplan.domain.models import DomainPlan

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def sample_plan(uid: str = "JF:21", level: str = "A1", tag: str = "v1") -> DomainPlan:
    """A small valid plan; ``tag`` lands in the communicative function so plans can differ."""
    return DomainPlan.model_validate(
        {
            "uid": uid,
            "level": level,
            "communicative_function_en": f"order food at a restaurant ({tag})",
            "communicative_function_ja": "レストランで注文する",
            "scenarios": [
                {
                    "name": "restaurant",
                    "setting": "a family restaurant",
                    "roles": [
                        {"label": "customer", "register": "polite"},
                        {"label": "waiter", "register": "polite"},
                    ],
                }
            ],
            "lex_buckets": [
                {"name": "food", "items": ["すし", "ラーメン", "てんぷら"]},
                {"name": "drinks", "items": ["みず", "おちゃ"]},
            ],
            "grammar_functions": [
                {"id": "gf_001", "label": "request", "pattern_ja": "〜をください", "slots": ["N"]},
                {"id": "gf_002", "label": "counter", "pattern_ja": "〜つ"},
            ],
            "evaluation": {
                "success_criteria": ["orders one dish", "orders one drink"],
                "discourse_markers": ["すみません", "じゃあ"],
            },
            "cultural_themes_en": ["restaurant etiquette", "tipping"],
            "cultural_themes_ja": ["レストランのマナー", "チップ"],
        }
    )


def sample_key(
    can_do_id: str = "JF:21",
    *,
    profile_hash: str = "p" * 16,
    kit_hash: str = "k" * 16,
    model: str = "offline",
    prompt_version: str = "planner-v1",
) -> PlanKey:
    return PlanKey(
        can_do_id=can_do_id,
        profile_hash=profile_hash,
        kit_hash=kit_hash,
        descriptor_hash="d" * 16,
        metalanguage="en",
        model=model,
        prompt_version=prompt_version,
        schema_version="plan-1",
    )


def sample_stages(failed: tuple[StageName, ...] = ()) -> dict[StageName, StageRecord]:
    stages: dict[StageName, StageRecord] = {}
    for name in STAGES:
        if name in failed:
            stages[name] = StageRecord(status="failed", error="boom", error_type="timeout")
        else:
            stages[name] = StageRecord(
                status="done",
                data={"stage": name, "text": "こんにちは"},
                model="offline",
                started_at=NOW,
                finished_at=NOW,
                duration_ms=12.5,
            )
    return stages
