"""An honest lesson for a plan without an authored lesson: vocabulary and grammar with real
example sentences.

A user's imported descriptor (or an LLM plan whose stages fall back to the offline planner)
has no dialogue anybody wrote for it. Rather than fake one, the lesson says what it is
(``lesson_kind: "vocabulary_and_grammar"``): the plan's words with their meanings, its grammar
with examples, and a reading made of Tatoeba sentence pairs that use the lesson's words.
Comprehension asks about those sentences, production gives real sentences as model answers, and
role-play cards describe the plan's situations without scripting the partner.
Pure apart from the bundled data read once per process.
"""

from __future__ import annotations

import re

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.lesson import (
    ComprehensionQuestion,
    ComprehensionStage,
    ContentStage,
    GrammarExplanation,
    InteractionStage,
    ProductionStage,
    ProductionTask,
    Reading,
    RolePlay,
    TargetText,
    WordEntry,
)
from lessonplan.domain.models import DomainPlan, PrelessonKit, Role, Scenario
from lessonplan.japanese import word_level
from lessonplan.planners.offline.authored_stages import pattern_examples
from lessonplan.planners.offline.choose import normalize_pattern, terms
from lessonplan.planners.offline.data import Curriculum
from lessonplan.planners.offline.examples import (
    Example,
    cefr_band,
    examples_for_word,
    sentences_containing,
    word_meaning,
)
from lessonplan.planners.offline.generic_plan import above_band

LESSON_KIND = "vocabulary_and_grammar"
MAX_WORDS = 30
# The share of a lesson's words that may lie above its level's JLPT band (SPEC §4: 30 %).
ABOVE_SHARE = 0.3
READING_SENTENCES = 8
WORD_TASKS = 3
TITLE = "例文"
TITLE_EN = "Example sentences (Tatoeba)"
_LEARNER_ROLES = frozenset(
    {
        "customer",
        "patient",
        "guest",
        "student",
        "visitor",
        "learner",
        "traveller",
        "traveler",
        "applicant",
        "tenant",
        "newcomer",
        "passenger",
        "client",
    }
)


def _tt(example: Example) -> TargetText:
    return TargetText(surface=example.ja, translation=example.en)


def lesson_words(plan: DomainPlan, kit: PrelessonKit) -> list[str]:
    """Kit words, then the plan's items in bucket order, words of the level's band before
    harder ones, at most 30 (the SPEC's 20–30)."""
    kit_words = list(
        dict.fromkeys(w.surface.strip() for w in kit.required_words() if w.surface.strip())
    )
    room = max(MAX_WORDS, len(kit_words)) - len(kit_words)
    items = [i for i in dict.fromkeys(plan.all_items()) if i not in kit_words]
    hard = [i for i in items if above_band(i, plan.level)]
    easy = [i for i in items if i not in hard]
    # As many harder words as keep the JLPT-tagged share above the band within ABOVE_SHARE
    # (kit words counted), in bucket order; easier words fill the rest.
    kit_tagged = sum(word_level(w) is not None for w in kit_words)
    kit_hard = sum(above_band(w, plan.level) for w in kit_words)
    chosen: list[str] = []
    for count in range(min(len(hard), room), -1, -1):
        picked_easy = easy[: room - count]
        tagged = kit_tagged + count + sum(word_level(w) is not None for w in picked_easy)
        if count == 0 or (kit_hard + count) <= ABOVE_SHARE * tagged:
            picked = set(hard[:count]) | set(picked_easy)
            chosen = [i for i in items if i in picked]
            break
    return kit_words + chosen


def key_expression_texts(plan: DomainPlan, english: list[str]) -> list[TargetText]:
    """The descriptor's own key expressions as phrases; an English gloss only when the English
    description quotes as many expressions (paired in order)."""
    glosses = english if len(english) == len(plan.key_expressions) else []
    return [
        TargetText(surface=expression, translation=glosses[i] if glosses else "")
        for i, expression in enumerate(plan.key_expressions)
    ]


def key_expression_sentences(plan: DomainPlan, seen: set[str]) -> list[TargetText]:
    """A real (Tatoeba) sentence that uses each key expression, where one exists."""
    out: list[TargetText] = []
    for expression in plan.key_expressions:
        core = expression.strip("〜～。？！?! ")
        for example in sentences_containing(core, limit=2, level=cefr_band(plan.level)):
            if example.ja not in seen:
                seen.add(example.ja)
                out.append(_tt(example))
                break
    return out


def _meaning(surface: str, kit: PrelessonKit, curriculum: Curriculum) -> str:
    kit_word = next((w for w in kit.words if w.surface.strip() == surface), None)
    if kit_word and kit_word.meaning:
        return kit_word.meaning
    known = curriculum.lexicon.get(surface)
    return known.meaning if known else word_meaning(surface)


def example_sentences(
    words: list[str], *, first: list[TargetText] | None = None
) -> list[TargetText]:
    """``first`` (sentences using the key expressions), then one Tatoeba sentence per word
    that has one, no sentence twice, up to eight."""
    out: list[TargetText] = list(first or [])[:READING_SENTENCES]
    seen: set[str] = {t.surface for t in out}
    for word in words:
        if len(out) >= READING_SENTENCES:
            break
        for example in examples_for_word(word, limit=2):
            if example.ja not in seen:
                seen.add(example.ja)
                out.append(_tt(example))
                break
        if len(out) >= READING_SENTENCES:
            break
    return out


def _grammar(plan: DomainPlan, curriculum: Curriculum) -> list[GrammarExplanation]:
    out: list[GrammarExplanation] = []
    for gf in plan.grammar_functions:
        pattern = next(
            (
                p
                for p in curriculum.grammar
                if normalize_pattern(p.pattern_ja) == normalize_pattern(gf.pattern_ja)
            ),
            None,
        )
        if pattern is not None:
            examples = [
                TargetText(surface=e.surface, translation=e.translation) for e in pattern.examples
            ]
        else:
            examples = [_tt(e) for e in pattern_examples(gf.pattern_ja, plan.level)]
        out.append(
            GrammarExplanation(
                grammar_id=gf.id,
                pattern_ja=gf.pattern_ja,
                explanation=gf.notes_en or gf.label,
                examples=examples,
            )
        )
    return out


def build_content(
    plan: DomainPlan,
    kit: PrelessonKit,
    known: set[str],
    curriculum: Curriculum,
    *,
    english_quotes: list[str] | None = None,
) -> ContentStage:
    words = lesson_words(plan, kit)
    buckets = {item: b.name for b in plan.lex_buckets for item in b.items}
    kit_surfaces = {w.surface.strip() for w in kit.required_words()}
    sentences = (
        example_sentences(words, first=key_expression_sentences(plan, set()))
        or [e for g in _grammar(plan, curriculum) for e in g.examples][:READING_SENTENCES]
    )
    objective = plan.communicative_function_en.rstrip(".")
    expressions = key_expression_texts(plan, english_quotes or [])
    said = (
        " The key expressions are the descriptor's own, quoted from its Japanese text."
        if expressions
        else ""
    )
    return ContentStage(
        objective=(
            f"{objective}. A vocabulary-and-grammar lesson: no model dialogue has been written "
            f"for this descriptor, so the sentences are real examples from Tatoeba.{said}"
        ),
        objective_ja=plan.communicative_function_ja,
        lesson_kind=LESSON_KIND,
        words=[
            WordEntry(
                text=TargetText(surface=w, translation=_meaning(w, kit, curriculum)),
                bucket=buckets.get(w, "pre-lesson kit"),
                from_kit=w in kit_surfaces,
                known=w in known,
            )
            for w in words
        ],
        grammar=_grammar(plan, curriculum),
        dialogue=None,
        reading=Reading(
            title=TITLE, title_en=TITLE_EN, text_type="example sentences", sentences=sentences
        ),
        phrases=[
            *expressions,
            *(TargetText(surface=p.text, translation=p.meaning) for p in kit.required_phrases()),
        ],
    )


def build_comprehension(reading: Reading, words: list[WordEntry]) -> ComprehensionStage:
    """Questions on the example sentences: what a sentence means (true and false keys), which
    sentence uses a word, and a translation; every answer is in one sentence."""
    sentences = reading.sentences
    questions: list[ComprehensionQuestion] = []
    for i, sentence in enumerate(sentences[:4]):
        other = sentences[(i + 1) % len(sentences)]
        truthful = i % 2 == 0 or other.translation == sentence.translation
        shown = sentence.translation if truthful else other.translation
        questions.append(
            ComprehensionQuestion(
                id="",
                source="reading",
                kind="true_false",
                question=f"「{sentence.surface}」 means “{shown}”",
                options=["True", "False"],
                answer="True" if truthful else "False",
                evidence=sentence.surface,
            )
        )
    for word in words:
        users = [s for s in sentences if contains_word(s.surface, word.text.surface)]
        others = [s for s in sentences if s not in users]
        if not users or len(others) < 2:
            continue
        options = sorted([users[0].surface, others[0].surface, others[1].surface])
        questions.append(
            ComprehensionQuestion(
                id="",
                source="reading",
                kind="multiple_choice",
                question=f"Which sentence uses {word.text.surface} ({word.text.translation})?",
                options=options,
                answer=users[0].surface,
                evidence=users[0].surface,
            )
        )
        break
    if sentences:
        last = sentences[-1]
        questions.append(
            ComprehensionQuestion(
                id="",
                source="reading",
                kind="short_answer",
                question=f"Translate: 「{last.surface}」",
                answer=last.translation,
                evidence=last.surface,
            )
        )
    return ComprehensionStage(
        questions=[q.model_copy(update={"id": f"q{i + 1}"}) for i, q in enumerate(questions)]
    )


def build_production(plan: DomainPlan, kit: PrelessonKit, known: set[str]) -> ProductionStage:
    """A task per grammar function and for the first words with an example; each model answer
    is a real sentence."""
    tasks: list[ProductionTask] = []
    words = lesson_words(plan, kit)
    # Model answers are other real sentences than the reading's (a line once per lesson).
    reading = example_sentences(words, first=key_expression_sentences(plan, set()))
    taken = {t.surface for t in reading}
    for gf in plan.grammar_functions:
        candidates = pattern_examples(gf.pattern_ja, plan.level, limit=3)
        found = [e for e in candidates if e.ja not in taken]
        if not found:
            continue
        taken.add(found[0].ja)
        answer = _tt(found[0])
        tasks.append(
            ProductionTask(
                id="",
                grammar_id=gf.id,
                instruction=(
                    f"Write a sentence of your own with {gf.pattern_ja} ({gf.label}). "
                    "The model answer is an example sentence from Tatoeba."
                ),
                vocabulary=[w for w in plan.all_items() if contains_word(answer.surface, w)][:4],
                model_answer=answer,
                known_words=sorted(k for k in known if contains_word(answer.surface, k)),
            )
        )
    for word in words:
        if sum(1 for t in tasks if t.instruction.startswith("Use ")) >= WORD_TASKS:
            break
        found = [e for e in examples_for_word(word, limit=3) if e.ja not in taken]
        if not found:
            continue
        taken.add(found[0].ja)
        answer = _tt(found[0])
        grammar_id = next(
            (
                gf.id
                for gf in plan.grammar_functions
                if any(
                    part and part in answer.surface
                    for part in normalize_pattern(gf.pattern_ja).split("〜")
                )
            ),
            plan.grammar_functions[0].id,
        )
        tasks.append(
            ProductionTask(
                id="",
                grammar_id=grammar_id,
                instruction=(
                    f"Use {word} in a sentence about {plan.communicative_function_en[:1].lower()}"
                    f"{plan.communicative_function_en[1:].rstrip('.')}. The model answer is an "
                    "example sentence from Tatoeba."
                ),
                vocabulary=[word],
                model_answer=answer,
                known_words=sorted(k for k in known if contains_word(answer.surface, k)),
            )
        )
    return ProductionStage(
        tasks=[t.model_copy(update={"id": f"p{i + 1}"}) for i, t in enumerate(tasks)]
    )


def learner_and_partner(scenario: Scenario) -> tuple[Role, Role]:
    """The role the learner plays (a customer, patient, visitor… else the first, where the
    offline plan puts it) and a partner."""
    learner = next(
        (r for r in scenario.roles if terms(r.label) & _LEARNER_ROLES), scenario.roles[0]
    )
    partner = next((r for r in scenario.roles if r is not learner), learner)
    return learner, partner


_POLITE_FORMS = re.compile(r"です|ます|polite", re.IGNORECASE)


def _criteria_for(plan: DomainPlan, register: str) -> list[str]:
    """The plan's criteria fit for one card: its register is stated by the card itself, and a
    plain card is not graded on a polite pattern (〜ます in a chat between friends)."""
    criteria = [c for c in plan.evaluation.success_criteria if "register" not in c]
    if register == "plain":
        criteria = [c for c in criteria if not _POLITE_FORMS.search(c)]
    return criteria[:4]


def build_interaction(
    plan: DomainPlan, kit: PrelessonKit, *, english_quotes: list[str] | None = None
) -> InteractionStage:
    """A role-play card per plan scenario: situation, roles, goal, the descriptor's key
    expressions and useful sentences; the partner improvises (no scripted lines nobody wrote
    for this situation)."""
    useful = [
        *key_expression_texts(plan, english_quotes or []),
        *example_sentences(lesson_words(plan, kit))[:3],
    ]
    role_plays: list[RolePlay] = []
    for i, scenario in enumerate(plan.scenarios):
        learner, partner = learner_and_partner(scenario)
        # Criteria about a register are the plan's first scenario's; each card states its own.
        criteria = _criteria_for(plan, learner.register)
        criteria.append(f"Keeps the {learner.register} register of the {learner.label.lower()}.")
        role_plays.append(
            RolePlay(
                id=f"r{i + 1}",
                scenario=scenario.name,
                setting=scenario.setting,
                learner_role=learner.label,
                partner_role=partner.label,
                register=learner.register,
                goal=(
                    f"As the {learner.label.lower()}, {plan.communicative_function_en[:1].lower()}"
                    f"{plan.communicative_function_en[1:].rstrip('.')}, using the lesson's words "
                    "and grammar. Your partner improvises."
                ),
                useful_expressions=useful,
                grammar_ids=plan.grammar_ids(),
                success_criteria=criteria,
            )
        )
    return InteractionStage(role_plays=role_plays)
