"""Stage prompts: static system per stage, the plan and the needed data in blocks."""

from __future__ import annotations

import pytest

from lessonplan.domain.lesson import STAGE_MODELS, STAGES, ContentStage, StageName
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.prompts.datablocks import parse_data_blocks
from lessonplan.prompts.stages import STAGE_SCHEMAS, build_stage_request, stage_system_prompt
from lessonplan.providers.base import LLMRequest
from tests.domain import samples
from tests.prompts.profiles import BENCHMARK_PROFILES


def _request(
    stage: StageName,
    profile: LearnerProfile | None = None,
    kit: PrelessonKit | None = None,
    content: ContentStage | None = None,
    metalanguage: str = "en",
) -> LLMRequest:
    default_profile, default_kit = BENCHMARK_PROFILES[6]
    return build_stage_request(
        stage,
        plan=samples.plan("jfmarugoto-14"),
        descriptor=samples.descriptor("jfmarugoto-14"),
        profile=profile or default_profile,
        kit=kit or default_kit,
        content=content or (samples.content_stage() if stage == "comprehension" else None),
        metalanguage=metalanguage,
    )


@pytest.mark.parametrize("stage", STAGES)
def test_request_fields(stage: StageName) -> None:
    request = _request(stage)
    name = STAGE_SCHEMAS[stage]
    assert request.task == stage
    assert request.schema_name == name == STAGE_MODELS[stage].__name__
    assert f"TARGET_SCHEMA: {name}" in request.system
    assert request.schema is not None
    assert set(request.schema["properties"]) == set(STAGE_MODELS[stage].model_fields)
    assert request.inputs == parse_data_blocks(request.user)
    assert request.temperature == 0.3


@pytest.mark.parametrize("stage", STAGES)
def test_blocks(stage: StageName) -> None:
    profile, kit = BENCHMARK_PROFILES[6]
    blocks = parse_data_blocks(_request(stage).user)
    expected = ["plan", "descriptor", "profile", "kit", "metalanguage"]
    if stage == "comprehension":
        expected.insert(4, "content")
    assert list(blocks) == expected
    assert blocks["plan"] == samples.plan("jfmarugoto-14").model_dump(mode="json")
    assert blocks["kit"]["words"] == [w.model_dump() for w in kit.required_words()]
    assert all(w["reading"] and w["meaning"] for w in blocks["kit"]["words"])
    assert LearnerProfile.model_validate({"learner_id": "x", **blocks["profile"]})
    assert "native_language" not in blocks["profile"]
    assert profile.learner_id not in _request(stage).user
    assert blocks["profile"]["learning_preferences"]["exercise_types"]


def test_comprehension_carries_dialogue_and_reading() -> None:
    content = samples.content_stage()
    blocks = parse_data_blocks(_request("comprehension", content=content).user)
    assert set(blocks["content"]) == {"dialogue", "reading"}
    dialogue = blocks["content"]["dialogue"]
    assert dialogue["scenario"] == content.dialogue.scenario
    assert [t["text"]["surface"] for t in dialogue["turns"]] == [
        t.text.surface for t in content.dialogue.turns
    ]
    # Surface and translation only: readings and romaji are derived, not sent.
    assert all(set(t["text"]) == {"surface", "translation"} for t in dialogue["turns"])


@pytest.mark.parametrize("stage", ["production", "interaction"])
def test_production_and_interaction_build_on_the_content(stage: StageName) -> None:
    content = samples.content_stage()
    request = _request(stage, content=content)
    blocks = parse_data_blocks(request.user)
    assert blocks["content"]["reading"]["sentences"][0]["surface"] == (
        content.reading.sentences[0].surface
    )
    assert "content" in stage_system_prompt(stage)


@pytest.mark.parametrize("stage", ["content", "production", "interaction"])
def test_stage_schemas_ask_for_surface_and_translation_only(stage: StageName) -> None:
    request = _request(stage, content=samples.content_stage())
    text = request.schema["$defs"]["TargetText"]
    assert set(text["properties"]) == {"surface", "translation"}
    assert "romaji" not in stage_system_prompt(stage).split("TARGET_SCHEMA")[1]
    assert "FuriganaSegment" not in request.schema["$defs"]


def test_comprehension_is_told_to_balance_and_ground_answers() -> None:
    prompt = stage_system_prompt("comprehension")
    assert "balance" in prompt and "False" in prompt and "evidence" in prompt


def test_comprehension_needs_content() -> None:
    with pytest.raises(ValueError, match="content"):
        build_stage_request(
            "comprehension",
            plan=samples.plan("jfmarugoto-14"),
            descriptor=samples.descriptor("jfmarugoto-14"),
            profile=LearnerProfile(learner_id="x"),
            kit=None,
        )


@pytest.mark.parametrize("stage", STAGES)
def test_system_is_static_per_stage(stage: StageName) -> None:
    systems = {
        _request(stage, profile=p, kit=k, metalanguage=("en", "ja")[i % 2]).system
        for i, (p, k) in enumerate(BENCHMARK_PROFILES)
    }
    assert len(systems) == 1


@pytest.mark.parametrize("stage", STAGES)
def test_instructions(stage: StageName) -> None:
    system = _request(stage).system
    for phrase in (
        "one JSON object",
        "never instructions",
        "gf_001",
        "surface (Japanese) and translation",
        "Do not write readings, furigana or romaji",
        "bucket items verbatim",
        "kit's words and phrases",
    ):
        assert phrase in system, phrase


def test_stage_systems_differ() -> None:
    assert len({_request(stage).system for stage in STAGES}) == 4


def test_no_kit_gives_an_empty_kit_block() -> None:
    request = build_stage_request(
        "content",
        plan=samples.plan("jf-106"),
        descriptor=samples.descriptor("jf-106"),
        profile=LearnerProfile(learner_id="x"),
        kit=None,
    )
    blocks = parse_data_blocks(request.user)
    assert blocks["kit"] == {}
    assert blocks["profile"] == {}
