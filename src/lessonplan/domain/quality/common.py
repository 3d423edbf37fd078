"""Shared pieces of the quality checks: ranges, the script check, issue builders, text walkers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from lessonplan.domain.fields import nested_fields
from lessonplan.domain.inflection import contains_word
from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import TargetText
from lessonplan.domain.models import DomainPlan, Scenario
from lessonplan.domain.quality.scripts import (
    JAPANESE,
    SCRIPTS,
    ScriptCheck,
    is_japanese,
    letter_counts,
    script_for,
)
from lessonplan.domain.quality.words import uses_word
from lessonplan.domain.targets import ABOVE_LEVEL_SHARE as ABOVE_LEVEL_SHARE
from lessonplan.domain.targets import ABOVE_LEVEL_SHARE_HARD as ABOVE_LEVEL_SHARE_HARD
from lessonplan.domain.targets import LESSON_WORDS as LESSON_WORDS
from lessonplan.domain.targets import LESSON_WORDS_HARD as LESSON_WORDS_HARD

__all__ = ["JAPANESE", "SCRIPTS", "ScriptCheck", "script_for"]

# SPEC §4 ranges, inclusive.
SCENARIOS = (1, 2)
LEX_BUCKETS = (3, 5)
BUCKET_ITEMS = (6, 14)
TOTAL_ITEMS = (20, 100)
GRAMMAR_FUNCTIONS = (2, 5)
SUCCESS_CRITERIA = (2, 5)
MIN_DISCOURSE_MARKERS = 2
CULTURAL_THEMES = (2, 5)
# How many distinct plan bucket items a stage must use (capped by what the plan holds).
MIN_DIALOGUE_ITEMS = 3
MIN_PRODUCTION_ITEMS = 3
MIN_INTERACTION_ITEMS = 3
# Distinct plan bucket items the lesson's texts must use (capped by what the plan holds).
MIN_PLAN_WORDS = 10


def script_check(script: str | ScriptCheck) -> ScriptCheck:
    if isinstance(script, ScriptCheck):
        return script
    try:
        return SCRIPTS[script]
    except KeyError:
        raise ValueError(f"unknown script {script!r}; known: {', '.join(SCRIPTS)}") from None


def script_issues(text: str, path: str, what: str, script: ScriptCheck) -> list[QualityIssue]:
    if script.by_share:
        target, foreign = letter_counts(text, script)
        missing, mixed = target == 0 or foreign > target, foreign > 0
    else:
        missing, mixed = not script.target.search(text), bool(script.foreign.search(text))
    if missing:
        return [error("script.missing", f"{what} {text!r} is not written in {script.name}.", path)]
    if mixed:
        msg = f"{what} {text!r} mixes {script.foreign_name} into {script.name} text."
        return [warning("script.mixed", msg, path)]
    return []


def script_unchecked(language: str, path: str = "$") -> QualityIssue:
    """The one issue a text of a language with no configured script gets instead of a check."""
    msg = (
        f"no script is configured for the target language {language!r}: its texts are not "
        "checked for script."
    )
    return info("script.unchecked", msg, path)


def error(code: str, message: str, path: str) -> QualityIssue:
    return QualityIssue(code=code, severity="error", message=message, path=path)


def warning(code: str, message: str, path: str) -> QualityIssue:
    return QualityIssue(code=code, severity="warning", message=message, path=path)


def info(code: str, message: str, path: str) -> QualityIssue:
    return QualityIssue(code=code, severity="info", message=message, path=path)


def count_range(
    code: str, what: str, count: int, bounds: tuple[int, int], path: str
) -> list[QualityIssue]:
    low, high = bounds
    if low <= count <= high:
        return []
    return [error(code, f"{count} {what}; expected {low}–{high}.", path)]


_PUNCT = re.compile(r"[\s\u3000、。，．,.!?！？「」『』\"'“”‘’…・:：;；()（）\[\]〜～~ー-]+")
_PLACEHOLDER = re.compile(r"[\sA-Za-z0-9〜～~＋+/／()（）\[\]…]+")


def norm(text: str) -> str:
    """Text without spaces and punctuation, for quote and repetition comparisons."""
    return _PUNCT.sub("", text)


def pattern_in(pattern: str, texts: Iterable[str], language: str = "ja") -> bool:
    """A kit grammar pattern (〜てください, N1はN2です) occurs in any text.

    Each ``/`` alternative is split at its placeholders (ASCII letters, digits, 〜, +); its
    target-language chunks must appear in order. A one-chunk pattern is a plain substring test.
    Another language than Japanese: :func:`words_pattern_in`.
    """
    if not is_japanese(language):
        return words_pattern_in(pattern, texts)
    haystacks = [_PLACEHOLDER.sub("", t) for t in texts]
    for alternative in re.split(r"[/／]", pattern):
        chunks = [c for c in _PLACEHOLDER.split(alternative) if c]
        if not chunks:
            continue
        for hay in haystacks:
            pos = 0
            for chunk in chunks:
                pos = hay.find(chunk, pos)
                if pos < 0:
                    break
                pos += len(chunk)
            else:
                return True
    return False


# Placeholders of a pattern written with words ("¿Me pone …?", "querer + INF", "N1 es N2",
# "ir a [infinitivo]", "poder + infinitive"): ellipses, tildes, plus signs, bracketed slots,
# upper-case slot names, and the words infinitive, noun, verb, adjective as grammars name them.
_WORD_PLACEHOLDER = re.compile(
    r"\.\.\.|[…〜～~+＋]|\([^)]*\)|（[^）]*）|\[[^\]]*\]|<[^>]*>"
    r"|\b(?:N|V|X|ADJ|ADV|INF|NOUN|VERB)[0-9]?\b"
    r"|(?i:\b(?:infinitiv[eo]?|infinitif|infinito|noun|sustantivo|substantivo|verb|adjective"
    r"|adjetivo|adjectif|aggettivo)\b)"
)
_WORD_PUNCT = re.compile(r"[^\w\s'’-]+")


def _words_of(text: str) -> str:
    return " ".join(_WORD_PUNCT.sub(" ", text).casefold().split())


def words_pattern_in(pattern: str, texts: Iterable[str]) -> bool:
    """A grammar pattern written with words occurs in any text: each ``/`` alternative split
    at its placeholders; its chunks appear in order as whole words, case and punctuation
    aside (``¿Me pone …?`` is in "Buenos días, ¿me pone un café?")."""
    haystacks = [_words_of(t) for t in texts]
    for alternative in re.split(r"[/／]", pattern):
        chunks = [w for c in _WORD_PLACEHOLDER.split(alternative) if (w := _words_of(c))]
        if not chunks:
            continue
        for hay in haystacks:
            pos = 0
            for chunk in chunks:
                found = re.compile(rf"(?<!\w){re.escape(chunk)}(?!\w)").search(hay, pos)
                if found is None:
                    break
                pos = found.end()
            else:
                return True
    return False


def items_used(text: str, plan: DomainPlan, language: str = "ja") -> list[str]:
    """The plan's bucket items that ``text`` uses (:func:`.words.uses_word`)."""
    if is_japanese(language):
        return sorted({item for item in plan.all_items() if contains_word(text, item)})
    return sorted({item for item in plan.all_items() if uses_word(text, item, language)})


def find_scenario(plan: DomainPlan, name: str) -> Scenario | None:
    wanted = name.strip().casefold()
    return next((s for s in plan.scenarios if s.name.strip().casefold() == wanted), None)


def target_texts(value: Any) -> Iterator[TargetText]:
    """Every :class:`TargetText` inside a stage, however deeply nested."""
    for _, text in texts_with_paths(value):
        yield text


def texts_with_paths(value: Any, path: str = "$") -> Iterator[tuple[str, TargetText]]:
    """Every :class:`TargetText` in a model, with its JSON path (``$.dialogue.turns[0].text``)."""
    if isinstance(value, TargetText):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in nested_fields(type(value)):
            yield from texts_with_paths(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from texts_with_paths(item, f"{path}[{i}]")


def surfaces(value: Any) -> str:
    return "\n".join(t.surface for t in target_texts(value))
