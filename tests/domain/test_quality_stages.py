"""check_stage and check_lesson: stages use their plan; the lesson meets the kit."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from lessonplan.domain.lesson import StageName
from lessonplan.domain.models import DomainPlan
from lessonplan.domain.quality import QualityIssue, check_lesson, check_stage
from tests.domain import samples


@pytest.fixture
def plan() -> DomainPlan:
    return samples.plan("jfmarugoto-14")


def _errors(issues: list[QualityIssue]) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in issues if i.severity == "error"]


def _edit(model: BaseModel, change: Any) -> dict[str, Any]:
    data = model.model_dump(mode="json")
    change(data)
    return data


@pytest.mark.parametrize(
    ("stage", "build"),
    [
        ("content", samples.content_stage),
        ("production", samples.production_stage),
        ("interaction", samples.interaction_stage),
    ],
)
def test_good_stages_pass(plan: DomainPlan, stage: StageName, build: Any) -> None:
    assert check_stage(stage, build(), plan) == []
    assert check_stage(stage, build().model_dump(), plan) == []  # dicts are accepted too


def test_good_comprehension_passes(plan: DomainPlan) -> None:
    stage = samples.comprehension_stage()
    assert check_stage("comprehension", stage, plan, content=samples.content_stage()) == []


# --- content ----------------------------------------------------------------------------------


def test_content_unknown_grammar_id(plan: DomainPlan) -> None:
    data = _edit(samples.content_stage(), lambda d: d["grammar"][1].update(grammar_id="GF2"))
    issues = check_stage("content", data, plan)
    assert ("stage.grammar_id", "$.grammar[1].grammar_id") in _errors(issues)
    # gf_002 is then explained nowhere: a warning.
    assert any(i.code == "content.grammar_coverage" and "gf_002" in i.message for i in issues)


def test_dialogue_scenario_must_be_a_plan_scenario(plan: DomainPlan) -> None:
    data = _edit(samples.content_stage(), lambda d: d["dialogue"].update(scenario="At a cafe"))
    assert _errors(check_stage("content", data, plan)) == [
        ("dialogue.scenario", "$.dialogue.scenario")
    ]


def test_dialogue_scenario_match_ignores_case(plan: DomainPlan) -> None:
    data = _edit(samples.content_stage(), lambda d: d["dialogue"].update(scenario="hometown tour"))
    assert check_stage("content", data, plan) == []


def test_dialogue_speakers_are_scenario_roles(plan: DomainPlan) -> None:
    data = _edit(
        samples.content_stage(), lambda d: d["dialogue"]["turns"][1].update(speaker="Tanaka")
    )
    assert _errors(check_stage("content", data, plan)) == [
        ("dialogue.speaker", "$.dialogue.turns[1].speaker")
    ]


def test_dialogue_same_speaker_twice_in_a_row_warns(plan: DomainPlan) -> None:
    """A reply dropped between two lines of one speaker (as a model does when it skips time)."""
    good = samples.content_stage()
    assert check_stage("content", good, plan) == []

    def drop_a_reply(d: dict[str, Any]) -> None:
        del d["dialogue"]["turns"][2]

    issues = check_stage("content", _edit(good, drop_a_reply), plan)
    found = [
        (i.code, i.severity, i.path) for i in issues if i.code == "dialogue.same_speaker_twice"
    ]
    assert found == [("dialogue.same_speaker_twice", "warning", "$.dialogue.turns[2]")]
    assert "turns 1 and 2" in next(i.message for i in issues if i.code == found[0][0])


def test_dialogue_must_use_plan_vocabulary(plan: DomainPlan) -> None:
    def strip(d: dict[str, Any]) -> None:
        for turn in d["dialogue"]["turns"]:
            turn["text"]["surface"] = "うん、そうだね。"

    issues = check_stage("content", _edit(samples.content_stage(), strip), plan)
    assert _errors(issues) == [("dialogue.vocabulary", "$.dialogue.turns")]
    assert "expected at least 3" in issues[0].message


def test_content_word_list_should_hold_kit_words(plan: DomainPlan) -> None:
    kit = samples.tour_kit(min_words=2)  # お城 (listed), 食べる (not listed)
    issues = check_stage("content", samples.content_stage(), plan, kit)
    assert [(i.code, i.severity) for i in issues] == [("content.kit_word", "warning")]
    assert "食べる" in issues[0].message


# --- comprehension ----------------------------------------------------------------------------


def test_evidence_must_quote_the_named_source(plan: DomainPlan) -> None:
    content = samples.content_stage()
    invented = _edit(
        samples.comprehension_stage(),
        lambda d: d["questions"][0].update(evidence="お寺は静かです。"),
    )
    assert _errors(check_stage("comprehension", invented, plan, content=content)) == [
        ("comprehension.evidence", "$.questions[0].evidence")
    ]
    wrong_source = _edit(
        samples.comprehension_stage(), lambda d: d["questions"][0].update(source="reading")
    )
    assert _errors(check_stage("comprehension", wrong_source, plan, content=content)) == [
        ("comprehension.evidence", "$.questions[0].evidence")
    ]


def test_evidence_ignores_spacing_and_punctuation(plan: DomainPlan) -> None:
    data = _edit(
        samples.comprehension_stage(),
        lambda d: d["questions"][0].update(evidence="「あれが 有名なお城だよ」"),
    )
    assert check_stage("comprehension", data, plan, content=samples.content_stage()) == []


def test_missing_evidence_is_a_warning(plan: DomainPlan) -> None:
    data = _edit(samples.comprehension_stage(), lambda d: d["questions"][1].update(evidence=""))
    issues = check_stage("comprehension", data, plan, content=samples.content_stage())
    assert [(i.code, i.severity) for i in issues] == [("comprehension.evidence_missing", "warning")]


def test_evidence_is_not_checked_without_content(plan: DomainPlan) -> None:
    data = _edit(samples.comprehension_stage(), lambda d: d["questions"][0].update(evidence="x"))
    assert check_stage("comprehension", data, plan) == []


def test_multiple_choice_answer_must_be_an_option(plan: DomainPlan) -> None:
    data = _edit(
        samples.comprehension_stage(), lambda d: d["questions"][0].update(answer="a tower")
    )
    assert _errors(check_stage("comprehension", data, plan)) == [
        ("comprehension.answer", "$.questions[0].answer")
    ]


# --- production -------------------------------------------------------------------------------


def test_production_grammar_ids_exist(plan: DomainPlan) -> None:
    data = _edit(samples.production_stage(), lambda d: d["tasks"][1].update(grammar_id="gf_009"))
    assert _errors(check_stage("production", data, plan)) == [
        ("stage.grammar_id", "$.tasks[1].grammar_id")
    ]


def test_production_vocabulary_outside_the_plan_warns(plan: DomainPlan) -> None:
    data = _edit(samples.production_stage(), lambda d: d["tasks"][0]["vocabulary"].append("城下町"))
    issues = check_stage("production", data, plan)
    assert [(i.code, i.path) for i in issues] == [
        ("production.vocabulary_unknown", "$.tasks[0].vocabulary[2]")
    ]
    # A kit word is not "outside the plan".
    data = _edit(samples.production_stage(), lambda d: d["tasks"][0]["vocabulary"].append("温泉"))
    assert check_stage("production", data, plan, samples.tour_kit()) == []


def test_production_must_use_plan_vocabulary(plan: DomainPlan) -> None:
    def strip(d: dict[str, Any]) -> None:
        for task in d["tasks"]:
            task["vocabulary"] = []
            task["model_answer"]["surface"] = "はい、そうです。"

    assert _errors(check_stage("production", _edit(samples.production_stage(), strip), plan)) == [
        ("production.vocabulary", "$.tasks")
    ]


# --- interaction ------------------------------------------------------------------------------


def test_role_play_scenario_must_exist(plan: DomainPlan) -> None:
    data = _edit(samples.interaction_stage(), lambda d: d["role_plays"][0].update(scenario="Cafe"))
    assert ("interaction.scenario", "$.role_plays[0].scenario") in _errors(
        check_stage("interaction", data, plan)
    )


def test_role_play_roles_come_from_the_scenario(plan: DomainPlan) -> None:
    data = _edit(
        samples.interaction_stage(), lambda d: d["role_plays"][0].update(partner_role="Visitor")
    )
    assert _errors(check_stage("interaction", data, plan)) == [
        ("interaction.role", "$.role_plays[0].partner_role")
    ]


def test_role_play_register_differs_from_the_plan(plan: DomainPlan) -> None:
    data = _edit(
        samples.interaction_stage(), lambda d: d["role_plays"][0].update(register="polite")
    )
    issues = check_stage("interaction", data, plan)
    assert [(i.code, i.severity) for i in issues] == [("interaction.register", "warning")]


def test_role_play_grammar_ids_exist(plan: DomainPlan) -> None:
    data = _edit(
        samples.interaction_stage(), lambda d: d["role_plays"][0]["grammar_ids"].append("7")
    )
    assert _errors(check_stage("interaction", data, plan)) == [
        ("stage.grammar_id", "$.role_plays[0].grammar_ids[2]")
    ]


def test_role_plays_must_use_plan_vocabulary(plan: DomainPlan) -> None:
    def strip(d: dict[str, Any]) -> None:
        d["role_plays"][0]["partner_lines"] = []
        d["role_plays"][0]["useful_expressions"] = [{"surface": "そうですね。"}]

    assert _errors(check_stage("interaction", _edit(samples.interaction_stage(), strip), plan)) == [
        ("interaction.vocabulary", "$.role_plays")
    ]


# --- lesson -----------------------------------------------------------------------------------


def _lesson() -> dict[StageName, BaseModel]:
    return {
        "content": samples.content_stage(),
        "comprehension": samples.comprehension_stage(),
        "production": samples.production_stage(),
        "interaction": samples.interaction_stage(),
    }


def test_lesson_meets_kit_words_in_inflected_forms(plan: DomainPlan) -> None:
    # お城 appears as is, 食べる as 食べよう/食べましょう/食べます, 古い as 古いです.
    kit = samples.tour_kit(min_words=3, min_grammar=2, min_phrases=1)
    assert check_lesson(_lesson(), plan, kit) == []


def test_lesson_missing_kit_word(plan: DomainPlan) -> None:
    issues = check_lesson(_lesson(), plan, samples.tour_kit(min_words=4))
    assert _errors(issues) == [("lesson.kit_word_missing", "$.kit.words[3]")]
    assert "温泉" in issues[0].message


def test_lesson_missing_kit_grammar(plan: DomainPlan) -> None:
    issues = check_lesson(_lesson(), plan, samples.tour_kit(min_grammar=3))
    assert _errors(issues) == [("lesson.kit_grammar_missing", "$.kit.grammar[2]")]


def test_lesson_missing_kit_phrase(plan: DomainPlan) -> None:
    issues = check_lesson(_lesson(), plan, samples.tour_kit(min_phrases=2))
    assert _errors(issues) == [("lesson.kit_phrase_missing", "$.kit.phrases[1]")]


def test_lesson_checks_accept_stage_dicts_and_partial_lessons(plan: DomainPlan) -> None:
    kit = samples.tour_kit(min_words=1)
    assert check_lesson({"production": samples.production_stage().model_dump()}, plan, kit) == []
    assert check_lesson({}, plan, kit) != []
    assert check_lesson({}, plan, None) == []
