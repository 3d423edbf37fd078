"""Script checks and kana-to-romaji conversion for the bundled Japanese data.

The offline planner builds sentences from templates at run time, so it derives romanisation from
the kana reading instead of storing one for every combination. Modified Hepburn, with the particles
は, へ and を romanised as wa, e and o when they stand alone as a token.
"""

from __future__ import annotations

import re

_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9\uFF21-\uFF3A\uFF41-\uFF5A]")
_KANA_PUNCT = set("。、？！「」『』・ー〜～（）　 ")

_SYLLABLES: dict[str, str] = {}


def _table(rows: str) -> None:
    for pair in rows.split():
        kana, roma = pair.split("=")
        _SYLLABLES[kana] = roma


_table(
    "あ=a い=i う=u え=e お=o か=ka き=ki く=ku け=ke こ=ko さ=sa し=shi す=su せ=se そ=so "
    "た=ta ち=chi つ=tsu て=te と=to な=na に=ni ぬ=nu ね=ne の=no は=ha ひ=hi ふ=fu へ=he "
    "ほ=ho ま=ma み=mi む=mu め=me も=mo や=ya ゆ=yu よ=yo ら=ra り=ri る=ru れ=re ろ=ro "
    "わ=wa ゐ=i ゑ=e を=o が=ga ぎ=gi ぐ=gu げ=ge ご=go ざ=za じ=ji ず=zu ぜ=ze ぞ=zo "
    "だ=da ぢ=ji づ=zu で=de ど=do ば=ba び=bi ぶ=bu べ=be ぼ=bo ぱ=pa ぴ=pi ぷ=pu ぺ=pe ぽ=po "
    "ぁ=a ぃ=i ぅ=u ぇ=e ぉ=o ゃ=ya ゅ=yu ょ=yo ゎ=wa ゔ=vu "
    "きゃ=kya きゅ=kyu きょ=kyo しゃ=sha しゅ=shu しょ=sho ちゃ=cha ちゅ=chu ちょ=cho "
    "にゃ=nya にゅ=nyu にょ=nyo ひゃ=hya ひゅ=hyu ひょ=hyo みゃ=mya みゅ=myu みょ=myo "
    "りゃ=rya りゅ=ryu りょ=ryo ぎゃ=gya ぎゅ=gyu ぎょ=gyo じゃ=ja じゅ=ju じょ=jo "
    "びゃ=bya びゅ=byu びょ=byo ぴゃ=pya ぴゅ=pyu ぴょ=pyo ぢゃ=ja ぢゅ=ju ぢょ=jo "
    "ふぁ=fa ふぃ=fi ふぇ=fe ふぉ=fo てぃ=ti でぃ=di でゅ=dyu とぅ=tu うぃ=wi うぇ=we うぉ=wo "
    "しぇ=she じぇ=je ちぇ=che ゔぁ=va ゔぃ=vi ゔぇ=ve ゔぉ=vo"
)
_PUNCT = {"。": ".", "、": ",", "？": "?", "！": "!", "・": " ", "〜": "~", "～": "~", "　": " "}
_PARTICLES = {"は": "wa", "へ": "e", "を": "o"}
_WHOLE_WORDS = {"こんにちは": "konnichiwa", "こんばんは": "konbanwa"}
_VOWELS = "aeiou"


def is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char in "々〆"


def is_kana_char(char: str) -> bool:
    return "\u3041" <= char <= "\u30ff"


def is_japanese_script(text: str) -> bool:
    """At least one kana or kanji, and no Latin letters or ASCII digits."""
    if _LATIN_OR_DIGIT.search(text):
        return False
    return any(is_kana_char(c) or is_kanji(c) for c in text)


def is_kana_text(text: str) -> bool:
    """A reading: kana, long-vowel marks, Japanese punctuation and spaces only."""
    return bool(text) and all(is_kana_char(c) or c in _KANA_PUNCT for c in text)


def to_hiragana(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        out.append(chr(code - 0x60) if 0x30A1 <= code <= 0x30F6 else char)
    return "".join(out)


def romanize_token(token: str) -> str:
    """Romanise one template token: a lone は, へ or を is a particle (wa, e, o)."""
    return _PARTICLES.get(token) or romanize(token)


def romanize(reading: str) -> str:
    """Hepburn romanisation of a kana reading (katakana is accepted too)."""
    if reading in _WHOLE_WORDS:
        return _WHOLE_WORDS[reading]
    kana = to_hiragana(reading)
    out: list[str] = []
    geminate = False
    i = 0
    while i < len(kana):
        char = kana[i]
        pair = kana[i : i + 2]
        if char == "っ":
            geminate = True
            i += 1
            continue
        if char == "ー":
            last = next((c for c in reversed("".join(out)) if c in _VOWELS), "")
            out.append(last)
            i += 1
            continue
        if char == "ん":
            nxt = kana[i + 1 : i + 2]
            roma_next = _SYLLABLES.get(nxt, "")
            out.append("n'" if roma_next[:1] in tuple(_VOWELS + "y") and roma_next else "n")
            i += 1
            continue
        if len(pair) == 2 and pair in _SYLLABLES:
            roma = _SYLLABLES[pair]
            i += 2
        elif char in _SYLLABLES:
            roma = _SYLLABLES[char]
            i += 1
        else:
            roma = _PUNCT.get(char, char)
            i += 1
        if geminate and roma and roma[0] not in _VOWELS:
            roma = ("t" if roma.startswith("ch") else roma[0]) + roma
        geminate = False
        out.append(roma)
    return "".join(out)


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
