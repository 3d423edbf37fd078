"""Checks of target-language texts against the Japanese text layer (for another target language:
:mod:`.othertext`).

Readings, furigana and romaji are derived by :mod:`lessonplan.japanese`; a text that carries its
own (a teacher's file, an old stored lesson, an LLM that wrote them anyway) must agree with it.
Romaji is compared after folding the long-vowel spellings (ō = ou = oo), so only real
differences count: a particle は written "ha", a different word, different spacing.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.quality.common import error, texts_with_paths, warning
from lessonplan.domain.quality.discourse import translation_english_issues
from lessonplan.domain.quality.othertext import check_other_text_fields
from lessonplan.domain.quality.roles import animacy_issues
from lessonplan.domain.quality.scripts import is_japanese
from lessonplan.japanese import (
    annotate,
    has_kana,
    has_kanji,
    has_latin,
    kana_to_romaji,
    to_hiragana,
)
from lessonplan.japanese.grammar import nonvolitional_requests

_READING_NOISE = re.compile(r"[\s\u3000、。，．,.!?！？「」『』\"'“”‘’…・:：;；()（）〜～~-]+")
_ROMAJI_NOISE = re.compile(r"[^a-z\s]+")
_ASIDES = re.compile(r"\([^)]*\)|（[^）]*）|「[^」]*」|『[^』]*』|\"[^\"]*\"")
_LONG = [("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ee", "e"), ("ii", "i")]


def _fold_reading(reading: str) -> str:
    return _READING_NOISE.sub("", to_hiragana(reading))


def fold_romaji(romaji: str) -> list[str]:
    """Romaji words, lower case, macrons and doubled vowels folded (tōkyō = toukyou = tookyoo)."""
    return _fold(romaji).split()


def _fold_joined(romaji: str) -> str:
    """The romaji folded as one word, so spacing cannot change how vowels fold."""
    return _fold("".join(_fold(romaji).split()))


def _fold(romaji: str) -> str:
    text = unicodedata.normalize("NFKD", romaji.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("'", "").replace("’", "").replace("-", "")
    text = _ROMAJI_NOISE.sub(" ", text)
    text = re.sub(r"m(?=[bpm])", "n", text).replace("cch", "tch")
    for long, short in _LONG:
        text = text.replace(long, short)
    return text


def check_text_fields(
    data: Any, *, metalanguage: str = "en", base: str = "$", language: str = "ja"
) -> list[QualityIssue]:
    """Reading, furigana, romaji and translation of every TargetText in a stage.

    For a target ``language`` other than Japanese: :func:`.othertext.check_other_text_fields`
    (script, no annotations, translation in the metalanguage) instead.
    """
    if not is_japanese(language):
        return check_other_text_fields(
            data, language=language, metalanguage=metalanguage, base=base
        )
    issues: list[QualityIssue] = []
    for path, text in texts_with_paths(data, base):
        ann = annotate(text.surface)
        if text.reading:
            issues += _reading_issues(text.reading, ann.reading, f"{path}.reading", text.surface)
        if text.reading and has_kanji(text.surface) and not text.furigana:
            msg = f"{text.surface!r} has no furigana segments (a whole-text reading is no ruby)."
            issues.append(warning("text.furigana_missing", msg, f"{path}.furigana"))
        elif text.furigana:
            rebuilt = "".join(s.text for s in text.furigana)
            if rebuilt != text.surface:
                msg = f"furigana segments spell {rebuilt!r}, not the surface {text.surface!r}."
                issues.append(error("text.furigana_surface", msg, f"{path}.furigana"))
            elif [(s.text, s.reading) for s in text.furigana] != [
                (s.text, s.reading) for s in ann.furigana
            ]:
                msg = f"furigana of {text.surface!r} differ from the text layer's."
                issues.append(warning("text.furigana_mismatch", msg, f"{path}.furigana"))
        if text.romaji:
            issues += _romaji_issues(text.romaji, ann.romaji, ann.reading, f"{path}.romaji")
        gloss_free = _ASIDES.sub("", text.translation)  # "castle (often お城)" is English
        if metalanguage != "ja" and (has_kana(gloss_free) or has_kanji(gloss_free)):
            msg = (
                f"translation {text.translation!r} is not in the metalanguage "
                f"({metalanguage}): it contains Japanese script."
            )
            issues.append(error("text.translation_language", msg, f"{path}.translation"))
        elif metalanguage == "en":
            issues += translation_english_issues(text.translation, f"{path}.translation")
        issues += animacy_issues(text.surface, f"{path}.surface")
        for verb in nonvolitional_requests(text.surface):
            msg = (
                f"{text.surface!r} asks for {verb}, which nobody can choose to do, "
                "with 〜てください/〜てみてください."
            )
            issues.append(error("grammar.nonvolitional_request", msg, f"{path}.surface"))
    return issues


def _reading_issues(
    reading: str, expected: str, path: str, surface: str = ""
) -> list[QualityIssue]:
    if has_kanji(reading) or (has_latin(reading) and not has_latin(surface)):
        msg = f"reading {reading!r} contains kanji or Latin letters; a reading is kana only."
        return [error("text.reading_script", msg, path)]
    if _fold_reading(reading) != _fold_reading(expected):
        msg = f"reading {reading!r} differs from the text layer's {expected!r}."
        return [warning("text.reading_mismatch", msg, path)]
    return []


def _romaji_issues(romaji: str, expected: str, reading: str, path: str) -> list[QualityIssue]:
    if has_kana(romaji) or has_kanji(romaji):
        msg = f"romaji {romaji!r} contains kana or kanji."
        return [error("text.romaji_script", msg, path)]
    theirs, ours = fold_romaji(romaji), fold_romaji(expected)
    if theirs == ours:
        return []
    if _fold_joined(romaji) == _fold_joined(expected):
        msg = f"romaji {romaji!r} spaces words unlike the convention: {expected!r}."
        return [warning("text.romaji_spacing", msg, path)]
    naive = _fold_joined(kana_to_romaji(_fold_reading(reading)))
    joined = "".join(ours)
    particle = [
        w
        for w in theirs
        if w not in ours
        and (
            w in {"ha", "he", "wo"}
            or (w.endswith("ha") and w[:-2] + "wa" in joined)
            or (w.endswith("wo") and w[:-2] + "o" in joined)
        )
    ]
    if particle or _fold_joined(romaji) == naive:
        msg = f"romaji {romaji!r} spells particles as written (ha/he/wo); expected {expected!r}."
        return [error("text.romaji_particle", msg, path)]
    msg = f"romaji {romaji!r} differs from the text layer's {expected!r}."
    return [warning("text.romaji_mismatch", msg, path)]
