"""Personalisation of authored lessons: the profile selects and orders among what the authors
wrote (dialogue variant, scenario, leading words, grammar order, recycled known words); the kit
adds words and grammar with real example sentences; nothing is ever rewritten."""

from __future__ import annotations

from typing import Any

import pytest

from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.japanese import example_sentences
from lessonplan.planners.offline.authored import AuthoredRole
from lessonplan.planners.offline.choose import context_register, singular
from lessonplan.planners.offline.library import authored_lesson
from tests.planners.test_offline_plan import CATALOG, PLANNER, plan_errors
from tests.planners.test_offline_stages import compile_stages, official_errors

BY_UID = {d.uid: d for d in CATALOG}
EMPTY_KIT = PrelessonKit()


def descriptor(uid: str) -> CanDoDescriptor:
    if authored_lesson(uid) is None:
        pytest.skip(f"{uid} has no authored lesson yet")
    return BY_UID[uid]


def profile(**fields: Any) -> LearnerProfile:
    return LearnerProfile.model_validate({"learner_id": "t", **fields})


def shown_registers(uid: str, learner: LearnerProfile) -> tuple[str, set[str]]:
    plan = PLANNER.plan(descriptor(uid), learner, EMPTY_KIT)
    return plan.scenarios[0].name, {r.register for r in plan.scenarios[0].roles}


def test_plural_profile_keys_match_singular_role_labels() -> None:
    assert singular("friends") == "friend" and singular("families") == "family"
    assert singular("boss") == "boss"
    friend = AuthoredRole(label="ケンタ", label_en="Kenta (close friend)", register="plain")
    colleague = AuthoredRole(label="山下", label_en="Ms Yamashita (colleague)", register="polite")
    learner = profile(usage_context={"formality_contexts": {"friends": "plain"}})
    assert context_register(friend, learner) == "plain"
    assert context_register(colleague, learner) is None
    by_label = profile(usage_context={"formality_contexts": {"山下": "casual"}})
    assert context_register(colleague, by_label) == "plain"


def test_formality_contexts_choose_the_plain_variant_among_friends() -> None:
    """{"friends": "plain"} was ignored before (plural key, singular role label)."""
    default_name, default = shown_registers("LP:014", profile())
    assert default == {"polite"}
    learner = profile(
        usage_context={
            "register_preferences": ["polite"],
            "formality_contexts": {"friends": "plain"},
        }
    )
    name, registers = shown_registers("LP:014", learner)
    assert registers == {"plain"} and name != default_name
    plan = PLANNER.plan(descriptor("LP:014"), learner, EMPTY_KIT)
    stages = compile_stages(plan, descriptor("LP:014"), learner, EMPTY_KIT)
    content, _, _, interaction = stages
    assert content.dialogue is not None
    assert {t.register for t in content.dialogue.turns} == {"plain"}
    assert interaction.role_plays[0].register == "plain"
    assert official_errors(plan, EMPTY_KIT, stages, descriptor("LP:014")) == []


def test_register_preferences_choose_between_authored_variants() -> None:
    _, plain = shown_registers("LP:004", profile(usage_context={"register_preferences": ["plain"]}))
    _, polite = shown_registers(
        "LP:004", profile(usage_context={"register_preferences": ["polite"]})
    )
    assert plain == {"plain"} and polite == {"polite"}


def test_a_preference_never_rewrites_an_authored_register() -> None:
    """JFまるごと:14 has only a plain dialogue among friends: a polite preference keeps it."""
    lesson = authored_lesson(descriptor("JFまるごと:14").uid)
    assert lesson is not None
    _, registers = shown_registers(
        "JFまるごと:14", profile(usage_context={"register_preferences": ["polite"]})
    )
    assert registers == {r.register for r in lesson.dialogues[0].roles}


def test_scenario_details_choose_the_scenario() -> None:
    lesson = authored_lesson(descriptor("LP:006").uid)
    assert lesson is not None
    default, _ = shown_registers("LP:006", profile())
    chosen, _ = shown_registers(
        "LP:006", profile(usage_context={"scenario_details": ["finding the bus stop"]})
    )
    assert default == lesson.dialogues[0].scenario
    assert chosen == lesson.dialogues[1].scenario


def test_vocabulary_goals_choose_the_words_that_lead() -> None:
    jf105 = descriptor("JF:105")
    plan = PLANNER.plan(jf105, profile(vocabulary_domain_goals=["time expressions"]), EMPTY_KIT)
    content = PLANNER.content(plan=plan, descriptor=jf105, profile=profile(), kit=EMPTY_KIT)
    lesson = authored_lesson("JF:105")
    assert lesson is not None
    time_words = {w.surface for w in lesson.words if w.bucket == "time"}
    leading = [w.text.surface for w in content.words[: len(time_words)]]
    assert set(leading) == time_words
    assert sorted(plan.all_items()) == sorted(w.surface for w in lesson.words)


def test_known_words_are_kept_marked_and_recycled_first() -> None:
    jf105 = descriptor("JF:105")
    learner = profile(known_vocabulary=["薬", "水"])
    plan = PLANNER.plan(jf105, learner, EMPTY_KIT)
    assert {"薬", "水"} <= set(plan.all_items())
    content, _, production, _ = compile_stages(plan, jf105, learner, EMPTY_KIT)
    known = {w.text.surface for w in content.words if w.known}
    assert known == {"薬", "水"}
    recycling = [t for t in production.tasks if t.known_words]
    assert recycling and all(
        "薬" in t.model_answer.surface for t in recycling if "薬" in t.known_words
    )
    # Within the first step, the task that recycles a known word comes first.
    assert production.tasks[0].known_words


def test_a_grammar_goal_leads_with_its_grammar_and_removes_nothing() -> None:
    jf105 = descriptor("JF:105")
    baseline = [g.pattern_ja for g in PLANNER.plan(jf105, profile(), EMPTY_KIT).grammar_functions]
    goal = profile(
        grammar_progression_goals=["telling someone not to do something: 〜ないでください"]
    )
    plan = PLANNER.plan(jf105, goal, EMPTY_KIT)
    patterns = [g.pattern_ja for g in plan.grammar_functions]
    assert patterns[0] == "〜ないでください"
    assert sorted(patterns) == sorted(baseline)
    known = profile(known_grammar=["〜てください"])
    assert [g.pattern_ja for g in PLANNER.plan(jf105, known, EMPTY_KIT).grammar_functions][
        -1
    ] == "〜てください"


def test_kit_words_are_listed_and_practised_with_real_example_sentences() -> None:
    jf105 = descriptor("JF:105")
    kit = PrelessonKit.model_validate(
        {
            "words": [
                {"surface": "友達", "meaning": "friend"},
                {"surface": "薬", "meaning": "medicine"},
            ],
            "requirements": {"min_words": 2},
        }
    )
    plan = PLANNER.plan(jf105, profile(), kit)
    assert plan_errors(plan, jf105, kit) == []
    stages = compile_stages(plan, jf105, profile(), kit)
    content, _, production, _ = stages
    from_kit = {w.text.surface: w for w in content.words if w.from_kit}
    assert set(from_kit) == {"友達", "薬"}
    assert from_kit["友達"].text.translation == "friend"
    tasks = [t for t in production.tasks if "友達" in t.vocabulary]
    assert len(tasks) == 1
    assert tasks[0].model_answer.surface in {e.ja for e in example_sentences("友達", limit=3)}
    # 薬 is already practised by an authored task: no extra task.
    assert not [t for t in production.tasks if t.vocabulary == ["薬"]]
    assert official_errors(plan, kit, stages, jf105) == []


def test_kit_grammar_the_lesson_lacks_is_taught_with_real_examples() -> None:
    jf105 = descriptor("JF:105")
    kit = PrelessonKit.model_validate(
        {
            "grammar": [{"pattern": "〜たいです", "meaning": "want to"}],
            "requirements": {"min_grammar": 1},
        }
    )
    plan = PLANNER.plan(jf105, profile(), kit)
    added = plan.grammar_functions[-1]
    assert added.pattern_ja == "〜たいです"
    content, _, production, _ = compile_stages(plan, jf105, profile(), kit)
    explanation = next(g for g in content.grammar if g.grammar_id == added.id)
    assert explanation.examples and all("たいです" in e.surface for e in explanation.examples)
    task = next(t for t in production.tasks if t.grammar_id == added.id)
    assert "たいです" in task.model_answer.surface
    assert "Tatoeba" in task.instruction


def test_kit_phrases_are_listed() -> None:
    jf105 = descriptor("JF:105")
    kit = PrelessonKit.model_validate(
        {
            "phrases": [{"text": "よろしくお願いします", "meaning": "nice to meet you"}],
            "requirements": {"min_phrases": 1},
        }
    )
    plan = PLANNER.plan(jf105, profile(), kit)
    content = PLANNER.content(plan=plan, descriptor=jf105, profile=profile(), kit=kit)
    assert "よろしくお願いします" in [p.surface for p in content.phrases]


def test_large_kits_still_meet_the_ranges() -> None:
    jf105 = descriptor("JF:105")
    words = ["友達", "地図", "傘", "お土産", "約束", "週末", "切符", "駅", "電車", "写真"]
    kit = PrelessonKit.model_validate(
        {"words": [{"surface": w} for w in words], "requirements": {"min_words": len(words)}}
    )
    plan = PLANNER.plan(jf105, profile(), kit)
    assert plan_errors(plan, jf105, kit) == []
