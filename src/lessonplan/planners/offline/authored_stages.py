"""The four stages of an authored lesson, as the plan (and so the profile) selected them.

Every sentence is one an author wrote for this lesson, except where the pre-lesson kit asks for
something the lesson does not hold: then the sentence is a real Tatoeba example for that word or
pattern (:mod:`lessonplan.planners.offline.examples`), never a filled slot. Readings, furigana
and romaji are left to the Japanese text layer. Pure: no I/O.
"""

from __future__ import annotations

import re

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.lesson import (
    ComprehensionQuestion,
    ComprehensionStage,
    ContentStage,
    CultureNote,
    Dialogue,
    DialogueTurn,
    GrammarExplanation,
    InteractionStage,
    ProductionStage,
    ProductionTask,
    Reading,
    RolePlay,
    TargetText,
    WordEntry,
)
from lessonplan.domain.models import DomainPlan, GrammarFunction, PrelessonKit, Scenario
from lessonplan.planners.offline.authored import (
    STEPS,
    AuthoredDialogue,
    AuthoredLesson,
    AuthoredRolePlay,
    AuthoredText,
)
from lessonplan.planners.offline.choose import normalize_pattern
from lessonplan.planners.offline.examples import (
    Example,
    cefr_band,
    examples_for_word,
    sentences_containing,
    word_meaning,
)

MAX_ROLE_PLAYS = 2
KIT_EXAMPLES = 2
KIT_CANDIDATES = 20
# A sentence that ends in a です/ます form (a string test on the surface, not an analysis).
POLITE_END = re.compile(r"(です|ます|ました|ません|でした|ください|でしょう)[かね]?[。？！?!]?$")


def _tt(text: AuthoredText) -> TargetText:
    return TargetText(surface=text.surface, translation=text.translation)


def _example(example: Example) -> TargetText:
    return TargetText(surface=example.ja, translation=example.en)


def shown_dialogue(lesson: AuthoredLesson, plan: DomainPlan) -> AuthoredDialogue | None:
    """The authored dialogue the plan's first scenario names (its registers pick the variant)."""
    if not plan.scenarios:
        return None
    first = plan.scenarios[0]
    registers = [(r.label, r.register) for r in first.roles]
    named = [d for d in lesson.dialogues if d.scenario == first.name]
    exact = [d for d in named if [(r.label, r.register) for r in d.roles] == registers]
    found = exact or named
    return found[0] if found else None


def follows_plan(lesson: AuthoredLesson, plan: DomainPlan) -> bool:
    """Was this plan made from the authored lesson? Its first scenario is an authored dialogue
    (an LLM's plan, or a plan edited to another scenario, gets the vocabulary lesson)."""
    return shown_dialogue(lesson, plan) is not None


def grammar_id_for(lesson: AuthoredLesson, plan: DomainPlan, key: str) -> str | None:
    pattern = normalize_pattern(lesson.grammar_point(key).pattern_ja)
    for gf in plan.grammar_functions:
        if normalize_pattern(gf.pattern_ja) == pattern:
            return gf.id
    return None


def _authored_for(lesson: AuthoredLesson, gf: GrammarFunction) -> str | None:
    pattern = normalize_pattern(gf.pattern_ja)
    return next((g.key for g in lesson.grammar if normalize_pattern(g.pattern_ja) == pattern), None)


def pattern_examples(pattern: str, level: str, *, limit: int = KIT_EXAMPLES) -> list[Example]:
    """Real sentences that use a pattern (its longest kana/kanji run), easiest words first."""
    core = max(normalize_pattern(pattern).split("〜") or [""], key=len)
    found = sentences_containing(core, limit=limit, level=cefr_band(level))
    return found or sentences_containing(core, limit=limit)


# --- content ----------------------------------------------------------------------------------


def _words(
    lesson: AuthoredLesson, plan: DomainPlan, kit: PrelessonKit, known: set[str]
) -> list[WordEntry]:
    authored = {w.surface: w for w in lesson.words}
    kit_words = {w.surface.strip(): w for w in kit.required_words()}
    entries: list[WordEntry] = []
    for bucket in plan.lex_buckets:
        for item in bucket.items:
            word = authored.get(item)
            kit_word = kit_words.get(item)
            translation = (
                word.translation
                if word
                else (kit_word.meaning if kit_word and kit_word.meaning else word_meaning(item))
            )
            entries.append(
                WordEntry(
                    text=TargetText(surface=item, translation=translation),
                    bucket=bucket.name,
                    part_of_speech=word.pos if word else "",
                    from_kit=kit_word is not None,
                    known=item in known,
                )
            )
    return entries


def _grammar(lesson: AuthoredLesson, plan: DomainPlan) -> list[GrammarExplanation]:
    out: list[GrammarExplanation] = []
    for gf in plan.grammar_functions:
        key = _authored_for(lesson, gf)
        if key is not None:
            point = lesson.grammar_point(key)
            explanation, examples = point.explanation, [_tt(e) for e in point.examples]
        else:
            explanation = gf.notes_en or gf.label
            examples = [_example(e) for e in pattern_examples(gf.pattern_ja, lesson.level)]
        out.append(
            GrammarExplanation(
                grammar_id=gf.id,
                pattern_ja=gf.pattern_ja,
                explanation=explanation,
                examples=examples,
            )
        )
    return out


def _dialogue(dialogue: AuthoredDialogue, scenario: Scenario) -> Dialogue:
    registers = {r.label: r.register for r in dialogue.roles}
    return Dialogue(
        scenario=scenario.name,
        setting=dialogue.setting,
        turns=[
            DialogueTurn(
                speaker=t.speaker,
                register=registers[t.speaker],
                text=TargetText(surface=t.surface, translation=t.translation),
            )
            for t in dialogue.turns
        ],
    )


def build_content(
    lesson: AuthoredLesson, plan: DomainPlan, kit: PrelessonKit, known: set[str]
) -> ContentStage:
    dialogue = shown_dialogue(lesson, plan)
    assert dialogue is not None, "build_content needs a plan made from the lesson"
    phrases = [_tt(k) for k in lesson.key_expressions]
    phrases += [TargetText(surface=p.text, translation=p.meaning) for p in kit.required_phrases()]
    return ContentStage(
        objective=plan.communicative_function_en,
        objective_ja=plan.communicative_function_ja,
        lesson_kind="dialogue_and_reading",
        words=_words(lesson, plan, kit, known),
        grammar=_grammar(lesson, plan),
        dialogue=_dialogue(dialogue, plan.scenarios[0]),
        reading=Reading(
            title=lesson.reading.title,
            title_en=lesson.reading.title_en,
            text_type=lesson.text_type,
            sentences=[_tt(s) for s in lesson.reading.sentences],
        ),
        culture_notes=[
            CultureNote(theme_en=n.theme_en, theme_ja=n.theme_ja, body=n.body)
            for n in lesson.culture_notes
        ],
        phrases=phrases,
    )


# --- comprehension ----------------------------------------------------------------------------


def shown_dialogue_of(lesson: AuthoredLesson, dialogue: Dialogue | None) -> AuthoredDialogue | None:
    """The authored dialogue a content stage shows, recognised by its lines."""
    if dialogue is None:
        return None
    lines = [t.text.surface for t in dialogue.turns]
    return next((d for d in lesson.dialogues if [t.surface for t in d.turns] == lines), None)


def build_comprehension(
    lesson: AuthoredLesson, dialogue: Dialogue | None, reading: Reading
) -> ComprehensionStage | None:
    """The authored questions on the dialogue shown and on the reading; ``None`` when the
    content is not this lesson's (then the caller builds questions from the text it has)."""
    shown = shown_dialogue_of(lesson, dialogue)
    reading_lines = [s.surface for s in reading.sentences]
    if shown is None or reading_lines != [s.surface for s in lesson.reading.sentences]:
        return None
    dialogue_lines = [t.surface for t in shown.turns]
    questions: list[ComprehensionQuestion] = []
    for q in lesson.comprehension:
        lines = reading_lines if q.source == "reading" else dialogue_lines
        if q.source == "dialogue" and q.dialogue_id != shown.id:
            continue
        if not any(q.evidence in line for line in lines):
            continue
        questions.append(
            ComprehensionQuestion(
                id=f"q{len(questions) + 1}",
                source=q.source,
                kind=q.kind,
                question=q.question,
                options=list(q.options),
                answer=q.answer,
                evidence=q.evidence,
            )
        )
    return ComprehensionStage(questions=questions) if questions else None


# --- production -------------------------------------------------------------------------------


def _recycled(text: str, known: set[str]) -> list[str]:
    return sorted(k for k in known if contains_word(text, k))


def lesson_is_polite(lesson: AuthoredLesson) -> bool:
    return lesson.dialogues[0].learner_role.register == "polite"


def _kit_word_task(
    surface: str, meaning: str, lesson: AuthoredLesson
) -> tuple[str, TargetText] | None:
    """A model answer for a kit word: a Tatoeba example for it, else a sentence of the lesson
    that uses it (which then repeats a line the learner has read)."""
    found = examples_for_word(surface, limit=KIT_CANDIDATES)
    if found:
        # The word's own examples (熱, not 熱帯), in the lesson's register when one is.
        mine = [e for e in found if e.word == surface] or found
        polite = lesson_is_polite(lesson)
        fitting = [e for e in mine if POLITE_END.search(e.ja)] if polite else []
        return "an example sentence from Tatoeba", _example((fitting or mine)[0])
    lines = [t for d in lesson.dialogues for t in d.turns] + list(lesson.reading.sentences)
    own = next((t for t in lines if contains_word(t.surface, surface)), None)
    if own is not None:
        return "a line of this lesson", TargetText(surface=own.surface, translation=own.translation)
    return None


def build_production(
    lesson: AuthoredLesson, plan: DomainPlan, kit: PrelessonKit, known: set[str]
) -> ProductionStage:
    """Authored tasks controlled → guided → free; within a step, tasks that recycle the
    learner's known words first, then those of the plan's leading grammar."""
    order = {gf.id: i for i, gf in enumerate(plan.grammar_functions)}
    drafts: list[tuple[tuple[int, int, int, int], ProductionTask]] = []
    for i, task in enumerate(lesson.production):
        gid = grammar_id_for(lesson, plan, task.grammar)
        if gid is None:
            continue
        recycled = _recycled(task.model_answer.surface, known)
        drafts.append(
            (
                (STEPS.index(task.step), -len(recycled), order[gid], i),
                ProductionTask(
                    id="",
                    grammar_id=gid,
                    instruction=task.instruction,
                    vocabulary=list(task.vocabulary),
                    model_answer=_tt(task.model_answer),
                    known_words=recycled,
                ),
            )
        )
    tasks = [t for _, t in sorted(drafts, key=lambda d: d[0])]
    tasks += kit_tasks(lesson, plan, kit, known)
    return ProductionStage(
        tasks=[t.model_copy(update={"id": f"p{i + 1}"}) for i, t in enumerate(tasks)]
    )


def _grammar_of_sentence(plan: DomainPlan, surface: str) -> str:
    for gf in plan.grammar_functions:
        core = max(normalize_pattern(gf.pattern_ja).split("〜") or [""], key=len)
        if core and core in surface:
            return gf.id
    return plan.grammar_functions[0].id


def kit_tasks(
    lesson: AuthoredLesson, plan: DomainPlan, kit: PrelessonKit, known: set[str]
) -> list[ProductionTask]:
    """One task per kit word the authored tasks do not practise, and per kit grammar point
    the lesson does not teach, each with a real sentence as its model answer."""
    practised = "\n".join(
        f"{t.model_answer.surface}\n{' '.join(t.vocabulary)}" for t in lesson.production
    )
    tasks: list[ProductionTask] = []
    for word in kit.required_words():
        surface = word.surface.strip()
        if not surface or contains_word(practised, surface):
            continue
        found = _kit_word_task(surface, word.meaning, lesson)
        if found is None:
            continue
        origin, answer = found
        meaning = f" ({word.meaning})" if word.meaning else ""
        tasks.append(
            ProductionTask(
                id="",
                grammar_id=_grammar_of_sentence(plan, answer.surface),
                instruction=(
                    f"Pre-lesson kit word {surface}{meaning}: write a sentence of your own with "
                    f"it. The model answer is {origin}."
                ),
                vocabulary=[surface],
                model_answer=answer,
                known_words=_recycled(answer.surface, known),
            )
        )
    for gf in plan.grammar_functions:
        if _authored_for(lesson, gf) is not None:
            continue
        found_examples = pattern_examples(gf.pattern_ja, lesson.level, limit=1)
        if not found_examples:
            continue
        answer = _example(found_examples[0])
        tasks.append(
            ProductionTask(
                id="",
                grammar_id=gf.id,
                instruction=(
                    f"Pre-lesson kit grammar {gf.pattern_ja} ({gf.label}): write a sentence "
                    "with it about this lesson's situation. The model answer is an example "
                    "sentence from Tatoeba."
                ),
                vocabulary=[],
                model_answer=answer,
                known_words=_recycled(answer.surface, known),
            )
        )
    return tasks


# --- interaction ------------------------------------------------------------------------------


def _scenario_for(rp: AuthoredRolePlay, scenarios: list[Scenario]) -> Scenario | None:
    def has_roles(s: Scenario) -> bool:
        labels = {r.label for r in s.roles}
        return rp.learner_role in labels and rp.partner_role in labels

    named = [s for s in scenarios if s.name == rp.scenario and has_roles(s)]
    found = named or [s for s in scenarios if has_roles(s)]
    return found[0] if found else None


def shown_role_plays(
    lesson: AuthoredLesson, scenarios: list[Scenario]
) -> list[tuple[AuthoredRolePlay, Scenario]]:
    """The authored role-plays a lesson on these scenarios shows, each with its scenario: those
    whose two roles a scenario has, on the learner's register first, at most MAX_ROLE_PLAYS.
    The plan's success criteria come from these cards, and the interaction stage shows them."""
    drafts: list[tuple[tuple[int, int], AuthoredRolePlay, Scenario]] = []
    for i, rp in enumerate(lesson.role_plays):
        scenario = _scenario_for(rp, scenarios)
        if scenario is None:
            continue
        learner = next(r for r in scenario.roles if r.label == rp.learner_role)
        drafts.append(((int(learner.register != rp.register), i), rp, scenario))
    return [(rp, scenario) for _, rp, scenario in sorted(drafts, key=lambda d: d[0])][
        :MAX_ROLE_PLAYS
    ]


def build_interaction(lesson: AuthoredLesson, plan: DomainPlan) -> InteractionStage:
    """Role-plays that build on the plan's scenarios: on the shown dialogue's register first."""
    chosen: list[RolePlay] = []
    for rp, scenario in shown_role_plays(lesson, plan.scenarios):
        title = "" if scenario.name == rp.scenario else rp.scenario  # the card's own heading
        grammar_ids = [gid for key in rp.grammar if (gid := grammar_id_for(lesson, plan, key))]
        chosen.append(
            RolePlay(
                id="",
                scenario=scenario.name,
                title=title,
                setting=rp.setting.strip(),
                learner_role=rp.learner_role,
                partner_role=rp.partner_role,
                register=rp.register,
                goal=rp.goal,
                partner_lines=[_tt(p) for p in rp.partner_lines],
                useful_expressions=[_tt(p) for p in rp.useful_expressions],
                grammar_ids=grammar_ids,
                success_criteria=list(rp.success_criteria),
            )
        )
    return InteractionStage(
        role_plays=[rp.model_copy(update={"id": f"r{i + 1}"}) for i, rp in enumerate(chosen)]
    )
