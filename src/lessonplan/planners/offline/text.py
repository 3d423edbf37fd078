"""Sentence templates and conjugation: how the offline planner writes Japanese it can read aloud.

A template is a space-separated token list. A token is kana or punctuation (its own reading),
``surface|reading`` for kanji, or a slot ``{N1}``, ``{V1:te}``, ``{A1:polite}``; a leading ``+``
glues the token to the previous one in the romanisation. Surface and reading are concatenated
without spaces; romaji keeps word spaces. Slots are filled with :class:`Word` values, conjugated
here, so every generated sentence carries its reading and romaji.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessonplan.domain.lesson import TargetText
from lessonplan.planners.offline.kana import romanize, romanize_token

VERB_POS = ("verb-godan", "verb-ichidan", "verb-suru", "verb-kuru")
ADJ_POS = ("adj-i", "adj-na")


@dataclass(frozen=True)
class Word:
    """A vocabulary entry: surface, kana reading, romaji, English meaning, part of speech."""

    surface: str
    reading: str
    romaji: str
    meaning: str
    pos: str

    @property
    def english(self) -> str:
        """The meaning as it fits an English template ("to rest" -> "rest")."""
        return self.meaning.removeprefix("to ") if self.is_verb else self.meaning

    @property
    def is_verb(self) -> bool:
        return self.pos in VERB_POS

    @property
    def is_adjective(self) -> bool:
        return self.pos in ADJ_POS

    @property
    def is_noun(self) -> bool:
        return self.pos == "noun"


_GODAN = {
    "う": ("い", "って", "った", "わ"),
    "く": ("き", "いて", "いた", "か"),
    "ぐ": ("ぎ", "いで", "いだ", "が"),
    "す": ("し", "して", "した", "さ"),
    "つ": ("ち", "って", "った", "た"),
    "ぬ": ("に", "んで", "んだ", "な"),
    "ぶ": ("び", "んで", "んだ", "ば"),
    "む": ("み", "んで", "んだ", "ま"),
    "る": ("り", "って", "った", "ら"),
}


def _verb_forms(text: str, pos: str, *, reading: bool) -> dict[str, str]:
    if pos == "verb-suru" and text.endswith("する"):
        base = text[:-2]
        stem, te, ta, nai = base + "し", base + "して", base + "した", base + "しない"
    elif pos == "verb-kuru":
        base = text[:-2] if text.endswith("くる") else text[:-1]
        if reading:
            stem, te, ta, nai = base + "き", base + "きて", base + "きた", base + "こない"
        else:
            stem, te, ta, nai = base, base + "て", base + "た", base + "ない"
    elif pos == "verb-ichidan":
        base = text[:-1]
        stem, te, ta, nai = base, base + "て", base + "た", base + "ない"
    else:
        base, ending = text[:-1], text[-1]
        i_row, te_end, ta_end, a_row = _GODAN.get(ending, ("", "", "", ""))
        if text.endswith(("行く", "いく")):
            te_end, ta_end = "って", "った"
        stem, te, ta, nai = base + i_row, base + te_end, base + ta_end, base + a_row + "ない"
    return {"dict": text, "stem": stem, "masu": stem + "ます", "te": te, "ta": ta, "nai": nai}


def _adjective_forms(text: str, pos: str) -> dict[str, str]:
    if pos == "adj-i":
        return {"bare": text, "polite": text + "です", "plain": text, "attr": text}
    return {"bare": text, "polite": text + "です", "plain": text + "だ", "attr": text + "な"}


def inflected_romaji(word: Word, form: str, reading: str) -> str:
    """Romaji for an inflected word, spaced as a learner reads it (annai shite, itai desu)."""
    if not form or form == "dict":
        return word.romaji or romanize(word.reading)
    if word.pos == "verb-suru" and word.reading.endswith("する") and len(word.reading) > 2:
        base = word.reading[:-2]
        return f"{romanize(base)} {romanize(reading[len(base) :])}"
    if reading.startswith(word.reading) and len(reading) > len(word.reading):
        suffix = reading[len(word.reading) :]
        return f"{word.romaji or romanize(word.reading)} {romanize(suffix)}"
    return romanize(reading)


def inflect(word: Word, form: str) -> tuple[str, str]:
    """``(surface, reading)`` of ``word`` in ``form`` (masu, te, ta, nai, stem, polite...)."""
    if not form or form == "dict":
        return word.surface, word.reading
    if word.is_verb:
        surfaces = _verb_forms(word.surface, word.pos, reading=False)
        readings = _verb_forms(word.reading, word.pos, reading=True)
    elif word.is_adjective:
        surfaces = _adjective_forms(word.surface, word.pos)
        readings = _adjective_forms(word.reading, word.pos)
    else:
        surfaces = {"polite": word.surface + "です", "plain": word.surface + "だ"}
        readings = {"polite": word.reading + "です", "plain": word.reading + "だ"}
    if form not in surfaces:
        return word.surface, word.reading
    return surfaces[form], readings[form]


_ATTACH_LEFT = set("。、？！」』")
_SENTENCE_START = re.compile(r'(?:^|[.?!]"? )"?[a-z]')


def render(template: str, slots: dict[str, Word], translation: str) -> TargetText:
    """Fill ``template`` and its English ``translation`` from ``slots`` (keys like ``N1``)."""
    surface: list[str] = []
    reading: list[str] = []
    romaji = ""
    attach_next = True
    for raw in template.split():
        glue = raw.startswith("+")
        token = raw[1:] if glue else raw
        if token.startswith("{") and token.endswith("}"):
            name, _, form = token[1:-1].partition(":")
            word = slots[name]
            surf, read = inflect(word, form)
            roma = inflected_romaji(word, form, read)
        elif "|" in token:
            surf, read = token.split("|", 1)
            roma = romanize(read)
        else:
            surf = read = token
            roma = romanize_token(token)
        surface.append(surf)
        reading.append(read)
        if token == "「":
            romaji += ("" if attach_next else " ") + '"'
            attach_next = True
            continue
        if token == "」":
            romaji += '"'
            continue
        if glue or attach_next or token in _ATTACH_LEFT:
            romaji += roma
        else:
            romaji += " " + roma
        attach_next = False
    english = translation
    for name, word in slots.items():
        english = english.replace("{" + name + "}", word.english)
    romaji = _SENTENCE_START.sub(lambda m: m.group(0).upper(), romaji.strip())
    return TargetText(
        surface="".join(surface),
        reading="".join(reading),
        romaji=romaji,
        translation=english,
    )


def template_tokens(template: str) -> list[tuple[str, str]]:
    """The fixed ``(surface, reading)`` pairs of a template (used to learn readings)."""
    pairs = []
    for raw in template.split():
        token = raw.lstrip("+")
        if token.startswith("{"):
            continue
        surf, _, read = token.partition("|")
        pairs.append((surf, read or surf))
    return pairs
