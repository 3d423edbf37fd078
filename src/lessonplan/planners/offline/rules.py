"""FORMAT.md's content rules for an authored lesson, as a teacher would check them.

The model (:mod:`lessonplan.planners.offline.authored`) already refuses unknown fields and
dangling references; these rules look at the text: evidence quoted verbatim from the source it
names, key expressions present, true and false keys both used, no full sentence written twice,
every word used, the counts FORMAT.md gives. Each violation is one line naming the JSON path.
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lessonplan.domain.inflection import contains_word
from lessonplan.planners.offline.authored import (
    STEPS,
    AuthoredDialogue,
    AuthoredLesson,
    AuthoredRolePlay,
)

WORDS = (20, 30)
KEY_EXPRESSIONS = (3, 6)
GRAMMAR = (2, 4)
EXAMPLES = (2, 3)
DIALOGUES = (1, 3)
QUESTIONS = (6, 8)
TASKS = (4, 6)
ROLE_PLAYS = (1, 2)
TURNS = {"A1": (8, 12), "A2": (8, 12)}
TURNS_HIGHER = (10, 16)
READING = {"A1": (4, 8), "A2": (6, 10), "B1": (8, 12)}
READING_HIGHER = (10, 16)
_PUNCT = re.compile(r"[\s。、！？!?,.「」『』…・〜～]")
_LATIN = re.compile(r"[A-Za-z]")
# Sentences this short ("はい。", "ええ。") may repeat.
MIN_SENTENCE_CHARS = 5


def _norm(text: str) -> str:
    return _PUNCT.sub("", text)


def _count(what: str, value: int, bounds: tuple[int, int], path: str) -> list[str]:
    low, high = bounds
    if low <= value <= high:
        return []
    return [f"{path}: {value} {what}; FORMAT.md asks for {low}-{high}"]


def lesson_texts(
    lesson: AuthoredLesson,
    *,
    dialogues: Collection[AuthoredDialogue] | None = None,
    role_plays: Collection[AuthoredRolePlay] | None = None,
) -> list[tuple[str, str]]:
    """Every Japanese sentence of the lesson with its JSON path; given ``dialogues`` or
    ``role_plays``, only those of them (what a lesson shows), the rest all the same."""
    texts: list[tuple[str, str]] = []
    for i, d in enumerate(lesson.dialogues):
        if dialogues is None or d in dialogues:
            texts += [(f"$.dialogues[{i}].turns[{j}]", t.surface) for j, t in enumerate(d.turns)]
    texts += [
        (f"$.reading.sentences[{i}]", s.surface) for i, s in enumerate(lesson.reading.sentences)
    ]
    for i, g in enumerate(lesson.grammar):
        texts += [(f"$.grammar[{i}].examples[{j}]", e.surface) for j, e in enumerate(g.examples)]
    texts += [
        (f"$.production[{i}].model_answer", t.model_answer.surface)
        for i, t in enumerate(lesson.production)
    ]
    for i, rp in enumerate(lesson.role_plays):
        if role_plays is not None and rp not in role_plays:
            continue
        texts += [
            (f"$.role_plays[{i}].partner_lines[{j}]", p.surface)
            for j, p in enumerate(rp.partner_lines)
        ]
        texts += [
            (f"$.role_plays[{i}].useful_expressions[{j}]", p.surface)
            for j, p in enumerate(rp.useful_expressions)
        ]
    return texts


def _counts(lesson: AuthoredLesson) -> list[str]:
    problems = _count("words", len(lesson.words), WORDS, "$.words")
    problems += _count(
        "key expressions", len(lesson.key_expressions), KEY_EXPRESSIONS, "$.key_expressions"
    )
    problems += _count("grammar points", len(lesson.grammar), GRAMMAR, "$.grammar")
    for i, g in enumerate(lesson.grammar):
        if _LATIN.search(g.pattern_ja):
            problems.append(
                f"$.grammar[{i}].pattern_ja: {g.pattern_ja!r} has Latin letters; SPEC §4 asks "
                "for Japanese script (write 〜 for a slot)"
            )
        problems += _count("examples", len(g.examples), EXAMPLES, f"$.grammar[{i}].examples")
    problems += _count("dialogues", len(lesson.dialogues), DIALOGUES, "$.dialogues")
    turns = TURNS.get(lesson.level, TURNS_HIGHER)
    for i, d in enumerate(lesson.dialogues):
        problems += _count("turns", len(d.turns), turns, f"$.dialogues[{i}].turns")
    reading = READING.get(lesson.level, READING_HIGHER)
    problems += _count("sentences", len(lesson.reading.sentences), reading, "$.reading.sentences")
    problems += _count("questions", len(lesson.comprehension), QUESTIONS, "$.comprehension")
    problems += _count("tasks", len(lesson.production), TASKS, "$.production")
    problems += _count("role-plays", len(lesson.role_plays), ROLE_PLAYS, "$.role_plays")
    return problems


def _evidence(lesson: AuthoredLesson) -> list[str]:
    problems: list[str] = []
    for i, q in enumerate(lesson.comprehension):
        if q.source == "dialogue" and q.dialogue_id:
            lines = [t.surface for t in lesson.dialogue(q.dialogue_id).turns]
        else:
            lines = [s.surface for s in lesson.reading.sentences]
        if not any(q.evidence in line for line in lines):
            where = q.dialogue_id if q.source == "dialogue" else "the reading"
            problems.append(
                f"$.comprehension[{i}].evidence: {q.evidence!r} is not a verbatim part of "
                f"one line of {where}"
            )
    kinds = {q.kind for q in lesson.comprehension}
    for kind in ("true_false", "multiple_choice", "short_answer"):
        if kind not in kinds:
            problems.append(f"$.comprehension: no {kind} question")
    keys = [q.answer for q in lesson.comprehension if q.kind == "true_false"]
    if len(keys) < 2 or set(keys) != {"True", "False"}:
        problems.append(f"$.comprehension: true_false keys {keys}; at least 2, True and False")
    if len(lesson.dialogues) > 1:
        problems += _per_dialogue(lesson)
    return problems


MIN_SHOWN_QUESTIONS = 4


def _per_dialogue(lesson: AuthoredLesson) -> list[str]:
    """A lesson shows one dialogue: its questions and the reading's must stand on their own."""
    problems: list[str] = []
    for i, d in enumerate(lesson.dialogues):
        shown = [q for q in lesson.comprehension if q.source == "reading" or q.dialogue_id == d.id]
        keys = sorted({q.answer for q in shown if q.kind == "true_false"})
        if len(shown) < MIN_SHOWN_QUESTIONS or keys != ["False", "True"]:
            problems.append(
                f"$.dialogues[{i}]: shown with the reading it has {len(shown)} questions and "
                f"true_false keys {keys}; at least {MIN_SHOWN_QUESTIONS}, True and False"
            )
    return problems


def _expressions_and_words(lesson: AuthoredLesson) -> list[str]:
    problems: list[str] = []
    performed = [t.surface for d in lesson.dialogues for t in d.turns]
    performed += [s.surface for s in lesson.reading.sentences]
    for i, expr in enumerate(lesson.key_expressions):
        if not any(expr.surface in line for line in performed):
            problems.append(
                f"$.key_expressions[{i}]: {expr.surface!r} is in no dialogue turn or reading "
                "sentence"
            )
    used = "\n".join(text for path, text in lesson_texts(lesson) if ".grammar[" not in path)
    surfaces = [w.surface for w in lesson.words]
    for i, word in enumerate(lesson.words):
        stem_used = word.pos == "i-adjective" and f"{word.surface[:-1]}すぎ" in used
        if not (contains_word(used, word.surface) or stem_used):
            problems.append(f"$.words[{i}]: {word.surface!r} is used in no sentence of the lesson")
        if surfaces.count(word.surface) > 1 and surfaces.index(word.surface) == i:
            problems.append(f"$.words[{i}]: {word.surface!r} is listed twice")
    for i, task in enumerate(lesson.production):
        for listed in task.vocabulary:
            if listed not in surfaces:
                problems.append(f"$.production[{i}].vocabulary: {listed!r} is not a lesson word")
    return problems


def _repeats(lesson: AuthoredLesson) -> list[str]:
    problems: list[str] = []
    first: dict[str, str] = {}
    for path, text in lesson_texts(lesson):
        if ".useful_expressions[" in path:
            continue
        key = _norm(text)
        if len(key) < MIN_SENTENCE_CHARS:
            continue
        if key in first:
            problems.append(f"{path}: {text!r} repeats {first[key]}")
        else:
            first[key] = path
    return problems


MIN_ROLE_PLAY_WORDS = 3


def _role_play_words(lesson: AuthoredLesson) -> list[str]:
    problems: list[str] = []
    for i, rp in enumerate(lesson.role_plays):
        text = "\n".join(p.surface for p in rp.partner_lines + rp.useful_expressions)
        used = [w.surface for w in lesson.words if contains_word(text, w.surface)]
        if len(used) < MIN_ROLE_PLAY_WORDS:
            problems.append(
                f"$.role_plays[{i}]: its lines use {len(used)} of the lesson's words {used}; "
                f"at least {MIN_ROLE_PLAY_WORDS}"
            )
    return problems


_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff々]")


def _translations(lesson: AuthoredLesson) -> list[str]:
    """Translations are English only: a Japanese gloss goes in an explanation, not in one."""
    pairs: list[tuple[str, str]] = [
        (f"$.words[{i}].translation", w.translation) for i, w in enumerate(lesson.words)
    ]
    pairs += [
        (f"$.key_expressions[{i}].translation", k.translation)
        for i, k in enumerate(lesson.key_expressions)
    ]
    for i, d in enumerate(lesson.dialogues):
        pairs += [
            (f"$.dialogues[{i}].turns[{j}].translation", t.translation)
            for j, t in enumerate(d.turns)
        ]
    pairs += [
        (f"$.reading.sentences[{i}].translation", t.translation)
        for i, t in enumerate(lesson.reading.sentences)
    ]
    for i, g in enumerate(lesson.grammar):
        pairs += [
            (f"$.grammar[{i}].examples[{j}].translation", e.translation)
            for j, e in enumerate(g.examples)
        ]
    pairs += [
        (f"$.production[{i}].model_answer.translation", t.model_answer.translation)
        for i, t in enumerate(lesson.production)
    ]
    for i, rp in enumerate(lesson.role_plays):
        for field in ("partner_lines", "useful_expressions"):
            pairs += [
                (f"$.role_plays[{i}].{field}[{j}].translation", t.translation)
                for j, t in enumerate(getattr(rp, field))
            ]
    return [
        f"{path}: {text!r} has Japanese script; a translation is English only"
        for path, text in pairs
        if _JAPANESE.search(text)
    ]


def _order(lesson: AuthoredLesson) -> list[str]:
    steps = [STEPS.index(t.step) for t in lesson.production]
    if steps != sorted(steps):
        return ["$.production: tasks are not ordered controlled → guided → free"]
    return []


def rule_violations(lesson: AuthoredLesson) -> list[str]:
    """Every FORMAT.md content rule the lesson breaks, one line each (empty when it follows)."""
    return (
        _counts(lesson)
        + _evidence(lesson)
        + _expressions_and_words(lesson)
        + _repeats(lesson)
        + _role_play_words(lesson)
        + _translations(lesson)
        + _order(lesson)
    )
