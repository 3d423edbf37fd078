"""Kana utilities: script tests and conversions (a thin layer over jaconv)."""

from __future__ import annotations

import re

import jaconv

_KANJI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f々〆ヶ]")
_HIRAGANA = re.compile("[\u3041-\u309f]")
_KATAKANA = re.compile("[\u30a1-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_LATIN = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a]")
_DIGITS = re.compile("[0-9\uff10-\uff19]")
_KANA_ONLY = re.compile("^[\u3041-\u309f\u30a1-\u30ffー・]+$")
_KATAKANA_ONLY = re.compile("^[\u30a1-\u30ffー・]+$")
# Every character normalize_width changes (the ideographic space, full-width ASCII, half-width
# katakana and their sound marks): text without one is returned as it is, without jaconv's passes.
_WIDTH_VARIANT = re.compile("[\u3000\uff01-\uff5e\uff61-\uff9f]")


def has_kanji(text: str) -> bool:
    return bool(_KANJI.search(text))


def has_kana(text: str) -> bool:
    return bool(_HIRAGANA.search(text) or _KATAKANA.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def has_digits(text: str) -> bool:
    return bool(_DIGITS.search(text))


def is_kanji_char(char: str) -> bool:
    return bool(_KANJI.fullmatch(char))


def is_kana(text: str) -> bool:
    """Only kana (either script), long-vowel marks and middle dots."""
    return bool(_KANA_ONLY.match(text))


def is_katakana(text: str) -> bool:
    return bool(_KATAKANA_ONLY.match(text))


def to_hiragana(text: str) -> str:
    """Katakana → hiragana; the long-vowel mark ー is kept."""
    return str(jaconv.kata2hira(text))


def to_katakana(text: str) -> str:
    return str(jaconv.hira2kata(text))


def normalize_width(text: str) -> str:
    """Full-width ASCII letters and digits to half-width; half-width katakana to full-width."""
    if not _WIDTH_VARIANT.search(text):
        return text
    text = str(jaconv.z2h(text, kana=False, ascii=True, digit=True))
    return str(jaconv.h2z(text, kana=True, ascii=False, digit=False))


# A voiced kana and its unvoiced form (rendaku undone: ば → は, ぐ → く).
UNVOICED = dict(
    zip(
        "がぎぐげござじずぜぞだぢづでどばびぶべぼ",
        "かきくけこさしすせそたちつてとはひふへほ",
        strict=True,
    )
)
