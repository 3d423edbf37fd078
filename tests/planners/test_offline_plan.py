"""The offline planner's plans: SPEC §4 ranges for every catalog descriptor (authored lessons) and
for imported ones (vocabulary-and-grammar lessons), with empty and rich inputs, determinism, and
the JSON entry point the offline provider uses."""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import pytest

from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    LearnerProfile,
    PrelessonKit,
    is_canonical_grammar_id,
)
from lessonplan.planners.offline import OFFLINE_PLANNER_VERSION, OfflinePlanner, load_catalog
from lessonplan.planners.offline.library import authored_lesson

PLANNER = OfflinePlanner()
CATALOG = load_catalog()
_LATIN = re.compile(r"[A-Za-z]")
_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff々]")


def is_japanese(text: str) -> bool:
    """Japanese script; digits may accompany it (1日3回), Latin letters may not."""
    return bool(_JAPANESE.search(text)) and not _LATIN.search(text)


EMPTY_PROFILE = LearnerProfile(learner_id="t-empty")
EMPTY_KIT = PrelessonKit()
RICH_PROFILE = LearnerProfile.model_validate(
    {
        "learner_id": "t-rich",
        "current_level": "A2",
        "native_language": "English",
        "learning_goals": ["travel in Japan", "talk to neighbours"],
        "usage_context": {
            "primary_use_case": "daily life in Japan",
            "register_preferences": ["plain"],
            "formality_contexts": {"friends": "plain"},
            "scenario_details": ["weekend outings with friends"],
        },
        "vocabulary_domain_goals": ["food", "transportation"],
        "grammar_progression_goals": ["giving reasons"],
        "known_vocabulary": ["今日", "明日", "駅", "頭"],
        "known_grammar": ["〜です"],
        "cultural_interests": ["festivals", "anime"],
        "learning_preferences": {"grammar_focus_areas": ["requests"]},
    }
)
RICH_KIT = PrelessonKit.model_validate(
    {
        "words": [
            {"surface": "薬", "reading": "くすり", "meaning": "medicine"},
            {"surface": "休む", "reading": "やすむ", "meaning": "to rest"},
            {"surface": "地図", "reading": "ちず", "meaning": "map"},
            {"surface": "傘", "reading": "かさ", "meaning": "umbrella"},
            {"surface": "お土産", "reading": "おみやげ", "meaning": "souvenir"},
            {"surface": "約束", "reading": "やくそく", "meaning": "promise"},
            {"surface": "週末", "reading": "しゅうまつ", "meaning": "weekend"},
        ],
        "grammar": [{"pattern": "〜てください", "meaning": "please do"}],
        "phrases": [{"text": "よろしくお願いします", "meaning": "nice to work with you"}],
        "requirements": {"min_words": 7, "min_grammar": 1, "min_phrases": 1},
    }
)
CASES = [
    pytest.param(EMPTY_PROFILE, EMPTY_KIT, id="empty"),
    pytest.param(RICH_PROFILE, RICH_KIT, id="rich"),
]


def plan_errors(plan: DomainPlan, descriptor: CanDoDescriptor, kit: PrelessonKit) -> list[str]:
    """SPEC §4, checked here independently of ``lessonplan.domain.quality``."""
    errors: list[str] = []

    def expect(ok: bool, what: str) -> None:
        if not ok:
            errors.append(what)

    expect(plan.uid == descriptor.uid, "uid")
    expect(plan.level == descriptor.level, "level")
    expect(is_japanese(plan.communicative_function_ja), "communicative_function_ja script")
    expect(1 <= len(plan.scenarios) <= 2, "scenario count")
    for scenario in plan.scenarios:
        expect(
            all(r.register in ("plain", "polite", "neutral") for r in scenario.roles), "register"
        )
    buckets = plan.lex_buckets
    expect(3 <= len(buckets) <= 5, f"bucket count {len(buckets)}")
    expect(all(6 <= len(b.items) <= 14 for b in buckets), "bucket sizes")
    items = plan.all_items()
    expect(20 <= len(items) <= 100, f"total items {len(items)}")
    expect(len(items) == len(set(items)), "duplicate bucket items")
    expect(all(is_japanese(item) for item in items), "bucket item script")
    ids = plan.grammar_ids()
    expect(2 <= len(ids) <= 5, "grammar count")
    expect(len(ids) == len(set(ids)), "grammar ids unique")
    expect(all(is_canonical_grammar_id(i) for i in ids), "grammar ids canonical")
    expect(ids == [f"gf_{i + 1:03d}" for i in range(len(ids))], "grammar ids in order")
    expect(all(is_japanese(gf.pattern_ja) for gf in plan.grammar_functions), "pattern_ja script")
    expect(2 <= len(plan.evaluation.success_criteria) <= 5, "success criteria")
    markers = plan.evaluation.discourse_markers
    expect(len(markers) >= 2 and all(is_japanese(m) for m in markers), "discourse markers")
    en, ja = plan.cultural_themes_en, plan.cultural_themes_ja
    expect(2 <= len(en) <= 5 and len(en) == len(ja), "cultural themes")
    expect(all(is_japanese(t) for t in ja), "cultural themes script")
    for word in kit.required_words():
        expect(word.surface in items, f"kit word {word.surface}")
    patterns = [gf.pattern_ja.replace("〜", "") for gf in plan.grammar_functions]
    for grammar in kit.required_grammar():
        core = grammar.pattern.replace("〜", "")
        expect(any(core in p for p in patterns), f"kit grammar {grammar.pattern}")
    return errors


def quality_module() -> Any | None:
    """The official checks, when another part of the project ships them."""
    try:
        return importlib.import_module("lessonplan.domain.quality")
    except ImportError:
        return None


def quality_errors(plan: DomainPlan, descriptor: CanDoDescriptor, kit: PrelessonKit) -> list[Any]:
    quality = quality_module()
    if quality is None or not hasattr(quality, "check_plan"):
        return []
    return [i for i in quality.check_plan(plan, descriptor, kit) if i.severity == "error"]


@pytest.mark.parametrize(("profile", "kit"), CASES)
@pytest.mark.parametrize("descriptor", CATALOG, ids=[d.uid for d in CATALOG])
def test_every_catalog_plan_meets_the_ranges(
    descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit
) -> None:
    plan = PLANNER.plan(descriptor, profile, kit)
    assert plan_errors(plan, descriptor, kit) == []
    assert quality_errors(plan, descriptor, kit) == []


IMPORTS = [
    CanDoDescriptor(
        uid=f"USER:{level}",
        level=level,
        description_en="Can ask where things are in a supermarket and understand the answer.",
        primary_topic_en="Shopping",
    )
    for level in ("A1", "A2", "B1", "B2")
]


@pytest.mark.parametrize(("profile", "kit"), CASES)
@pytest.mark.parametrize("descriptor", IMPORTS, ids=[d.uid for d in IMPORTS])
def test_imported_descriptors_get_plans_within_the_ranges(
    descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit
) -> None:
    from lessonplan.planners.offline.data import load_curriculum

    plan = PLANNER.plan(descriptor, profile, kit)
    assert plan_errors(plan, descriptor, kit) == []
    assert quality_errors(plan, descriptor, kit) == []
    levels = {g.pattern_ja: g.level for g in load_curriculum().grammar}
    data_levels = {
        levels[gf.pattern_ja] for gf in plan.grammar_functions if gf.pattern_ja in levels
    }
    if not kit.required_grammar():
        assert data_levels == {descriptor.level}


@pytest.mark.parametrize("descriptor", CATALOG, ids=[d.uid for d in CATALOG])
def test_an_authored_plan_is_the_authored_lesson(descriptor: CanDoDescriptor) -> None:
    lesson = authored_lesson(descriptor.uid)
    if lesson is None:
        pytest.skip(f"{descriptor.uid} has no authored lesson yet (see test_authored_lessons)")
    plan = PLANNER.plan(descriptor, EMPTY_PROFILE, EMPTY_KIT)
    assert plan.communicative_function_ja == lesson.function_ja
    assert plan.scenarios[0].name in {d.scenario for d in lesson.dialogues}
    # the lesson's words (those its shown texts use: test_offline_stages checks which)
    assert set(plan.all_items()) <= {w.surface for w in lesson.words}
    assert [gf.pattern_ja for gf in plan.grammar_functions] == [
        g.pattern_ja for g in lesson.grammar
    ]
    assert plan.cultural_themes_en == [n.theme_en for n in lesson.culture_notes]


def test_topic_falls_back_to_keywords_then_default() -> None:
    by_keyword = CanDoDescriptor(
        uid="X:1", level="B1", description_en="Can order dishes from a restaurant menu."
    )
    plan = PLANNER.plan(by_keyword, EMPTY_PROFILE, EMPTY_KIT)
    assert plan.scenarios[0].name == "Ordering at a restaurant"
    assert plan_errors(plan, by_keyword, EMPTY_KIT) == []
    unknown = CanDoDescriptor(
        uid="X:2",
        level="C1",
        primary_topic_en="Quantum chromodynamics",
        description_en="Can do something nobody planned for.",
        description_ja="SNSで何かをすることができる。",
    )
    plan = PLANNER.plan(unknown, EMPTY_PROFILE, EMPTY_KIT)
    assert plan.level == "C1"
    assert plan_errors(plan, unknown, EMPTY_KIT) == []
    assert plan.communicative_function_ja == "自己紹介について簡単なやりとりをする"


def test_an_imported_descriptor_digits_become_kanji() -> None:
    imported = CanDoDescriptor(
        uid="USER:105",
        level="A1",
        primary_topic_en="Health",
        description_en="Can understand a doctor's simple instructions.",
        description_ja="「薬を1日3回飲んでください」などの指示を理解することができる。",
    )
    plan = PLANNER.plan(imported, EMPTY_PROFILE, EMPTY_KIT)
    assert "一日三回" in plan.communicative_function_ja


@pytest.mark.parametrize(("profile", "kit"), CASES)
def test_plans_are_byte_identical_across_runs(profile: LearnerProfile, kit: PrelessonKit) -> None:
    for descriptor in CATALOG:
        first = PLANNER.plan(descriptor, profile, kit).model_dump_json()
        second = OfflinePlanner().plan(descriptor, profile, kit).model_dump_json()
        assert first == second


def test_version_is_exposed() -> None:
    assert OFFLINE_PLANNER_VERSION == "offline-2"
    assert PLANNER.version == "offline-2"


def test_answer_round_trips_json_with_projected_profile() -> None:
    descriptor = next(d for d in CATALOG if d.uid == "JFまるごと:14")
    projected = {
        "usage_context": {"register_preferences": ["polite"]},
        "cultural_interests": ["festivals"],
    }
    kit = {"words": [{"surface": "名物"}, {"surface": "お城"}]}
    inputs: dict[str, Any] = {
        "descriptor": descriptor.model_dump(mode="json"),
        "profile": projected,
        "kit": kit,
        "metalanguage": "en",
    }
    inputs = json.loads(json.dumps(inputs, ensure_ascii=False))
    answer = PLANNER.answer("plan", inputs)
    plan = DomainPlan.model_validate(answer)
    profile = LearnerProfile.model_validate({**projected, "learner_id": "offline"})
    full_kit = PrelessonKit.model_validate(
        {**kit, "requirements": {"min_words": 2, "min_grammar": 0, "min_phrases": 0}}
    )
    assert plan == PLANNER.plan(descriptor, profile, full_kit)
    # A polite preference cannot make the authored plain dialogue among friends polite.
    lesson = authored_lesson(descriptor.uid)
    assert lesson is not None
    shown = next(d for d in lesson.dialogues if d.scenario == plan.scenarios[0].name)
    assert [(r.label, r.register) for r in plan.scenarios[0].roles] == [
        (r.label, r.register) for r in shown.roles
    ]
    assert {"名物", "お城"} <= set(plan.all_items())
    inputs["plan"] = answer
    content = PLANNER.answer("content", inputs)
    for task in ("production", "interaction"):
        assert PLANNER.answer(task, inputs)
    inputs["content"] = content
    questions = PLANNER.answer("comprehension", inputs)["questions"]
    assert 4 <= len(questions) <= 8
    partial = {key: content[key] for key in ("dialogue", "reading")}
    assert PLANNER.answer("comprehension", {**inputs, "content": partial})["questions"]
    assert PLANNER.answer("plan", inputs) == answer


def test_answer_rejects_unknown_tasks() -> None:
    descriptor = CATALOG[0].model_dump(mode="json")
    with pytest.raises(ValueError, match="unknown task"):
        PLANNER.answer("summary", {"descriptor": descriptor})


def test_answer_accepts_the_recorded_descriptor_shape() -> None:
    raw = {
        "uid": "JF:105",
        "level": "A1",
        "primaryTopic_en": "Health",
        "description": {"en": "Can understand a doctor's simple instructions.", "ja": "医者の指示"},
    }
    plan = DomainPlan.model_validate(PLANNER.answer("plan", {"descriptor": raw}))
    assert plan.uid == "JF:105"
    assert "医者" in {r.label for r in plan.scenarios[0].roles}
