"""The production and interaction stages, written from the plan.

Production gives one task per grammar function, with a model answer built from the pattern's
frame and the plan's own words; interaction gives one role-play per scenario, with the roles and
registers the plan chose and its success criteria.
"""

from __future__ import annotations

from lessonplan.domain.lesson import (
    InteractionStage,
    ProductionStage,
    ProductionTask,
    RolePlay,
    TargetText,
)
from lessonplan.domain.models import DomainPlan, PrelessonKit
from lessonplan.planners.offline.content import grammar_examples
from lessonplan.planners.offline.data import Curriculum
from lessonplan.planners.offline.fill import (
    Fillers,
    learner_and_partner,
    line,
    marker_text,
    opener,
    plan_items_in,
    plan_words,
    word_text,
)
from lessonplan.planners.offline.plan import find_pattern
from lessonplan.planners.offline.text import render

USEFUL_MARKERS = 3
USEFUL_WORDS = 4


def _goal(label: str, register: str, function: str, curriculum: Curriculum) -> str:
    style = curriculum.registers.get(register, {})
    return (
        f"As the {label.lower()}, {function[:1].lower()}{function[1:]}. "
        f"Speak in the {register} register ({style.get('label_ja', register)}): "
        f"{style.get('description_en', '').rstrip('.').lower()}."
    )


def build_production(
    plan: DomainPlan, kit: PrelessonKit, curriculum: Curriculum
) -> ProductionStage:
    words = plan_words(plan, curriculum, kit)
    fillers = Fillers(words, curriculum)
    tasks = []
    for i, gf in enumerate(plan.grammar_functions):
        pattern = find_pattern(gf.pattern_ja, gf.label, curriculum)
        offset = i + 1
        if pattern is not None:
            slots = fillers.slots_for(pattern.frame, offset)
            answer = render(pattern.frame, slots, pattern.frame_translation)
        else:
            template, _ = curriculum.meta_example
            slots = fillers.slots_for(template, offset)
            _, examples = grammar_examples(gf, fillers, curriculum, offset)
            answer = examples[0]
        vocabulary = plan_items_in(slots, words)
        listed = "、".join(vocabulary) if vocabulary else "words from this lesson"
        tasks.append(
            ProductionTask(
                id=f"p{i + 1}",
                grammar_id=gf.id,
                instruction=(
                    f"Write one sentence with {gf.pattern_ja} ({gf.label}) using: {listed}."
                ),
                vocabulary=vocabulary,
                model_answer=answer,
            )
        )
    return ProductionStage(tasks=tasks)


def build_interaction(
    plan: DomainPlan, kit: PrelessonKit, curriculum: Curriculum
) -> InteractionStage:
    words = plan_words(plan, curriculum, kit)
    fillers = Fillers(words, curriculum)
    function = plan.communicative_function_en
    criteria = plan.evaluation.success_criteria or [f"Completes the task: {function}."]
    markers = [
        text
        for text in (marker_text(m, curriculum) for m in plan.evaluation.discourse_markers)
        if text is not None
    ][:USEFUL_MARKERS]
    role_plays = []
    for i, scenario in enumerate(plan.scenarios):
        learner, partner = learner_and_partner(scenario, curriculum)
        partner_label = partner.label if partner else "Partner"
        partner_register = partner.register if partner else learner.register
        slots = fillers.standard(offset=i * 3)
        partner_lines = [
            line(opener(scenario, curriculum), partner_register, slots),
            line(curriculum.dialogue["describe"].line, partner_register, slots),
            line(curriculum.dialogue["instruct"].line, partner_register, slots),
        ]
        pool = words.words
        chosen = (
            [pool[(i * USEFUL_WORDS + k) % len(pool)] for k in range(USEFUL_WORDS)] if pool else []
        )
        useful: list[TargetText] = [*markers, *(word_text(w) for w in dict.fromkeys(chosen))]
        role_plays.append(
            RolePlay(
                id=f"r{i + 1}",
                scenario=scenario.name,
                setting=scenario.setting,
                learner_role=learner.label,
                partner_role=partner_label,
                register=learner.register,
                goal=_goal(learner.label, learner.register, function, curriculum),
                partner_lines=partner_lines,
                useful_expressions=useful,
                grammar_ids=plan.grammar_ids(),
                success_criteria=criteria,
            )
        )
    return InteractionStage(role_plays=role_plays)
