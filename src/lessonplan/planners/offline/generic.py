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
from lessonplan.planners.offline.authored_stages import pattern_examples
from lessonplan.planners.offline.choose import normalize_pattern, terms
from lessonplan.planners.offline.data import Curriculum
from lessonplan.planners.offline.examples import Example, examples_for_word, word_meaning

LESSON_KIND = "vocabulary_and_grammar"
MAX_WORDS = 30
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
    """Kit words, then the plan's items in bucket order, at most 30 (the SPEC's 20–30)."""
    kit_words = [w.surface.strip() for w in kit.required_words() if w.surface.strip()]
    ordered = list(dict.fromkeys([*kit_words, *plan.all_items()]))
    return ordered[: max(MAX_WORDS, len(kit_words))]


def _meaning(surface: str, kit: PrelessonKit, curriculum: Curriculum) -> str:
    kit_word = next((w for w in kit.words if w.surface.strip() == surface), None)
    if kit_word and kit_word.meaning:
        return kit_word.meaning
    known = curriculum.lexicon.get(surface)
    return known.meaning if known else word_meaning(surface)


def example_sentences(words: list[str]) -> list[TargetText]:
    """One Tatoeba sentence per word that has one, no sentence twice, up to eight."""
    out: list[TargetText] = []
    seen: set[str] = set()
    for word in words:
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
    plan: DomainPlan, kit: PrelessonKit, known: set[str], curriculum: Curriculum
) -> ContentStage:
    words = lesson_words(plan, kit)
    buckets = {item: b.name for b in plan.lex_buckets for item in b.items}
    kit_surfaces = {w.surface.strip() for w in kit.required_words()}
    sentences = (
        example_sentences(words)
        or [e for g in _grammar(plan, curriculum) for e in g.examples][:READING_SENTENCES]
    )
    objective = plan.communicative_function_en.rstrip(".")
    return ContentStage(
        objective=(
            f"{objective}. A vocabulary-and-grammar lesson: no model dialogue has been written "
            "for this descriptor, so the sentences are real examples from Tatoeba."
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
        phrases=[TargetText(surface=p.text, translation=p.meaning) for p in kit.required_phrases()],
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
    for gf in plan.grammar_functions:
        found = pattern_examples(gf.pattern_ja, plan.level, limit=1)
        if not found:
            continue
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
    for word in lesson_words(plan, kit):
        if sum(1 for t in tasks if t.instruction.startswith("Use ")) >= WORD_TASKS:
            break
        found = examples_for_word(word, limit=1)
        if not found:
            continue
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


def build_interaction(plan: DomainPlan, kit: PrelessonKit) -> InteractionStage:
    """A role-play card per plan scenario: situation, roles, goal and useful sentences; the
    partner improvises (no scripted lines nobody wrote for this situation)."""
    useful = example_sentences(lesson_words(plan, kit))[:3]
    role_plays: list[RolePlay] = []
    for i, scenario in enumerate(plan.scenarios):
        learner, partner = learner_and_partner(scenario)
        # Criteria about a register are the plan's first scenario's; each card states its own.
        criteria = [c for c in plan.evaluation.success_criteria if "register" not in c][:4]
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
