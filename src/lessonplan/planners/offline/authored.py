"""The authored lesson file (``lessons/*.json``, described in ``lessons/FORMAT.md``) as a model.

Strict: an unknown field, a missing one or a dangling reference (a speaker who is no role, a
grammar key that does not exist) is an error naming the field's path. The content rules that
a teacher would check (evidence quoted verbatim, key expressions present, true and false keys,
every word used) live in :mod:`lessonplan.planners.offline.rules`.
Pure values: nothing here does I/O.
"""

from __future__ import annotations

import re
import warnings
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lessonplan.domain.models import Level, Register

PartOfSpeech = Literal[
    "noun",
    "verb",
    "i-adjective",
    "na-adjective",
    "adverb",
    "expression",
    "counter",
    "number",
    "pronoun",
    "question-word",
]
Step = Literal["controlled", "guided", "free"]
STEPS: tuple[Step, ...] = ("controlled", "guided", "free")
_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
# ``register`` is FORMAT.md's field name; it shadows ABCMeta.register on the class only.
warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthoredText(_Strict):
    """Surface text and its English translation; readings come from the text layer."""

    surface: str = Field(min_length=1)
    translation: str = Field(min_length=1)


class AuthoredWord(_Strict):
    surface: str = Field(min_length=1)
    translation: str = Field(min_length=1)
    pos: PartOfSpeech
    bucket: str = Field(min_length=1)


class AuthoredGrammar(_Strict):
    key: str = Field(min_length=1, pattern=_KEY.pattern)
    label: str = Field(min_length=1)
    pattern_ja: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    examples: list[AuthoredText] = Field(min_length=1)


class AuthoredRole(_Strict):
    label: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    # Field(...) explicitly: a bare annotation would take ABCMeta.register as its default.
    register: Register = Field(...)
    learner: bool = False


class AuthoredTurn(_Strict):
    speaker: str = Field(min_length=1)
    surface: str = Field(min_length=1)
    translation: str = Field(min_length=1)


class AuthoredDialogue(_Strict):
    id: str = Field(min_length=1)
    scenario: str = Field(min_length=1)
    setting: str = ""
    style: Literal["polite", "plain"]
    roles: list[AuthoredRole] = Field(min_length=2)
    turns: list[AuthoredTurn] = Field(min_length=2)

    @model_validator(mode="after")
    def _speakers_are_roles(self) -> AuthoredDialogue:
        labels = [r.label for r in self.roles]
        if len(set(labels)) != len(labels):
            raise ValueError(f"dialogue {self.id!r}: role labels repeat: {labels}")
        for i, turn in enumerate(self.turns):
            if turn.speaker not in labels:
                raise ValueError(
                    f"dialogue {self.id!r} turns[{i}]: speaker {turn.speaker!r} "
                    f"is not one of its roles {labels}"
                )
        return self

    def role(self, label: str) -> AuthoredRole | None:
        return next((r for r in self.roles if r.label == label), None)

    @property
    def learner_role(self) -> AuthoredRole:
        """The role the learner plays (the first role when none is marked)."""
        return next((r for r in self.roles if r.learner), self.roles[0])


class AuthoredReading(_Strict):
    title: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    sentences: list[AuthoredText] = Field(min_length=1)


class AuthoredQuestion(_Strict):
    source: Literal["dialogue", "reading"]
    dialogue_id: str | None = None
    kind: Literal["true_false", "multiple_choice", "short_answer"]
    question: str = Field(min_length=1)
    options: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    evidence: str = Field(min_length=1)

    @model_validator(mode="after")
    def _options_fit_kind(self) -> AuthoredQuestion:
        if self.kind == "true_false" and self.options != ["True", "False"]:
            raise ValueError('a true_false question has options exactly ["True", "False"]')
        if self.kind == "multiple_choice" and not 3 <= len(self.options) <= 4:
            raise ValueError("a multiple_choice question has 3-4 options")
        if self.kind == "short_answer" and self.options:
            raise ValueError("a short_answer question has options []")
        if self.options and self.answer not in self.options:
            raise ValueError(f"the answer {self.answer!r} is not one of the options")
        if self.source == "dialogue" and not self.dialogue_id:
            raise ValueError("a question on a dialogue names its dialogue_id")
        return self


class AuthoredTask(_Strict):
    grammar: str = Field(min_length=1)
    step: Step
    instruction: str = Field(min_length=1)
    vocabulary: list[str] = Field(default_factory=list)
    model_answer: AuthoredText


class AuthoredRolePlay(_Strict):
    scenario: str = Field(min_length=1)
    setting: str = ""
    learner_role: str = Field(min_length=1)
    partner_role: str = Field(min_length=1)
    register: Register = Field(...)
    # The partner's register when it is not the learner's (a host mother speaking plain to a
    # polite guest); by default the partner's register in a dialogue, else ``register``.
    partner_register: Register | None = None
    goal: str = Field(min_length=1)
    partner_lines: list[AuthoredText] = Field(default_factory=list)
    useful_expressions: list[AuthoredText] = Field(default_factory=list)
    grammar: list[str] = Field(default_factory=list)
    success_criteria: list[str] = Field(min_length=1)


class AuthoredCultureNote(_Strict):
    theme_en: str = Field(min_length=1)
    theme_ja: str = Field(min_length=1)
    body: str = Field(min_length=1)


class AuthoredLesson(_Strict):
    """One authored lesson: everything a teacher needs for one Can-Do descriptor."""

    can_do_id: str = Field(min_length=1)
    level: Level
    function_en: str = Field(min_length=1)
    function_ja: str = Field(min_length=1)
    text_type: str = Field(min_length=1)
    key_expressions: list[AuthoredText] = Field(min_length=1)
    words: list[AuthoredWord] = Field(min_length=1)
    grammar: list[AuthoredGrammar] = Field(min_length=1)
    dialogues: list[AuthoredDialogue] = Field(min_length=1)
    reading: AuthoredReading
    comprehension: list[AuthoredQuestion] = Field(min_length=1)
    production: list[AuthoredTask] = Field(min_length=1)
    role_plays: list[AuthoredRolePlay] = Field(min_length=1)
    culture_notes: list[AuthoredCultureNote] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> AuthoredLesson:
        keys = [g.key for g in self.grammar]
        if len(set(keys)) != len(keys):
            raise ValueError(f"grammar keys repeat: {keys}")
        ids = [d.id for d in self.dialogues]
        if len(set(ids)) != len(ids):
            raise ValueError(f"dialogue ids repeat: {ids}")
        for i, q in enumerate(self.comprehension):
            if q.source == "dialogue" and q.dialogue_id not in ids:
                raise ValueError(
                    f"comprehension[{i}].dialogue_id {q.dialogue_id!r} is not a dialogue {ids}"
                )
        for i, task in enumerate(self.production):
            if task.grammar not in keys:
                raise ValueError(
                    f"production[{i}].grammar {task.grammar!r} is not a grammar key {keys}"
                )
        for i, rp in enumerate(self.role_plays):
            for key in rp.grammar:
                if key not in keys:
                    raise ValueError(f"role_plays[{i}].grammar {key!r} is not a grammar key {keys}")
        return self

    def grammar_point(self, key: str) -> AuthoredGrammar:
        return next(g for g in self.grammar if g.key == key)

    def dialogue(self, dialogue_id: str) -> AuthoredDialogue:
        return next(d for d in self.dialogues if d.id == dialogue_id)


def lesson_file_name(can_do_id: str) -> str:
    """``LP:003`` → ``lp-003.json``, ``JFまるごと:14`` → ``jfmarugoto-14.json``."""
    name = can_do_id.replace("まるごと", "marugoto").replace(":", "-").lower()
    return f"{name}.json"
