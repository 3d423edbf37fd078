"""Lesson checks, over all four stages: kit requirements, plan use, key expressions, repeats."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import (
    STAGE_MODELS,
    STAGES,
    ContentStage,
    InteractionStage,
    ProductionStage,
    StageName,
    TargetText,
)
from lessonplan.domain.models import DomainPlan, PrelessonKit
from lessonplan.domain.quality.common import (
    MIN_PLAN_WORDS,
    error,
    items_used,
    norm,
    pattern_in,
    surfaces,
    warning,
)
from lessonplan.domain.quality.scripts import is_japanese, script_name_for
from lessonplan.domain.quality.words import uses_word

# Lines shorter than this (normalised) may repeat: はい, そうですね, ありがとうございます.
MIN_REPEATED_LINE = 8
# The same for a language written in an alphabet, where 8 letters are a word or two: "Buenos
# días", "Muchas gracias", "¿Algo más?" may recur; "Quisiera un café con leche" not.
MIN_REPEATED_LINE_ALPHABETIC = 20
_CHARACTER_SCRIPTS = {"japanese", "han"}


def check_lesson(
    stages: Mapping[StageName, BaseModel | Mapping[str, Any]],
    plan: DomainPlan,
    kit: PrelessonKit | None,
    *,
    language: str = "ja",
) -> list[QualityIssue]:
    """Checks across the whole lesson: kit requirements met (words inflected too, grammar,
    phrases); every plan grammar function practised; enough plan words used; the plan's key
    expressions present; no line repeated across stages.

    ``language``: the descriptor's target language; words and patterns are matched in it
    (:func:`.words.uses_word`, :func:`.common.pattern_in`)."""
    by_name = {
        name: data if isinstance(data, BaseModel) else STAGE_MODELS[name].model_validate(data)
        for name, data in stages.items()
    }
    parsed = list(by_name.values())
    text = "\n".join(surfaces(stage) for stage in parsed)
    issues: list[QualityIssue] = []
    if set(by_name) >= set(STAGES):  # plan use and repeats are properties of a whole lesson
        issues += _plan_use(by_name, plan, language) + _repeated_lines(by_name, language)
        issues += _words_unused(by_name, language)
    if kit is None:
        return issues
    for i, word in enumerate(kit.required_words()):
        if not uses_word(text, word.surface, language):
            msg = f"required kit word {word.surface!r} appears nowhere in the lesson."
            issues.append(error("lesson.kit_word_missing", msg, f"$.kit.words[{i}]"))
    grammar_texts = [text] + [
        f"{g.pattern_ja}\n{g.explanation}"
        for stage in parsed
        if isinstance(stage, ContentStage)
        for g in stage.grammar
    ]
    for i, grammar in enumerate(kit.required_grammar()):
        if not pattern_in(grammar.pattern, grammar_texts, language):
            msg = f"required kit grammar {grammar.pattern!r} is neither explained nor used."
            issues.append(error("lesson.kit_grammar_missing", msg, f"$.kit.grammar[{i}]"))
    normalized = _norm(text, language)
    for i, phrase in enumerate(kit.required_phrases()):
        if _norm(phrase.text, language) not in normalized:
            msg = f"required kit phrase {phrase.text!r} appears nowhere in the lesson."
            issues.append(error("lesson.kit_phrase_missing", msg, f"$.kit.phrases[{i}]"))
    return issues


def _norm(text: str, language: str) -> str:
    """:func:`.common.norm`; outside Japanese also case-folded (a sentence capitalises)."""
    return norm(text) if is_japanese(language) else norm(text).casefold()


def _plan_use(
    stages: Mapping[StageName, BaseModel], plan: DomainPlan, language: str
) -> list[QualityIssue]:
    """Grammar practised, plan words and key expressions used in the texts a learner works with
    (dialogue, reading, examples, model answers, role-plays; a word list is not use)."""
    issues: list[QualityIssue] = []
    text = "\n".join(t.surface for _, _, t in _lines(stages))
    practised: set[str] = set()
    production = stages.get("production")
    if isinstance(production, ProductionStage):
        practised |= {t.grammar_id for t in production.tasks}
    interaction = stages.get("interaction")
    if isinstance(interaction, InteractionStage):
        practised |= {g for rp in interaction.role_plays for g in rp.grammar_ids}
    if production is not None and interaction is not None:
        for i, gf in enumerate(plan.grammar_functions):
            if gf.id not in practised:
                msg = f"plan grammar function {gf.id} ({gf.pattern_ja}) is practised in no stage."
                issues.append(error("lesson.grammar_unused", msg, f"$.plan.grammar_functions[{i}]"))
    items = set(plan.all_items())
    wanted = min(MIN_PLAN_WORDS, len(items))
    used = items_used(text, plan, language)
    if len(used) < wanted:
        msg = f"the stages use {len(used)} of the plan's {len(items)} words; expected {wanted}."
        issues.append(warning("lesson.plan_words_unused", msg, "$.plan.lex_buckets"))
    normalized = _norm(text, language)
    for i, expression in enumerate(plan.key_expressions):
        if _norm(expression, language) not in normalized and not uses_word(
            text, expression, language
        ):
            msg = f"key expression {expression!r} appears in no stage."
            issues.append(
                error("lesson.key_expression_missing", msg, f"$.plan.key_expressions[{i}]")
            )
    return issues


# At most this many unused words are named in the warning.
_UNUSED_SHOWN = 8


def _words_unused(stages: Mapping[StageName, BaseModel], language: str) -> list[QualityIssue]:
    """Words the content lists that no text the learner works with uses: a teacher would drop
    them or use them (a dialogue variant left out can take a word's only sentence with it)."""
    if not is_japanese(language):
        return []  # only Japanese words are matched in their inflected forms (cuesta, costar)
    content = stages.get("content")
    if not isinstance(content, ContentStage) or content.lesson_kind != "dialogue_and_reading":
        return []  # a vocabulary-and-grammar lesson teaches its words through their examples
    text = "\n".join(t.surface for _, _, t in _lines(stages))
    listed = [w.text.surface for w in content.words]
    unused = [word for word in listed if not uses_word(text, word, language)]
    if not unused:
        return []
    shown = ", ".join(unused[:_UNUSED_SHOWN]) + ("…" if len(unused) > _UNUSED_SHOWN else "")
    msg = (
        f"{len(unused)} of the {len(listed)} listed words appear in no dialogue, reading, "
        f"example, model answer or role-play: {shown}."
    )
    return [warning("lesson.words_unused", msg, "$.stages.content.data.words")]


def _lines(stages: Mapping[StageName, BaseModel]) -> Iterator[tuple[str, str, TargetText]]:
    """(group, path, text) of every line a learner reads as text, not as a word or phrase."""
    content = stages.get("content")
    if isinstance(content, ContentStage):
        turns = content.dialogue.turns if content.dialogue is not None else []
        for i, turn in enumerate(turns):
            yield "dialogue", f"$.stages.content.data.dialogue.turns[{i}].text", turn.text
        for i, sentence in enumerate(content.reading.sentences):
            yield "reading", f"$.stages.content.data.reading.sentences[{i}]", sentence
        for i, grammar in enumerate(content.grammar):
            for j, example in enumerate(grammar.examples):
                path = f"$.stages.content.data.grammar[{i}].examples[{j}]"
                yield "grammar examples", path, example
    production = stages.get("production")
    if isinstance(production, ProductionStage):
        for i, task in enumerate(production.tasks):
            path = f"$.stages.production.data.tasks[{i}].model_answer"
            yield "production", path, task.model_answer
    interaction = stages.get("interaction")
    if isinstance(interaction, InteractionStage):
        for i, rp in enumerate(interaction.role_plays):
            for j, line in enumerate(rp.partner_lines):
                path = f"$.stages.interaction.data.role_plays[{i}].partner_lines[{j}]"
                yield "role-play", path, line
            for j, line in enumerate(rp.useful_expressions):
                path = f"$.stages.interaction.data.role_plays[{i}].useful_expressions[{j}]"
                yield "expressions", path, line


def _repeated_lines(stages: Mapping[StageName, BaseModel], language: str) -> list[QualityIssue]:
    shortest = MIN_REPEATED_LINE
    if not is_japanese(language) and script_name_for(language) not in _CHARACTER_SCRIPTS:
        shortest = MIN_REPEATED_LINE_ALPHABETIC
    first: dict[str, tuple[str, str]] = {}
    issues: list[QualityIssue] = []
    for group, path, text in _lines(stages):
        if group == "expressions":  # useful expressions are meant to recur
            continue
        key = _norm(text.surface, language)
        if len(key) < shortest:
            continue
        if key in first and first[key][0] != group:
            where, first_path = first[key]
            msg = f"{text.surface!r} repeats a line of the {where} ({first_path})."
            issues.append(warning("lesson.line_repeated", msg, path))
        first.setdefault(key, (group, path))
    return issues


def lesson_text(stages: Mapping[StageName, Any]) -> str:
    """All target-language surfaces of a lesson, one per line."""
    return "\n".join(
        surfaces(d if isinstance(d, BaseModel) else STAGE_MODELS[n].model_validate(d))
        for n, d in stages.items()
    )
