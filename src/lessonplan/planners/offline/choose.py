"""Personalisation of an authored lesson: choosing and ordering, never rewriting.

A profile picks among what the authors wrote and checked: which dialogue (register variant or
alternative scenario) is shown, which role-plays follow, which words lead, which grammar point
comes first, which known words are recycled. No word is ever put into a sentence that was not
written for it. Every choice is a stable sort, so the same inputs give the same lesson.
Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessonplan.domain.models import LearnerProfile, Register
from lessonplan.planners.offline.authored import (
    AuthoredDialogue,
    AuthoredGrammar,
    AuthoredLesson,
    AuthoredRole,
    AuthoredRolePlay,
    AuthoredWord,
)

_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "at", "on", "for", "with", "my", "your"}
)
_REGISTER_WORDS: dict[str, Register] = {
    "plain": "plain",
    "casual": "plain",
    "informal": "plain",
    "polite": "polite",
    "formal": "polite",
    "keigo": "polite",
    "neutral": "neutral",
}


def singular(word: str) -> str:
    """``friends`` → ``friend``, ``families`` → ``family``: profile keys are often plural while
    role labels are singular."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> set[str]:
    """Distinctive English words of ``text``, singular."""
    return {singular(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _register(value: str) -> Register | None:
    return _REGISTER_WORDS.get(value.strip().lower())


def context_register(role: AuthoredRole, profile: LearnerProfile) -> Register | None:
    """The register the learner's ``formality_contexts`` ask for with this role, if any:
    ``{"friends": "plain"}`` names a role whose ``label_en`` is "friend"."""
    usage = profile.usage_context
    if usage is None:
        return None
    role_terms = terms(role.label_en) | {role.label}
    for context in sorted(usage.formality_contexts):
        wanted = _register(usage.formality_contexts[context])
        if wanted is None:
            continue
        if context.strip() == role.label or terms(context) & role_terms:
            return wanted
    return None


def register_score(dialogue: AuthoredDialogue, profile: LearnerProfile) -> int:
    """How well a dialogue's registers fit the profile's formality contexts and preferences."""
    score = 0
    for role in dialogue.roles:
        wanted = context_register(role, profile)
        if wanted is not None:
            score += 3 if wanted == role.register else -3
    prefs = profile.register_preferences
    learner = dialogue.learner_role.register
    if prefs:
        score += 2 if prefs[0] == learner else (1 if learner in prefs else 0)
    return score


def _profile_situations(profile: LearnerProfile) -> set[str]:
    usage = profile.usage_context
    texts = list(profile.learning_goals)
    if usage is not None:
        texts += [usage.primary_use_case or "", *usage.scenario_details]
    return set().union(*(terms(t) for t in texts)) if texts else set()


def scenario_score(scenario: str, setting: str, profile: LearnerProfile) -> int:
    """Words the learner's scenario details and goals share with a scenario and its setting."""
    return len(_profile_situations(profile) & terms(f"{scenario} {setting}"))


def order_dialogues(lesson: AuthoredLesson, profile: LearnerProfile) -> list[AuthoredDialogue]:
    """Dialogues best first: the learner's situation picks the scenario, registers the variant."""
    ranked = sorted(
        enumerate(lesson.dialogues),
        key=lambda pair: (
            -scenario_score(pair[1].scenario, pair[1].setting, profile),
            -register_score(pair[1], profile),
            pair[0],
        ),
    )
    return [d for _, d in ranked]


def order_role_plays(
    lesson: AuthoredLesson, shown: AuthoredDialogue, profile: LearnerProfile
) -> list[AuthoredRolePlay]:
    """Role-plays on the shown dialogue's roles and register first, then by the situation."""
    labels = {r.label for r in shown.roles}

    def key(pair: tuple[int, AuthoredRolePlay]) -> tuple[int, int, int, int]:
        i, rp = pair
        same_roles = rp.learner_role in labels and rp.partner_role in labels
        same_register = rp.register == shown.learner_role.register
        return (
            -int(same_register),
            -int(same_roles),
            -scenario_score(rp.scenario, rp.setting, profile),
            i,
        )

    return [rp for _, rp in sorted(enumerate(lesson.role_plays), key=key)]


def _goal_terms(profile: LearnerProfile) -> set[str]:
    return (
        set().union(*(terms(g) for g in profile.vocabulary_domain_goals))
        if (profile.vocabulary_domain_goals)
        else set()
    )


def known_words(profile: LearnerProfile) -> set[str]:
    return {w.strip() for w in profile.known_vocabulary if w.strip()}


def order_words(lesson: AuthoredLesson, profile: LearnerProfile) -> list[AuthoredWord]:
    """Words of the learner's vocabulary goals lead (by bucket, then by meaning); known words
    stay in the lesson, after the new ones."""
    goals = _goal_terms(profile)
    known = known_words(profile)

    def key(pair: tuple[int, AuthoredWord]) -> tuple[int, int, int, int]:
        i, word = pair
        bucket_hit = bool(goals & terms(word.bucket))
        meaning_hit = bool(goals & terms(word.translation))
        return (int(word.surface in known), -int(bucket_hit), -int(meaning_hit), i)

    return [w for _, w in sorted(enumerate(lesson.words), key=key)]


def normalize_pattern(pattern: str) -> str:
    """Compare grammar patterns without tildes, brackets, punctuation and spaces."""
    return re.sub(r"[〜～~\s。、・（）()／/…]", "", pattern)


def grammar_matches(point: AuthoredGrammar, wanted: str) -> bool:
    """Does a goal or known-grammar entry ("requests with てください", "te_kudasai") name it?"""
    text = wanted.strip()
    if not text:
        return False
    if text.lower() in (point.key.lower(), point.label.lower()):
        return True
    core = normalize_pattern(point.pattern_ja)
    wanted_core = normalize_pattern(text)
    japanese = re.sub(r"[A-Za-z0-9\s]", "", wanted_core)
    if japanese and (japanese in core or (len(core) >= 2 and core in japanese)):
        return True
    label_terms = terms(point.label) - {"form", "pattern"}
    return len(label_terms & terms(text)) >= 2


def order_grammar(lesson: AuthoredLesson, profile: LearnerProfile) -> list[AuthoredGrammar]:
    """A grammar goal leads with its point (never removes it); known grammar goes last."""
    prefs = profile.learning_preferences
    goals = [*profile.grammar_progression_goals, *(prefs.grammar_focus_areas if prefs else [])]

    def key(pair: tuple[int, AuthoredGrammar]) -> tuple[int, int, int]:
        i, point = pair
        goal = any(grammar_matches(point, g) for g in goals)
        known = any(grammar_matches(point, k) for k in profile.known_grammar)
        return (int(known and not goal), -int(goal), i)

    return [g for _, g in sorted(enumerate(lesson.grammar), key=key)]


@dataclass(frozen=True)
class Choice:
    """What the profile chose from one authored lesson."""

    dialogues: tuple[AuthoredDialogue, ...]
    role_plays: tuple[AuthoredRolePlay, ...]
    words: tuple[AuthoredWord, ...]
    grammar: tuple[AuthoredGrammar, ...]
    known: frozenset[str]

    @property
    def dialogue(self) -> AuthoredDialogue:
        return self.dialogues[0]


def choose(lesson: AuthoredLesson, profile: LearnerProfile) -> Choice:
    dialogues = order_dialogues(lesson, profile)
    return Choice(
        dialogues=tuple(dialogues),
        role_plays=tuple(order_role_plays(lesson, dialogues[0], profile)),
        words=tuple(order_words(lesson, profile)),
        grammar=tuple(order_grammar(lesson, profile)),
        known=frozenset(known_words(profile)),
    )
