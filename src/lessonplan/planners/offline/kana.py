"""Script helpers for the bundled Japanese data: is a text Japanese script, kanji numerals.

Readings and romaji are not made here: the Japanese text layer derives them from the surface.
"""

from __future__ import annotations

import re

_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9\uFF21-\uFF3A\uFF41-\uFF5A]")


def is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char in "々〆"


def is_kana_char(char: str) -> bool:
    return "\u3041" <= char <= "\u30ff"


def is_japanese_script(text: str) -> bool:
    """At least one kana or kanji, and no Latin letters or ASCII digits."""
    if _LATIN_OR_DIGIT.search(text):
        return False
    return any(is_kana_char(c) or is_kanji(c) for c in text)


def ascii_digits_to_kanji(text: str) -> str:
    """Replace ASCII digit runs by kanji numerals (1日3回 -> 一日三回) in Japanese fields."""
    digits = "〇一二三四五六七八九"

    def convert(match: re.Match[str]) -> str:
        return (
            kanji_number(int(match.group(0)))
            if len(match.group(0)) <= 4
            else "".join(digits[int(d)] for d in match.group(0))
        )

    return re.sub(r"[0-9]+", convert, text)


def kanji_number(value: int) -> str:
    """A kanji numeral for 0..9999 (三, 十二, 百五, 二千二十五)."""
    digits = "〇一二三四五六七八九"
    if value == 0:
        return "〇"
    parts = []
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        count, value = divmod(value, unit)
        if count:
            parts.append(("" if count == 1 else digits[count]) + name)
    if value:
        parts.append(digits[value])
    return "".join(parts)
