"""The offline planner's four stages: they validate, cite only the plan's grammar ids and bucket
items, carry readings, and also work from a plan the offline planner did not write."""

from __future__ import annotations

from typing import Any

import pytest

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
from lessonplan.planners.offline.kana import is_kana_text
from tests.planners.test_offline_plan import CASES, CATALOG, PLANNER, quality_module

Stages = tuple[ContentStage, ComprehensionStage, ProductionStage, InteractionStage]


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


def target_texts(stages: Stages) -> list[TargetText]:
    content, _, production, interaction = stages
    texts = [w.text for w in content.words]
    texts += [e for g in content.grammar for e in g.examples]
    texts += [t.text for t in content.dialogue.turns] + content.reading.sentences + content.phrases
    texts += [t.model_answer for t in production.tasks]
    texts += [x for r in interaction.role_plays for x in r.partner_lines + r.useful_expressions]
    return texts


def stem(word: str) -> str:
    """What every inflected form of a dictionary-form word starts with."""
    if word.endswith("する") and len(word) > 2:
        return word[:-2]
    return word[:-1] if len(word) > 1 and word[-1] in "うくぐすつぬぶむるい" else word


def stage_errors(
    plan: DomainPlan, kit: PrelessonKit, stages: Stages, *, strict_readings: bool = True
) -> list[str]:
    content, comprehension, production, interaction = stages
    errors: list[str] = []

    def expect(ok: bool, what: str) -> None:
        if not ok:
            errors.append(what)

    ids = plan.grammar_ids()
    items = set(plan.all_items())
    kit_words = [w.surface for w in kit.required_words()]
    for text in target_texts(stages):
        expect(bool(text.surface and text.romaji and text.translation), f"incomplete {text}")
        if strict_readings:
            expect(is_kana_text(text.reading), f"reading of {text.surface}: {text.reading!r}")
    words = [w.text.surface for w in content.words]
    expect(all(w in items or w in kit_words for w in words), "word not from the plan or kit")
    expect(all(k in words for k in kit_words), "kit word missing from the word list")
    expect([g.grammar_id for g in content.grammar] == ids, "one explanation per function")
    expect(all(1 <= len(g.examples) <= 2 for g in content.grammar), "1-2 examples")
    scenario = plan.scenarios[0]
    registers = {r.label: r.register for r in scenario.roles}
    dialogue = content.dialogue
    expect(dialogue.scenario == scenario.name, "dialogue scenario")
    expect(all(registers.get(t.speaker) == t.register for t in dialogue.turns), "turn roles")
    spoken = "".join(t.text.surface for t in dialogue.turns)
    used = [i for i in items if i in spoken or stem(i) in spoken]
    expect(len(used) >= 3, f"dialogue uses {len(used)} plan items")
    expect(all(k in spoken for k in kit_words), "kit words in the dialogue")
    expect(all(p.text in spoken for p in kit.required_phrases()), "kit phrases in the dialogue")
    phrases = [p.surface for p in content.phrases]
    expect(all(p.text in phrases for p in kit.required_phrases()), "kit phrases in phrases")
    read = "".join(s.surface for s in content.reading.sentences)
    expect(sum(1 for i in items if i in read or stem(i) in read) >= 2, "reading uses items")
    expect(
        [(n.theme_en, n.theme_ja) for n in content.culture_notes]
        == list(zip(plan.cultural_themes_en, plan.cultural_themes_ja, strict=True)),
        "culture notes",
    )
    expect(4 <= len(comprehension.questions) <= 6, "question count")
    sources = {
        "dialogue": [t.text.surface for t in dialogue.turns],
        "reading": [s.surface for s in content.reading.sentences],
    }
    for q in comprehension.questions:
        expect(q.evidence in sources[q.source], f"evidence of {q.id}")
        expect(not q.options or q.answer in q.options, f"answer of {q.id}")
    expect([t.grammar_id for t in production.tasks] == ids, "one task per function")
    for task in production.tasks:
        expect(bool(task.vocabulary) and set(task.vocabulary) <= items, f"vocabulary {task.id}")
        answer = task.model_answer.surface
        expect(all(stem(v) in answer for v in task.vocabulary), f"model answer {task.id}")
    plays = interaction.role_plays
    expect([r.scenario for r in plays] == [s.name for s in plan.scenarios], "one play per scenario")
    for play, scen in zip(plays, plan.scenarios, strict=False):
        roles = {r.label: r.register for r in scen.roles}
        expect(play.learner_role in roles and play.partner_role in roles, "play roles")
        expect(play.register == roles.get(play.learner_role), "play register")
        expect(play.grammar_ids == ids, "play grammar ids")
        expect(play.success_criteria == plan.evaluation.success_criteria, "play criteria")
        useful = [u.surface for u in play.useful_expressions]
        markers = plan.evaluation.discourse_markers
        expect(any(u in markers for u in useful), "useful expressions: markers")
        expect(any(u in items for u in useful), "useful expressions: bucket items")
    return errors


def official_errors(
    plan: DomainPlan, kit: PrelessonKit, stages: Stages, descriptor: CanDoDescriptor
) -> list[Any]:
    quality = quality_module()
    if quality is None:
        return []
    names = ("content", "comprehension", "production", "interaction")
    issues: list[Any] = []
    if hasattr(quality, "check_plan"):
        issues += quality.check_plan(plan, descriptor, kit)
    if hasattr(quality, "check_stage"):
        for name, stage in zip(names, stages, strict=True):
            issues += quality.check_stage(name, stage, plan, kit, content=stages[0])
    if hasattr(quality, "check_lesson"):
        issues += quality.check_lesson(dict(zip(names, stages, strict=True)), plan, kit)
    return [i for i in issues if i.severity == "error"]


@pytest.mark.parametrize(("profile", "kit"), CASES)
@pytest.mark.parametrize("descriptor", CATALOG, ids=[d.uid for d in CATALOG])
def test_every_catalog_lesson_uses_its_plan(
    descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit
) -> None:
    plan = PLANNER.plan(descriptor, profile, kit)
    stages = compile_stages(plan, descriptor, profile, kit)
    assert stage_errors(plan, kit, stages) == []
    assert official_errors(plan, kit, stages, descriptor) == []


def test_stages_are_byte_identical_across_runs() -> None:
    descriptor = CATALOG[5]
    profile, kit = CASES[1].values
    plan = PLANNER.plan(descriptor, profile, kit)
    first = [s.model_dump_json() for s in compile_stages(plan, descriptor, profile, kit)]
    second = [s.model_dump_json() for s in compile_stages(plan, descriptor, profile, kit)]
    assert first == second


def test_other_metalanguages_do_not_crash() -> None:
    descriptor = CATALOG[0]
    plan = PLANNER.plan(descriptor, CASES[0].values[0], CASES[0].values[1], metalanguage="fr")
    stages = compile_stages(plan, descriptor, CASES[0].values[0], CASES[0].values[1], "fr")
    assert stages[0].dialogue.turns


@pytest.mark.parametrize("name", ["jf-105.plan", "jf-106.plan", "jfmarugoto-14.plan"])
def test_stages_from_a_recorded_llm_plan(name: str) -> None:
    """As the last fallback the offline planner may compile stages from an LLM's plan."""
    samples = pytest.importorskip("tests.domain.samples")
    key = name.removesuffix(".plan")
    descriptor = samples.descriptor(key)
    plan = normalize_plan(samples.raw_plan(key), descriptor)
    kit = PrelessonKit()
    profile = LearnerProfile(learner_id="t")
    content, comprehension, production, interaction = compile_stages(plan, descriptor, profile, kit)
    ids = plan.grammar_ids()
    assert [g.grammar_id for g in content.grammar] == ids
    assert [t.grammar_id for t in production.tasks] == ids
    assert content.dialogue.scenario == plan.scenarios[0].name
    labels = {r.label for r in plan.scenarios[0].roles}
    assert {t.speaker for t in content.dialogue.turns} <= labels
    assert {w.text.surface for w in content.words} <= set(plan.all_items())
    assert all(is_kana_text(w.text.reading) for w in content.words)
    assert [r.scenario for r in interaction.role_plays] == [s.name for s in plan.scenarios]
    assert 4 <= len(comprehension.questions) <= 6
