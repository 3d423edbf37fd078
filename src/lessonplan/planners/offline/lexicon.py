"""Finding readings for words the planner did not choose itself (kit words, an LLM plan's items).

Stages must show a kana reading for every word they teach. Kit words may arrive with only a
surface, and a plan from an LLM may hold items outside the bundled data, so readings come from, in
order: the kit entry, the bundled vocabulary, the surface itself when it is kana, and a greedy
segmentation over every surface the data gives a reading for.
"""

from __future__ import annotations

import re

from lessonplan.domain.models import KitWord
from lessonplan.planners.offline.data import Curriculum
from lessonplan.planners.offline.kana import is_kana_char, is_kana_text, romanize
from lessonplan.planners.offline.text import Word

_MAX_SEGMENT = 12
_WORD_RE = re.compile(r"[a-z][a-z'-]*")


def tokens(text: str) -> list[str]:
    """Lower-case English words of ``text`` (for keyword matching)."""
    return _WORD_RE.findall(text.lower())


def matches(keyword: str, words: list[str], text: str) -> bool:
    """Does a keyword (single word or phrase) occur in the text?"""
    keyword = keyword.lower()
    if " " in keyword or "-" in keyword:
        return keyword in text.lower()
    return keyword in words


def reading_of(text: str, curriculum: Curriculum, *, partial: bool = False) -> str | None:
    """A kana reading for ``text`` by longest match over known surfaces, or None.

    With ``partial``, characters nothing can read are kept as they are instead of giving up: the
    last resort for kit items, which a lesson must show even when no reading is known.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        for size in range(min(_MAX_SEGMENT, len(text) - i), 0, -1):
            reading = curriculum.readings.get(text[i : i + size])
            if reading is not None:
                out.append(reading)
                i += size
                break
        else:
            if is_kana_char(char) or is_kana_text(char):
                out.append(char)
                i += 1
                continue
            if not partial:
                return None
            out.append(char)
            i += 1
    return "".join(out)


def resolve_word(
    surface: str, curriculum: Curriculum, kit_words: dict[str, KitWord] | None = None
) -> Word | None:
    """A :class:`Word` with a kana reading for ``surface``, or None when no reading is known."""
    kit = (kit_words or {}).get(surface)
    known = curriculum.lexicon.get(surface)
    meaning = (kit.meaning if kit and kit.meaning else "") or (known.meaning if known else "")
    pos = known.pos if known else "noun"
    if kit and kit.reading and is_kana_text(kit.reading):
        return Word(surface, kit.reading, romanize(kit.reading), meaning or surface, pos)
    if known:
        return Word(known.surface, known.reading, known.romaji, meaning, known.pos)
    reading = reading_of(surface, curriculum)
    if reading is None:
        return None
    return Word(surface, reading, romanize(reading), meaning or surface, pos)
