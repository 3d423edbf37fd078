"""The content and comprehension stages, written from the plan.

Content teaches the plan: its words (with readings), one explanation per grammar function, a
dialogue in the first scenario with its roles and registers, a reading built on bucket items, and
the plan's cultural themes. Comprehension reads only the content stage, so it also works on
content an LLM wrote: every question quotes the sentence that answers it.
"""

from __future__ import annotations

from lessonplan.domain.hashing import sha256_hex
from lessonplan.domain.lesson import (
    ComprehensionQuestion,
    ComprehensionStage,
    ContentStage,
    CultureNote,
    Dialogue,
    DialogueTurn,
    GrammarExplanation,
    Reading,
    TargetText,
    WordEntry,
)
from lessonplan.domain.models import DomainPlan, GrammarFunction, PrelessonKit, Register
from lessonplan.planners.offline.data import Curriculum
from lessonplan.planners.offline.fill import (
    Fillers,
    PlanWords,
    free_text,
    kit_word,
    learner_and_partner,
    line,
    marker_text,
    opener,
    plan_words,
    word_text,
)
from lessonplan.planners.offline.kana import romanize
from lessonplan.planners.offline.lexicon import reading_of
from lessonplan.planners.offline.plan import find_pattern
from lessonplan.planners.offline.text import Word, render

KIT_WORDS_PER_TURN = 4


def _words(
    plan: DomainPlan, words: PlanWords, kit: PrelessonKit, curriculum: Curriculum
) -> list[WordEntry]:
    kit_surfaces = [w.surface.strip() for w in kit.required_words()]
    by_surface = {w.surface: w for w in words.words}
    entries: list[WordEntry] = []
    seen: set[str] = set()
    for item in plan.all_items():
        word = by_surface.get(item)
        if word is None or item in seen:
            continue
        seen.add(item)
        entries.append(
            WordEntry(
                text=word_text(word),
                bucket=words.buckets.get(item, ""),
                part_of_speech=word.pos,
                from_kit=item in kit_surfaces,
            )
        )
    for surface in kit_surfaces:
        if surface in seen:
            continue
        seen.add(surface)
        word = kit_word(surface, kit, curriculum)
        entries.append(
            WordEntry(
                text=word_text(word),
                bucket="Pre-lesson kit",
                part_of_speech=word.pos,
                from_kit=True,
            )
        )
    if not entries:
        fallback = curriculum.lexicon["町"]
        entries.append(WordEntry(text=word_text(fallback), bucket="", part_of_speech=fallback.pos))
    return entries


def grammar_examples(
    gf: GrammarFunction, fillers: Fillers, curriculum: Curriculum, offset: int
) -> tuple[str, list[TargetText]]:
    """An explanation and 1–2 examples: one built from plan words, one from the data."""
    pattern = find_pattern(gf.pattern_ja, gf.label, curriculum)
    if pattern is None:
        template, translation = curriculum.meta_example
        slots = fillers.slots_for(template, offset)
        reading = reading_of(gf.pattern_ja, curriculum, partial=True) or gf.pattern_ja
        slots["P"] = Word(gf.pattern_ja, reading, romanize(reading), gf.pattern_ja, "noun")
        example = render(template, slots, translation)
        note = gf.notes_en or "See how the pattern is used in the dialogue."
        return f"{gf.label}: {note}", [example]
    built = render(
        pattern.frame, fillers.slots_for(pattern.frame, offset), pattern.frame_translation
    )
    return f"{gf.label}: {pattern.notes_en}", [built, pattern.examples[0]]


def _turn(speaker: str, register: Register, text: TargetText) -> DialogueTurn:
    return DialogueTurn(speaker=speaker, register=register, text=text)


def _dialogue(
    plan: DomainPlan, fillers: Fillers, kit: PrelessonKit, curriculum: Curriculum
) -> Dialogue:
    scenario = plan.scenarios[0]
    learner, partner = learner_and_partner(scenario, curriculum)
    partner_label = partner.label if partner else learner.label
    partner_register: Register = partner.register if partner else learner.register
    slots = fillers.standard()
    turns = [
        _turn(
            partner_label,
            partner_register,
            line(opener(scenario, curriculum), partner_register, slots),
        )
    ]
    for key in ("ask", "describe", "follow", "instruct", "confirm", "advise"):
        template = curriculum.dialogue[key]
        is_learner = template.speaker == "learner"
        speaker = learner.label if is_learner else partner_label
        register = learner.register if is_learner else partner_register
        turns.append(_turn(speaker, register, line(template.line, register, slots)))
    kit_surfaces = list(dict.fromkeys(w.surface.strip() for w in kit.required_words()))
    for start in range(0, len(kit_surfaces), KIT_WORDS_PER_TURN):
        group = [
            kit_word(s, kit, curriculum) for s in kit_surfaces[start : start + KIT_WORDS_PER_TURN]
        ]
        listed = Word(
            surface="、".join(f"「{w.surface}」" for w in group),
            reading="、".join(f"「{w.reading}」" for w in group),
            romaji=", ".join(f'"{w.romaji}"' for w in group),
            meaning=", ".join(f'"{w.surface}" ({w.meaning})' for w in group),
            pos="noun",
        )
        template = curriculum.dialogue["kit_words"]
        turns.append(
            _turn(
                partner_label,
                partner_register,
                line(template.line, partner_register, {"K": listed}),
            )
        )
    for phrase in kit.required_phrases():
        turns.append(
            _turn(
                learner.label, learner.register, free_text(phrase.text, phrase.meaning, curriculum)
            )
        )
    for key in ("close", "reply"):
        template = curriculum.dialogue[key]
        is_learner = template.speaker == "learner"
        speaker = learner.label if is_learner else partner_label
        register = learner.register if is_learner else partner_register
        turns.append(_turn(speaker, register, line(template.line, register, slots)))
    return Dialogue(scenario=scenario.name, setting=scenario.setting, turns=turns)


def _reading(fillers: Fillers, curriculum: Curriculum) -> Reading:
    slots = fillers.standard()
    title_template, title_translation = curriculum.reading_title
    title = render(title_template, slots, title_translation)
    sentences = [
        render(template, slots, translation) for template, translation in curriculum.reading
    ]
    return Reading(title=title.surface, sentences=sentences)


def build_content(
    plan: DomainPlan, kit: PrelessonKit, curriculum: Curriculum, objective_prefix: str = "You can"
) -> ContentStage:
    words = plan_words(plan, curriculum, kit)
    fillers = Fillers(words, curriculum)
    grammar = []
    for i, gf in enumerate(plan.grammar_functions):
        explanation, examples = grammar_examples(gf, fillers, curriculum, i)
        grammar.append(
            GrammarExplanation(
                grammar_id=gf.id,
                pattern_ja=gf.pattern_ja,
                explanation=explanation,
                examples=examples,
            )
        )
    scenario_name = plan.scenarios[0].name
    notes = [
        CultureNote(
            theme_en=en,
            theme_ja=ja,
            body=f"{en} Notice where this matters in “{scenario_name}”, and compare it with "
            "what you know.",
        )
        for en, ja in zip(plan.cultural_themes_en, plan.cultural_themes_ja, strict=False)
    ]
    phrases = [free_text(p.text, p.meaning, curriculum) for p in kit.required_phrases()]
    for surface in plan.evaluation.discourse_markers:
        marker = marker_text(surface, curriculum)
        if marker is not None:
            phrases.append(marker)
    function = plan.communicative_function_en
    return ContentStage(
        objective=f"{objective_prefix} {function[:1].lower()}{function[1:]}.",
        objective_ja=plan.communicative_function_ja,
        words=_words(plan, words, kit, curriculum),
        grammar=grammar,
        dialogue=_dialogue(plan, fillers, kit, curriculum),
        reading=_reading(fillers, curriculum),
        culture_notes=notes,
        phrases=phrases,
    )


def _options(answer: str, others: list[str], seed: str) -> list[str]:
    """Up to four distinct options with the answer at a position fixed by ``seed``."""
    distractors = [o for o in dict.fromkeys(others) if o and o != answer][:3]
    position = int(sha256_hex(seed)[:8], 16) % (len(distractors) + 1)
    return [*distractors[:position], answer, *distractors[position:]]


def build_comprehension(
    dialogue: Dialogue, reading: Reading, words: list[WordEntry]
) -> ComprehensionStage:
    """Six questions, three on the dialogue and three on the reading, each quoting its evidence.

    Reads only what the comprehension prompt carries (dialogue, reading, words), so it also
    answers for content an LLM wrote.
    """
    turns = dialogue.turns
    sentences = reading.sentences
    t1, t2, t3 = (turns[i % len(turns)] for i in (1, 2, 3))
    s0, s1, s2 = (sentences[i % len(sentences)] for i in (0, 1, 2))
    seed = dialogue.scenario + reading.title
    questions = [
        ComprehensionQuestion(
            id="q1",
            source="dialogue",
            kind="multiple_choice",
            question=f"What does the {t1.speaker.lower()} mean by 「{t1.text.surface}」?",
            options=_options(t1.text.translation, [t.text.translation for t in turns], seed + "q1"),
            answer=t1.text.translation,
            evidence=t1.text.surface,
        ),
        ComprehensionQuestion(
            id="q2",
            source="dialogue",
            kind="short_answer",
            question=f"Who says 「{t2.text.surface}」 in the dialogue?",
            answer=t2.speaker,
            evidence=t2.text.surface,
        ),
        ComprehensionQuestion(
            id="q3",
            source="dialogue",
            kind="true_false",
            question=f"True or false: the {t3.speaker.lower()} says “{t3.text.translation}”",
            options=["True", "False"],
            answer="True",
            evidence=t3.text.surface,
        ),
        ComprehensionQuestion(
            id="q4",
            source="reading",
            kind="multiple_choice",
            question=f"What does 「{s0.surface}」 in the reading mean?",
            options=_options(s0.translation, [s.translation for s in sentences], seed + "q4"),
            answer=s0.translation,
            evidence=s0.surface,
        ),
        ComprehensionQuestion(
            id="q5",
            source="reading",
            kind="true_false",
            question=f"True or false: the reading says “{s1.translation}”",
            options=["True", "False"],
            answer="True",
            evidence=s1.surface,
        ),
    ]
    for sentence in [s2, *sentences]:
        present = [w.text for w in words if w.text.surface in sentence.surface]
        if not present:
            continue
        word = max(present, key=lambda t: len(t.surface))
        questions.append(
            ComprehensionQuestion(
                id="q6",
                source="reading",
                kind="short_answer",
                question=f"Which word from the word list appears in 「{sentence.surface}」?",
                answer=f"{word.surface} ({word.translation})",
                evidence=sentence.surface,
            )
        )
        break
    return ComprehensionStage(questions=questions)
