"""Prompts follow the descriptor's target language: Japanese instructions (JLPT band, script,
politeness endings, example expressions) for a Japanese descriptor only; another language is
named and nothing Japanese is assumed."""

from __future__ import annotations

import re

import pytest

from lessonplan.domain.lesson import STAGES, StageName
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile
from lessonplan.prompts.datablocks import parse_data_blocks
from lessonplan.prompts.languages import language_name
from lessonplan.prompts.planner import (
    VARIANTS,
    PromptVariant,
    build_planner_request,
    planner_system_prompt,
)
from lessonplan.prompts.stages import build_stage_request, stage_system_prompt
from tests.domain import samples

# Words and characters that only a Japanese lesson's instructions have.
JAPANESE_WORDS = re.compile(
    r"japanese|jlpt|furigana|romaji|\bkana\b|kanji|hiragana|katakana|keigo|desu|masu", re.I
)
JAPANESE_CHARS = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

SPANISH = CanDoDescriptor(
    uid="ES:12",
    level="A2",
    description_en="Can ask for the price of items at a market stall and buy them.",
    descriptions={"es": "Puede preguntar el precio de productos en un mercado y comprarlos."},
    primary_topic_en="Shopping",
    skill_domain="interaction",
    target_language="es",
)
FRENCH = CanDoDescriptor(
    uid="FR:3",
    level="A1",
    description_fr="Peut comprendre un panneau simple dans une gare.",
    skill_domain="reception",
    target_language="fr",
    metalanguage="en",
)
SPANISH_PLAN = DomainPlan.model_validate(
    {
        "uid": "ES:12",
        "level": "A2",
        "communicative_function_en": "Ask prices and buy at a market",
        "communicative_function_ja": "Preguntar precios y comprar en un mercado",
        "scenarios": [
            {
                "name": "market",
                "setting": "A fruit stall",
                "roles": [
                    {"label": "buyer", "register": "polite"},
                    {"label": "seller", "register": "polite"},
                ],
            }
        ],
        "lex_buckets": [{"name": "fruit", "items": ["la manzana", "la naranja", "el kilo"]}],
        "grammar_functions": [
            {"id": "gf_001", "label": "asking a price", "pattern_ja": "¿Cuánto cuesta …?"}
        ],
        "evaluation": {
            "success_criteria": ["asks a price"],
            "discourse_markers": ["pues", "bueno"],
        },
        "key_expressions": ["¿Cuánto cuesta?", "Me pone un kilo"],
    }
)


def _japanese_in(text: str) -> list[str]:
    return JAPANESE_WORDS.findall(text) + JAPANESE_CHARS.findall(text)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("descriptor", [SPANISH, FRENCH], ids=["es", "fr"])
def test_planner_prompt_of_another_language_has_nothing_japanese(
    variant: PromptVariant, descriptor: CanDoDescriptor
) -> None:
    request = build_planner_request(descriptor, LearnerProfile.anonymous(), None, variant=variant)
    # The whole request: instructions, schema, every data block.
    assert _japanese_in(request.system) == []
    assert _japanese_in(request.user) == []
    assert language_name(descriptor.target_language) in request.system
    band = parse_data_blocks(request.user)["level_band"]
    assert band == {"cefr": descriptor.level, "lesson_words": band["lesson_words"]}


@pytest.mark.parametrize("variant", VARIANTS)
def test_planner_prompt_of_japanese_keeps_its_instructions(variant: PromptVariant) -> None:
    descriptor = samples.descriptor("jf-105")
    request = build_planner_request(descriptor, LearnerProfile.anonymous(), None, variant=variant)
    assert request.system == planner_system_prompt(variant)  # the cached prompt, unchanged
    assert "Japanese script" in request.system
    assert JAPANESE_CHARS.search(request.system) or variant == "simplified"
    band = parse_data_blocks(request.user)["level_band"]
    assert band["jlpt"] and band["max_share_above_jlpt"]
    if variant != "simplified":
        assert "jlpt" in request.system.lower()


def test_japanese_descriptor_tags_keep_the_japanese_prompt() -> None:
    assert planner_system_prompt("compact", "ja") == planner_system_prompt("compact")
    assert planner_system_prompt("compact", "ja-JP") == planner_system_prompt("compact")
    assert stage_system_prompt("content", "ja-JP") == stage_system_prompt("content")


def test_planner_carries_the_descriptor_in_its_own_languages() -> None:
    request = build_planner_request(SPANISH, LearnerProfile.anonymous(), None, variant="compact")
    block = parse_data_blocks(request.user)["descriptor"]
    assert block["target_language"] == "es"
    assert block["descriptions"] == {"es": SPANISH.descriptions["es"]}
    assert block["description_en"] == SPANISH.description_en
    assert "description_ja" not in block


@pytest.mark.parametrize("stage", STAGES)
def test_stage_prompt_of_another_language_has_nothing_japanese(stage: StageName) -> None:
    request = build_stage_request(
        stage,
        plan=SPANISH_PLAN,
        descriptor=SPANISH,
        profile=LearnerProfile.anonymous(),
        kit=None,
        content=samples.content_stage() if stage == "comprehension" else None,
    )
    assert _japanese_in(request.system) == []
    assert "Spanish" in request.system
    assert "surface (in Spanish)" in request.system
    if stage != "comprehension":  # the sample content stage is Japanese data
        assert _japanese_in(request.user) == []


@pytest.mark.parametrize("stage", STAGES)
def test_stage_prompt_of_japanese_keeps_its_instructions(stage: StageName) -> None:
    request = build_stage_request(
        stage,
        plan=samples.plan("jfmarugoto-14"),
        descriptor=samples.descriptor("jfmarugoto-14"),
        profile=LearnerProfile.anonymous(),
        kit=None,
        content=samples.content_stage() if stage == "comprehension" else None,
    )
    assert request.system == stage_system_prompt(stage)
    assert "surface (Japanese)" in request.system
    assert "furigana" in request.system and "です/ます" in request.system


def test_language_names() -> None:
    assert language_name("es") == "Spanish"
    assert language_name("pt-BR") == "Portuguese (pt-BR)"
    assert language_name("tlh") == 'the language tagged "tlh"'
    assert "tlh" in planner_system_prompt("compact", "tlh")
