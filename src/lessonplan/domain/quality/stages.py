"""Stage checks: does a stage use its plan, and is it a lesson a teacher can teach from?

Plan use: cited grammar ids, scenarios, roles, vocabulary, evidence. Teaching quality: readings
and romaji agree with the text layer, translations are in the metalanguage, each role speaks in
its register, no request of a non-volitional verb, true/false keys balanced, answers grounded in
one line of the text, 20–30 words mostly within the level's JLPT band.

``language`` is the descriptor's target language. The checks that read Japanese (readings and
romaji, roles reversed, replies and family words, いる for things, the JLPT band) run for
Japanese only; registers are read from です/ます in Japanese and from forms of address where a
language has unambiguous ones (:mod:`.address`: Spanish usted/tú); plan-word use is matched by
:func:`.words.uses_word` in the language, and every other check is language-neutral.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import (
    STAGE_MODELS,
    ComprehensionStage,
    ContentStage,
    Dialogue,
    InteractionStage,
    ProductionStage,
    StageName,
    TargetText,
)
from lessonplan.domain.models import DomainPlan, PrelessonKit, Register, Scenario
from lessonplan.domain.quality.address import address_registers, has_address_forms
from lessonplan.domain.quality.common import (
    ABOVE_LEVEL_SHARE,
    ABOVE_LEVEL_SHARE_HARD,
    LESSON_WORDS,
    LESSON_WORDS_HARD,
    MIN_DIALOGUE_ITEMS,
    MIN_INTERACTION_ITEMS,
    MIN_PRODUCTION_ITEMS,
    error,
    find_scenario,
    items_used,
    norm,
    surfaces,
    target_texts,
    warning,
)
from lessonplan.domain.quality.discourse import dialogue_discourse_issues
from lessonplan.domain.quality.roles import roles_reversed_issues
from lessonplan.domain.quality.scripts import is_japanese
from lessonplan.domain.quality.text import check_text_fields
from lessonplan.domain.quality.words import uses_word
from lessonplan.japanese import above, annotate, jlpt_for_cefr, word_level
from lessonplan.japanese.grammar import line_registers


def check_stage(
    stage: StageName,
    data: BaseModel | Mapping[str, Any],
    plan: DomainPlan,
    kit: PrelessonKit | None = None,
    *,
    content: ContentStage | Mapping[str, Any] | None = None,
    metalanguage: str = "en",
    language: str = "ja",
) -> list[QualityIssue]:
    """Every check of one stage; paths are relative to the stage's data (``$.dialogue``...).

    ``language``: the descriptor's target language (Japanese unless told otherwise)."""
    model = STAGE_MODELS[stage]
    parsed = data if isinstance(data, model) else model.model_validate(data)
    issues = check_text_fields(parsed, metalanguage=metalanguage, language=language)
    if isinstance(parsed, ContentStage):
        return issues + _check_content(parsed, plan, kit, language)
    if isinstance(parsed, ComprehensionStage):
        parsed_content = None if content is None else ContentStage.model_validate(content)
        return issues + _check_comprehension(parsed, parsed_content)
    if isinstance(parsed, ProductionStage):
        return issues + _check_production(parsed, plan, kit, language)
    assert isinstance(parsed, InteractionStage)
    return issues + _check_interaction(parsed, plan, language)


def _grammar_id_issue(grammar_id: str, plan: DomainPlan, path: str) -> list[QualityIssue]:
    if grammar_id in plan.grammar_ids():
        return []
    msg = f"grammar id {grammar_id!r} is not a grammar function of the plan."
    return [error("stage.grammar_id", msg, path)]


def _vocabulary_issue(
    code: str, what: str, text: str, plan: DomainPlan, minimum: int, path: str, language: str
) -> list[QualityIssue]:
    wanted = min(minimum, len(set(plan.all_items())))
    used = items_used(text, plan, language)
    if len(used) >= wanted:
        return []
    msg = f"{what} uses {len(used)} of the plan's bucket items; expected at least {wanted}."
    return [error(code, msg, path)]


def _check_content(
    content: ContentStage, plan: DomainPlan, kit: PrelessonKit | None, language: str
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for i, explanation in enumerate(content.grammar):
        issues += _grammar_id_issue(explanation.grammar_id, plan, f"$.grammar[{i}].grammar_id")
    explained = {g.grammar_id for g in content.grammar}
    for gf in plan.grammar_functions:
        if gf.id not in explained:
            msg = f"plan grammar function {gf.id} ({gf.pattern_ja}) has no explanation."
            issues.append(warning("content.grammar_coverage", msg, "$.grammar"))
    # A vocabulary-and-grammar lesson (no authored dialogue) has none; one, when there, is
    # checked against the plan.
    dialogue = content.dialogue
    if dialogue is not None:
        issues += _check_dialogue(dialogue, plan, language)
    issues += _word_count_issues(content, plan, language)
    if kit is not None:
        words = "\n".join(w.text.surface for w in content.words)
        for i, word in enumerate(kit.required_words()):
            if not uses_word(words, word.surface, language):
                msg = (
                    f"required kit word {word.surface!r} (kit.words[{i}]) is not in the word list."
                )
                issues.append(warning("content.kit_word", msg, "$.words"))
    return issues


def _check_dialogue(dialogue: Dialogue, plan: DomainPlan, language: str) -> list[QualityIssue]:
    japanese = is_japanese(language)
    issues: list[QualityIssue] = []
    scenario = find_scenario(plan, dialogue.scenario)
    if scenario is None:
        msg = f"dialogue scenario {dialogue.scenario!r} is not a scenario of the plan."
        issues.append(error("dialogue.scenario", msg, "$.dialogue.scenario"))
    else:
        labels = {r.label.strip().casefold() for r in scenario.roles}
        for i, turn in enumerate(dialogue.turns):
            if turn.speaker.strip().casefold() not in labels:
                msg = f"speaker {turn.speaker!r} is not a role of scenario {scenario.name!r}."
                issues.append(error("dialogue.speaker", msg, f"$.dialogue.turns[{i}].speaker"))
        lines = [
            (f"$.dialogue.turns[{i}].text.surface", turn.speaker, turn.text)
            for i, turn in enumerate(dialogue.turns)
        ]
        issues += _register_issues(lines, scenario, "dialogue", "$.dialogue.turns", language)
        issues += _turn_register_labels(dialogue, scenario)
    issues += _same_speaker_twice(dialogue)
    if japanese:  # Japanese replies, family words and a Japanese topic lexicon
        issues += dialogue_discourse_issues(dialogue)
        issues += roles_reversed_issues(dialogue)
    issues += _vocabulary_issue(
        "dialogue.vocabulary",
        "the dialogue",
        surfaces(dialogue),
        plan,
        MIN_DIALOGUE_ITEMS,
        "$.dialogue.turns",
        language,
    )
    return issues


def _same_speaker_twice(dialogue: Dialogue) -> list[QualityIssue]:
    """Two turns in a row by one speaker: the other's reply is missing between them (a model
    dropped it, or skipped time without a word), or one turn was split in two."""
    issues: list[QualityIssue] = []
    turns = dialogue.turns
    for i in range(1, len(turns)):
        speaker = turns[i].speaker.strip()
        if speaker.casefold() == turns[i - 1].speaker.strip().casefold():
            msg = (
                f"turns {i - 1} and {i} are both spoken by {speaker!r}: the other speaker's reply "
                "is missing between them, or they are one turn."
            )
            issues.append(warning("dialogue.same_speaker_twice", msg, f"$.dialogue.turns[{i}]"))
    return issues


def _check_comprehension(
    stage: ComprehensionStage, content: ContentStage | None
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    keys: list[tuple[int, str]] = []
    for i, q in enumerate(stage.questions):
        path = f"$.questions[{i}]"
        if (
            q.kind == "multiple_choice"
            and q.options
            and norm(q.answer) not in {norm(o) for o in q.options}
        ):
            msg = f"question {q.id!r}: the answer {q.answer!r} is not one of its options."
            issues.append(error("comprehension.answer", msg, f"{path}.answer"))
        if q.kind == "true_false":
            key = _TF_KEYS.get(q.answer.strip().casefold())
            if key is None:
                msg = f"question {q.id!r}: a true/false answer is True or False, not {q.answer!r}."
                issues.append(error("comprehension.tf_answer", msg, f"{path}.answer"))
            else:
                keys.append((i, key))
        if content is None:
            continue
        if not q.evidence.strip():
            msg = f"question {q.id!r} quotes no evidence from the {q.source}."
            issues.append(warning("comprehension.evidence_missing", msg, f"{path}.evidence"))
            continue
        source = content.dialogue if q.source == "dialogue" else content.reading
        if source is None:
            msg = f"question {q.id!r} asks about a dialogue the lesson does not have."
            issues.append(error("comprehension.evidence", msg, f"{path}.source"))
            continue
        evidence = norm(q.evidence)
        lines = [
            {norm(t.surface), norm(t.reading), norm(t.translation)} - {""}
            for t in target_texts(source)
        ]
        if not any(evidence in field for line in lines for field in line):
            msg = (
                f"question {q.id!r}: the evidence {q.evidence!r} is not a quote of one line "
                f"of the {q.source}."
            )
            issues.append(error("comprehension.evidence", msg, f"{path}.evidence"))
    if len(keys) >= 2 and len({key for _, key in keys}) == 1:
        msg = (
            f"all {len(keys)} true/false questions have the answer {keys[0][1]}: "
            "a learner who always answers the same scores full marks."
        )
        issues.append(error("comprehension.tf_unbalanced", msg, "$.questions"))
    return issues


def _check_production(
    stage: ProductionStage, plan: DomainPlan, kit: PrelessonKit | None, language: str
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    known = set(plan.all_items()) | {w.surface for w in (kit.words if kit else [])}
    for i, task in enumerate(stage.tasks):
        issues += _grammar_id_issue(task.grammar_id, plan, f"$.tasks[{i}].grammar_id")
        for j, word in enumerate(task.vocabulary):
            if word not in known:
                msg = f"task {task.id!r} lists {word!r}, which is not a plan bucket item."
                issues.append(
                    warning("production.vocabulary_unknown", msg, f"$.tasks[{i}].vocabulary[{j}]")
                )
    text = surfaces(stage) + "\n" + "\n".join(w for t in stage.tasks for w in t.vocabulary)
    issues += _vocabulary_issue(
        "production.vocabulary",
        "the production tasks",
        text,
        plan,
        MIN_PRODUCTION_ITEMS,
        "$.tasks",
        language,
    )
    return issues


def _check_interaction(
    stage: InteractionStage, plan: DomainPlan, language: str
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for i, rp in enumerate(stage.role_plays):
        path = f"$.role_plays[{i}]"
        for j, grammar_id in enumerate(rp.grammar_ids):
            issues += _grammar_id_issue(grammar_id, plan, f"{path}.grammar_ids[{j}]")
        scenario = find_scenario(plan, rp.scenario)
        if scenario is None:
            msg = f"role-play scenario {rp.scenario!r} is not a scenario of the plan."
            issues.append(error("interaction.scenario", msg, f"{path}.scenario"))
            continue
        roles = {r.label.strip().casefold(): r for r in scenario.roles}
        for field in ("learner_role", "partner_role"):
            label = getattr(rp, field)
            if label.strip().casefold() not in roles:
                msg = f"{field} {label!r} is not a role of scenario {scenario.name!r}."
                issues.append(error("interaction.role", msg, f"{path}.{field}"))
        learner = roles.get(rp.learner_role.strip().casefold())
        if learner is not None and learner.register != rp.register:
            msg = f"register {rp.register!r} is not {learner.label!r}'s {learner.register!r}."
            issues.append(warning("interaction.register", msg, f"{path}.register"))
        lines = [
            (f"{path}.partner_lines[{j}].surface", rp.partner_role, line)
            for j, line in enumerate(rp.partner_lines)
        ]
        issues += _register_issues(lines, scenario, "role-play", f"{path}.partner_lines", language)
        issues += _criteria_register(rp.register, [rp.goal, *rp.success_criteria], path)
    issues += _vocabulary_issue(
        "interaction.vocabulary",
        "the role-plays",
        surfaces(stage),
        plan,
        MIN_INTERACTION_ITEMS,
        "$.role_plays",
        language,
    )
    return issues


_TF_KEYS = {"true": "True", "false": "False", "t": "True", "f": "False"}


# --- register ---------------------------------------------------------------------------------

_MENTIONS: dict[Register, re.Pattern[str]] = {
    "polite": re.compile(r"polite|丁寧|です|ます|keigo|敬語|formal", re.IGNORECASE),
    "plain": re.compile(r"\bplain\b|casual|普通体|常体|タメ口|informal", re.IGNORECASE),
}


def _line_registers(surface: str, language: str) -> list[tuple[str, Register]]:
    """です/ます against plain forms in Japanese; forms of address (usted, tú) elsewhere."""
    if is_japanese(language):
        return line_registers(surface)
    return address_registers(surface, language)


def _register_issues(
    lines: list[tuple[str, str, TargetText]],
    scenario: Scenario,
    where: str,
    path: str,
    language: str = "ja",
) -> list[QualityIssue]:
    """Each role's lines in that role's register: a warning per line, an error per role whose
    lines are mostly in the other register. A language with no register markers: none."""
    if not is_japanese(language) and not has_address_forms(language):
        return []
    roles = {r.label.strip().casefold(): r for r in scenario.roles}
    issues: list[QualityIssue] = []
    tally: dict[str, list[int]] = {}
    for line_path, speaker, text in lines:
        role = roles.get(speaker.strip().casefold())
        if role is None or role.register == "neutral":
            continue
        marked = [
            (s, reg) for s, reg in _line_registers(text.surface, language) if reg != "neutral"
        ]
        if not marked:
            continue
        wrong = [s for s, reg in marked if reg != role.register]
        counts = tally.setdefault(role.label, [0, 0])
        counts[0] += 1
        if wrong:
            counts[1] += 1
            msg = (
                f"{role.label} ({role.register}) says {wrong[0]!r}, which is "
                f"{'plain' if role.register == 'polite' else 'polite'}."
            )
            issues.append(warning("register.line", msg, line_path))
    for label, (total, wrong_count) in tally.items():
        if wrong_count * 2 > total:
            register = roles[label.strip().casefold()].register
            msg = (
                f"{wrong_count} of {label}'s {total} lines in the {where} are not in the role's "
                f"{register} register."
            )
            issues.append(error("register.role", msg, path))
    return issues


def _turn_register_labels(dialogue: Dialogue, scenario: Scenario) -> list[QualityIssue]:
    roles = {r.label.strip().casefold(): r for r in scenario.roles}
    issues: list[QualityIssue] = []
    for i, turn in enumerate(dialogue.turns):
        role = roles.get(turn.speaker.strip().casefold())
        if role is not None and role.register != turn.register:
            msg = (
                f"turn {i} is labelled {turn.register!r} but {role.label} speaks "
                f"{role.register!r} in the plan."
            )
            issues.append(warning("dialogue.register", msg, f"$.dialogue.turns[{i}].register"))
    return issues


def _criteria_register(register: Register, texts: list[str], path: str) -> list[QualityIssue]:
    if register == "neutral":
        return []
    other: Register = "plain" if register == "polite" else "polite"
    for text in texts:
        if _MENTIONS[other].search(text) and not _MENTIONS[register].search(text):
            msg = f"a {register} role-play is graded on the {other} register: {text!r}."
            return [error("interaction.criteria_register", msg, f"{path}.success_criteria")]
    return []


# --- vocabulary size and level ----------------------------------------------------------------


def _entry_level(surface: str) -> str | None:
    level = word_level(surface)
    if level is not None:
        return level
    tokens = [t for t in annotate(surface).tokens if not t.is_punctuation]
    if len(tokens) == 1 or (tokens and tokens[-1].lemma in {"為る"}):
        return word_level(tokens[0].base) or word_level(tokens[0].lemma)
    return None


def _word_count_issues(
    content: ContentStage, plan: DomainPlan, language: str
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    count = len(content.words)
    low, high = LESSON_WORDS
    if not LESSON_WORDS_HARD[0] <= count <= LESSON_WORDS_HARD[1]:
        msg = f"the lesson teaches {count} words; a lesson teaches about {low}–{high}."
        issues.append(error("content.words_count", msg, "$.words"))
    elif not low <= count <= high:
        msg = f"the lesson teaches {count} words; about {low}–{high} is the range."
        issues.append(warning("content.words_count", msg, "$.words"))
    if not is_japanese(language):  # the JLPT bands and word levels are Japanese
        return issues
    band = jlpt_for_cefr(plan.level)
    levels = [(w.text.surface, _entry_level(w.text.surface)) for w in content.words]
    tagged = [(s, lv) for s, lv in levels if lv is not None]
    if not tagged:
        return issues
    hard = [s for s, lv in tagged if above(lv, band)]  # type: ignore[arg-type]
    share = len(hard) / len(tagged)
    msg = (
        f"{len(hard)} of {len(tagged)} JLPT-tagged words ({share:.0%}) are above {band}, the band "
        f"of {plan.level}: {', '.join(hard[:6])}{'…' if len(hard) > 6 else ''}."
    )
    if share > ABOVE_LEVEL_SHARE_HARD:
        issues.append(error("content.words_above_level", msg, "$.words"))
    elif share > ABOVE_LEVEL_SHARE:
        issues.append(warning("content.words_above_level", msg, "$.words"))
    return issues
