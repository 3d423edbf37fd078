"""Realistic inputs for the domain tests: the recorded plans and descriptors, and four stages
written for the recorded jfmarugoto-14 plan (a hometown tour)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from lessonplan.domain.lesson import (
    ComprehensionStage,
    ContentStage,
    InteractionStage,
    ProductionStage,
)
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, PrelessonKit, normalize_plan
from lessonplan.providers.replay import default_fixtures_dir

RECORDED_IDS = ("jf-105", "jf-106", "jfmarugoto-14")


def _fixtures() -> Path:
    path = default_fixtures_dir()
    assert path is not None, "recorded fixtures missing (tests/fixtures/recorded)"
    return path


@cache
def _load(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    root = _fixtures()
    cando = json.loads((root / f"{name}.cando.json").read_text(encoding="utf-8"))
    plan = json.loads((root / f"{name}.plan.json").read_text(encoding="utf-8"))
    return cando, plan


def descriptor(name: str) -> CanDoDescriptor:
    return CanDoDescriptor.model_validate(_load(name)[0])


def raw_plan(name: str) -> DomainPlan:
    """The plan as the LLM wrote it (invented uid, sometimes the wrong level)."""
    return DomainPlan.model_validate(_load(name)[1])


def recorded_plan(name: str) -> DomainPlan:
    """The recorded plan normalised against its descriptor (recorded before key expressions)."""
    return normalize_plan(raw_plan(name), descriptor(name))


# Key expressions a plan carries since issue #11 (the recorded plans predate them).
KEY_EXPRESSIONS = {
    "jf-105": ["てください"],
    "jf-106": ["お願いします"],
    "jfmarugoto-14": ["有名", "があります"],
}


def plan(name: str) -> DomainPlan:
    """The recorded plan normalised against its descriptor, with key expressions: a plan as the
    system stores it."""
    return recorded_plan(name).model_copy(update={"key_expressions": KEY_EXPRESSIONS[name]})


def t(surface: str, translation: str = "") -> dict[str, str]:
    return {"surface": surface, "reading": "", "romaji": "", "translation": translation}


_MORE_WORDS = [
    ("公園", "park", "Famous Sights"),
    ("神社", "shrine", "Famous Sights"),
    ("寺", "temple", "Famous Sights"),
    ("寿司", "sushi", "Local Specialties"),
    ("うどん", "udon", "Local Specialties"),
    ("そば", "soba", "Local Specialties"),
    ("古い", "old", "Descriptive Adjectives"),
    ("新しい", "new", "Descriptive Adjectives"),
    ("大きい", "big", "Descriptive Adjectives"),
    ("小さい", "small", "Descriptive Adjectives"),
    ("見る", "to see", "Basic Verbs"),
    ("話す", "to talk", "Basic Verbs"),
    ("行く", "to go", "Basic Verbs"),
    ("歩く", "to walk", "Basic Verbs"),
    ("ここ", "here", "Directional Phrases"),
    ("あそこ", "over there", "Directional Phrases"),
    ("近く", "nearby", "Directional Phrases"),
]


def content_stage() -> ContentStage:
    """Content for jfmarugoto-14: Guide and Friend on a hometown tour."""
    return ContentStage.model_validate(
        {
            "objective": "Introduce famous sights and local food of your town in simple terms.",
            "words": [
                {"text": t("お城", "castle"), "bucket": "Famous Sights"},
                {"text": t("ラーメン", "ramen"), "bucket": "Local Specialties"},
                {"text": t("有名な", "famous"), "bucket": "Descriptive Adjectives"},
                {"text": t("案内する", "to guide"), "bucket": "Basic Verbs"},
                # A lesson teaches about 20–30 words (issue #11).
                *(
                    {"text": t(surface, meaning), "bucket": bucket}
                    for surface, meaning, bucket in _MORE_WORDS
                ),
            ],
            "grammar": [
                {
                    "grammar_id": "gf_001",
                    "pattern_ja": "名詞 + は + 形容詞 + です。",
                    "explanation": "Describe a sight or a dish.",
                    "examples": [t("このお城は古いです。", "This castle is old.")],
                },
                {
                    "grammar_id": "gf_002",
                    "pattern_ja": "動詞 + ます。",
                    "explanation": "Polite verbs. Invite with 〜ましょう.",
                    "examples": [t("ラーメンを食べましょう。", "Let's eat ramen.")],
                },
                {
                    "grammar_id": "gf_003",
                    "pattern_ja": "名詞 + は + 場所 + にあります。",
                    "explanation": "Say where something is.",
                    "examples": [
                        t("神社は駅の近くにあります。", "The shrine is near the station.")
                    ],
                },
            ],
            "dialogue": {
                "scenario": "Hometown Tour",
                "turns": [
                    {"speaker": "Guide", "register": "plain", "text": t("あれが有名なお城だよ。")},
                    {"speaker": "Friend", "register": "plain", "text": t("大きいね！古いの？")},
                    {"speaker": "Guide", "register": "plain", "text": t("うん、とても古い。")},
                    {
                        "speaker": "Friend",
                        "register": "plain",
                        "text": t("おなかがすいた。", "I'm hungry."),
                    },
                    {
                        "speaker": "Guide",
                        "register": "plain",
                        "text": t("じゃあ、ラーメンを食べよう。近くに店があるよ。"),
                    },
                ],
            },
            "reading": {
                "title": "私の町",
                "sentences": [
                    t("私の町には有名なお城があります。", "My town has a famous castle."),
                    t("ラーメンがとてもおいしいです。", "The ramen is very tasty."),
                    # the listed words are used (lesson.words_unused)
                    t("駅の近くに新しい公園と小さい神社があります。", "Near the station..."),
                    t("古いお寺も見ることができます。", "You can also see an old temple."),
                    t("寿司や、うどんやそばの店もあります。", "There are sushi, udon and soba."),
                    t("ここから、あそこのお城まで歩いて行きます。", "From here we walk there."),
                    t("友達と話しながら、私が町を案内します。", "I show my friends the town."),
                ],
            },
            "phrases": [t("まず"), t("次に")],
        }
    )


def comprehension_stage() -> ComprehensionStage:
    return ComprehensionStage.model_validate(
        {
            "questions": [
                {
                    "id": "q1",
                    "source": "dialogue",
                    "question": "What does the guide point out first?",
                    "options": ["a castle", "a temple", "a park"],
                    "answer": "a castle",
                    "evidence": "あれが有名なお城だよ。",
                },
                {
                    "id": "q2",
                    "source": "reading",
                    "kind": "true_false",
                    "question": "The ramen in the town is tasty.",
                    "answer": "true",
                    "evidence": "ラーメンがとてもおいしいです",
                },
            ]
        }
    )


def production_stage() -> ProductionStage:
    return ProductionStage.model_validate(
        {
            "tasks": [
                {
                    "id": "p1",
                    "grammar_id": "gf_001",
                    "instruction": "Describe a sight of your town.",
                    "vocabulary": ["お城", "古い"],
                    "model_answer": t("このお城はとても古いです。"),
                },
                {
                    "id": "p2",
                    "grammar_id": "gf_002",
                    "instruction": "Invite your friend to eat a local dish.",
                    "vocabulary": ["ラーメン", "食べる"],
                    "model_answer": t("ラーメンを食べます。"),
                },
                {
                    "id": "p3",
                    "grammar_id": "gf_003",
                    "instruction": "Say where the temple is.",
                    "vocabulary": ["寺", "近く"],
                    "model_answer": t("お寺は公園の近くにあります。"),
                },
            ]
        }
    )


def interaction_stage() -> InteractionStage:
    return InteractionStage.model_validate(
        {
            "role_plays": [
                {
                    "id": "r1",
                    "scenario": "Hometown Tour",
                    "learner_role": "Guide",
                    "partner_role": "Friend",
                    "register": "plain",
                    "goal": "Show your friend two sights and recommend a dish.",
                    "partner_lines": [t("この町で何が有名？")],
                    "useful_expressions": [t("お城が有名だよ。"), t("ラーメンを食べよう。")],
                    "grammar_ids": ["gf_001", "gf_002"],
                    "success_criteria": ["Names two sights", "Recommends a dish"],
                }
            ]
        }
    )


def tour_kit(**requirements: int) -> PrelessonKit:
    return PrelessonKit.model_validate(
        {
            "words": [
                {"surface": "お城", "reading": "おしろ", "meaning": "castle"},
                {"surface": "食べる", "reading": "たべる", "meaning": "to eat"},
                {"surface": "古い", "reading": "ふるい", "meaning": "old"},
                {"surface": "温泉", "reading": "おんせん", "meaning": "hot spring"},
            ],
            "grammar": [
                {"pattern": "〜ましょう", "meaning": "let's ~"},
                {"pattern": "N1はN2にあります", "meaning": "N1 is at N2"},
                {"pattern": "〜たことがある", "meaning": "have done ~"},
            ],
            "phrases": [
                {"text": "あれが有名なお城だよ", "meaning": "that is the famous castle"},
                {"text": "また来てね！", "meaning": "come again!"},
            ],
            "requirements": requirements,
        }
    )
