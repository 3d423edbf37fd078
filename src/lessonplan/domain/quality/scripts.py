"""Which script a target language is written in, and how a text is checked against it.

Pure. A descriptor's ``target_language`` (``ja``, ``es``, ``pt-BR``, ``sr-Latn``, ``zh-Hant``)
selects a :class:`ScriptCheck`: a script subtag wins (``sr-Latn`` is Latin), then the primary
subtag's table entry. A language missing from the table has no script check: the checks say so
with an ``info`` issue instead of guessing.

Japanese keeps the rule it always had (any kana or kanji makes a text Japanese; Latin letters in
it warn). Every other script is checked by share: a text is written in the script when it has
letters of it and no more letters of any other script; letters of another script in it warn
(Latin inside Korean, kana inside Chinese, Cyrillic inside Spanish).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptCheck:
    """A target script: ``target`` chars make text count as written in it; ``foreign`` warn.

    ``by_share``: a text is in the script only when its ``target`` letters outnumber the letters
    of every other script (``foreign`` then matches any letter, ``target`` ones excepted).
    """

    name: str
    target: re.Pattern[str]
    foreign: re.Pattern[str]
    foreign_name: str = "Latin letters"
    by_share: bool = False


_ANY_LETTER = re.compile(r"[^\W\d_]")
_OTHER = "letters of another script"


def _alphabet(name: str, ranges: str) -> ScriptCheck:
    return ScriptCheck(
        name=name,
        target=re.compile(f"[{ranges}]"),
        foreign=_ANY_LETTER,
        foreign_name=_OTHER,
        by_share=True,
    )


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
# Basic Latin, Latin-1 letters, Latin Extended-A/B and Additional (ñ, ç, ß, ő, ơ, ệ...).
LATIN = _alphabet(
    "Latin script", "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
)
CYRILLIC = _alphabet("Cyrillic script", "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f")
GREEK = _alphabet("Greek script", "\u0370-\u03ff\u1f00-\u1fff")
HANGUL = _alphabet("Hangul", "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff")
HAN = _alphabet(
    "Chinese characters", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
)
ARABIC = _alphabet("Arabic script", "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff")
HEBREW = _alphabet("Hebrew script", "\u0590-\u05ff\ufb1d-\ufb4f")
THAI = _alphabet("Thai script", "\u0e00-\u0e7f")
DEVANAGARI = _alphabet("Devanagari", "\u0900-\u097f\ua8e0-\ua8ff")

SCRIPTS: dict[str, ScriptCheck] = {
    "japanese": JAPANESE,
    "latin": LATIN,
    "cyrillic": CYRILLIC,
    "greek": GREEK,
    "hangul": HANGUL,
    "han": HAN,
    "arabic": ARABIC,
    "hebrew": HEBREW,
    "thai": THAI,
    "devanagari": DEVANAGARI,
}

_LANGUAGES: dict[str, str] = {
    "latin": "af ca cs cy da de en eo es et eu fi fil fr ga gl hr hu id is it la lt lv ms mt nb "
    "nl nn no pl pt ro sk sl sq sv sw tl tr vi",
    "cyrillic": "be bg kk ky mk mn ru sr tg uk",
    "greek": "el",
    "hangul": "ko",
    "han": "zh yue",
    "japanese": "ja",
    "arabic": "ar fa ur",
    "hebrew": "he yi",
    "thai": "th",
    "devanagari": "hi mr ne",
}
LANGUAGE_SCRIPTS: dict[str, str] = {
    language: script for script, languages in _LANGUAGES.items() for language in languages.split()
}
# ISO 15924 subtags (``sr-Latn``, ``zh-Hant``) as a tag may carry them.
SUBTAG_SCRIPTS: dict[str, str] = {
    "latn": "latin",
    "cyrl": "cyrillic",
    "grek": "greek",
    "hang": "hangul",
    "kore": "hangul",
    "hans": "han",
    "hant": "han",
    "hani": "han",
    "jpan": "japanese",
    "arab": "arabic",
    "hebr": "hebrew",
    "thai": "thai",
    "deva": "devanagari",
}


def primary_language(tag: str) -> str:
    """``pt-BR`` -> ``pt``."""
    return tag.split("-")[0].strip().lower()


def is_japanese(tag: str) -> bool:
    return primary_language(tag) == "ja"


def script_name_for(tag: str) -> str | None:
    """The :data:`SCRIPTS` key of a language tag's script, or ``None`` when none is known."""
    for subtag in tag.split("-")[1:]:
        if len(subtag) == 4 and subtag.lower() in SUBTAG_SCRIPTS:
            return SUBTAG_SCRIPTS[subtag.lower()]
    return LANGUAGE_SCRIPTS.get(primary_language(tag))


def script_for(tag: str) -> ScriptCheck | None:
    """The :class:`ScriptCheck` of a language tag, or ``None`` for a language not in the table."""
    name = script_name_for(tag)
    return SCRIPTS[name] if name is not None else None


def letter_counts(text: str, script: ScriptCheck) -> tuple[int, int]:
    """(letters of the script, letters of any other script) in ``text``."""
    target = foreign = 0
    for char in text:
        if script.target.match(char):
            target += 1
        elif script.foreign.match(char):
            foreign += 1
    return target, foreign
