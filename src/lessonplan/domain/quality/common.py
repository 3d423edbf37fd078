"""Shared pieces of the quality checks: ranges, the script check, issue builders, text walkers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import TargetText
from lessonplan.domain.models import DomainPlan, Scenario

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
# A lesson teaches about 20–30 words (issue #11): warning outside, error outside the wide range.
LESSON_WORDS = (20, 30)
LESSON_WORDS_HARD = (12, 40)
# Share of a lesson's JLPT-tagged words above the level's band: warning above, error above hard.
ABOVE_LEVEL_SHARE = 0.3
ABOVE_LEVEL_SHARE_HARD = 0.6
# Distinct plan bucket items the lesson's texts must use (capped by what the plan holds).
MIN_PLAN_WORDS = 10


@dataclass(frozen=True)
class ScriptCheck:
    """A target script: ``target`` chars make text count as written in it; ``foreign`` warn."""

    name: str
    target: re.Pattern[str]
    foreign: re.Pattern[str]


JAPANESE = ScriptCheck(
    name="Japanese",
    # Hiragana, Katakana (+ extensions, halfwidth), CJK ideographs (+ ext. A, compatibility,
    # ext. B+), 々 〆 ー. Digits and fullwidth punctuation may accompany them ("1日3回").
    target=re.compile(
        "[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
        "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f々〆ー]"
    ),
    foreign=re.compile("[A-Za-z]"),
)
SCRIPTS: dict[str, ScriptCheck] = {"japanese": JAPANESE}


def script_check(script: str | ScriptCheck) -> ScriptCheck:
    if isinstance(script, ScriptCheck):
        return script
    try:
        return SCRIPTS[script]
    except KeyError:
        raise ValueError(f"unknown script {script!r}; known: {', '.join(SCRIPTS)}") from None


def script_issues(text: str, path: str, what: str, script: ScriptCheck) -> list[QualityIssue]:
    if not script.target.search(text):
        return [error("script.missing", f"{what} {text!r} is not written in {script.name}.", path)]
    if script.foreign.search(text):
        msg = f"{what} {text!r} mixes Latin letters into {script.name} text."
        return [warning("script.mixed", msg, path)]
    return []


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


def pattern_in(pattern: str, texts: Iterable[str]) -> bool:
    """A kit grammar pattern (〜てください, N1はN2です) occurs in any text.

    Each ``/`` alternative is split at its placeholders (ASCII letters, digits, 〜, +); its
    target-language chunks must appear in order. A one-chunk pattern is a plain substring test.
    """
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


def items_used(text: str, plan: DomainPlan) -> list[str]:
    return sorted({item for item in plan.all_items() if contains_word(text, item)})


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
        for name in type(value).model_fields:
            yield from texts_with_paths(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from texts_with_paths(item, f"{path}[{i}]")


def surfaces(value: Any) -> str:
    return "\n".join(t.surface for t in target_texts(value))
