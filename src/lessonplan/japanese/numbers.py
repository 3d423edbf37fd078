"""Readings of numbers written in Arabic digits or kanji numerals, with their counters.

The analyser gives digits no reading at all and reads 1日 as か and 1回 as いちかい; these rules,
driven by the counter table of the override lexicon, give 1日3回 いちにち さんかい, 3本 さんぼん,
4時 よじ, 5月1日 ごがつ ついたち.
"""

from __future__ import annotations

from lessonplan.japanese.lexicon import LEXICON

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAN = 10_000
_JUU = "じゅう"


def parse_number(text: str) -> int | None:
    """``"1,000"``, ``"３"``, ``"二十一"`` → int; ``None`` when the text is not a number."""
    plain = text.replace(",", "").replace("，", "")
    plain = plain.translate({0xFF10 + d: 0x30 + d for d in range(10)})
    if plain.isascii() and plain.isdigit():
        return int(plain)
    if not plain or any(
        c not in _KANJI_DIGITS and c not in _KANJI_UNITS and c not in "万億" and not c.isdigit()
        for c in plain
    ):
        return None
    if all(c in _KANJI_DIGITS for c in plain):
        return int("".join(str(_KANJI_DIGITS[c]) for c in plain))
    total, section, digit = 0, 0, 0
    for char in plain:
        if char.isascii() and char.isdigit():  # 6万2千: digits between the units
            digit = digit * 10 + int(char)
        elif char in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[char]
        elif char in _KANJI_UNITS:
            section += (digit or 1) * _KANJI_UNITS[char]
            digit = 0
        else:
            unit = 100_000_000 if char == "億" else _MAN
            total += (section + digit or 1) * unit
            section, digit = 0, 0
    return total + section + digit


def _below_man(n: int) -> str:
    digits = LEXICON.digits
    out = ""
    thousands, rest = divmod(n, 1000)
    if thousands:
        out += {1: "せん", 3: "さんぜん", 8: "はっせん"}.get(
            thousands, digits[str(thousands)] + "せん"
        )
    hundreds, rest = divmod(rest, 100)
    if hundreds:
        special = {1: "ひゃく", 3: "さんびゃく", 6: "ろっぴゃく", 8: "はっぴゃく"}
        out += special.get(hundreds, digits[str(hundreds)] + "ひゃく")
    tens, ones = divmod(rest, 10)
    if tens:
        out += ("" if tens == 1 else digits[str(tens)]) + _JUU
    if ones:
        out += digits[str(ones)]
    return out


def number_reading(n: int) -> str:
    """Kana reading of a non-negative integer (up to 10^12)."""
    if n == 0:
        return LEXICON.digits["0"]
    parts = []
    oku, rest = divmod(n, 100_000_000)
    man, rest = divmod(rest, _MAN)
    if oku:
        parts.append(_below_man(oku) + "おく")
    if man:
        parts.append(("いち" if man == 1 else _below_man(man)) + "まん")
    if rest:
        parts.append(_below_man(rest))
    return "".join(parts)


def counter_reading(n: int, counter: str) -> str | None:
    """Reading of *n* + *counter* (``3, "本"`` → さんぼん), or ``None`` for an unknown counter."""
    table = LEXICON.counters.get(counter)
    if table is None:
        return None
    key = str(n)
    if key in table:
        return table[key]
    whole_only = counter in {"つ"} or (counter == "人" and n % 10 in (1, 2))
    last = n % 10
    if not whole_only and n > 10:
        if last and str(last) in table:
            return number_reading(n - last) + table[str(last)]
        base = number_reading(n)
        if last == 0 and n % 100 and "10" in table and base.endswith(_JUU):
            return base[: -len(_JUU)] + table["10"]
    return number_reading(n) + table["default"]


def date_reading(n: int, *, after_month: bool) -> str:
    """N日: a day of the month after 月 (1日 ついたち), else a count of days (1日 いちにち)."""
    dates = LEXICON.dates
    if n == 1 and not after_month:
        return dates["one_day"]
    if str(n) in dates:
        return dates[str(n)]
    return number_reading(n) + dates["default"]


def nani_reading(following: str) -> str:
    """何 is なん before です, の, counters...; なに otherwise (何を, 何が, 何か, 何も)."""
    nani = LEXICON.nani
    return "なん" if any(following.startswith(w) for w in nani.nan_before) else nani.default


def nani_counter_reading(counter: str) -> str | None:
    """何 + counter: 何本 なんぼん, 何階 なんがい, 何分 なんぷん (the sound after ん, as in 3)."""
    table = LEXICON.counters.get(counter)
    if table is None:
        return None
    after_n = table.get("3", "")
    if after_n.startswith("さん"):
        return "なん" + after_n[len("さん") :]
    return "なん" + table["default"]
