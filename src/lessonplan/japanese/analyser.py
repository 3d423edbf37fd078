"""Morphological analysis: fugashi (MeCab) with the unidic-lite dictionary, plus the overrides.

:func:`tokenize` is the only place that runs the analyser. It returns :class:`Token` values with
a kana reading already corrected by the override lexicon: digits and numerals are read with
their counter (``3回`` becomes one token read さんかい), 何 is なに or なん by what follows, and
words the dictionary reads in an unusual way (私 わたくし, 日本 にっぽん) get their everyday
reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import fugashi

from lessonplan.japanese.kana import (
    UNVOICED,
    has_kana,
    has_kanji,
    has_latin,
    is_kana,
    is_katakana,
    normalize_width,
    to_hiragana,
)
from lessonplan.japanese.lexicon import LEXICON
from lessonplan.japanese.numbers import (
    counter_reading,
    date_reading,
    nani_counter_reading,
    nani_reading,
    number_reading,
    parse_number,
)

PUNCTUATION_POS = {"補助記号", "空白"}
# Latin letters as Japanese reads them (Mサイズ エムサイズ, JR ジェーアール, 2LDK にエルディーケー).
_LETTER_KANA = (
    "エー ビー シー ディー イー エフ ジー エイチ アイ ジェー ケー エル エム エヌ オー ピー "
    "キュー アール エス ティー ユー ブイ ダブリュー エックス ワイ ゼット"
)
LETTER_NAMES = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _LETTER_KANA.split(" "), strict=True))
MAX_SPELLED_LETTERS = 4
# Numeral units that join the digits around them into one number (6万2千 → 62000).
_UNITS = frozenset("十百千万億")
# What may stand before a word that starts a phrase (not the second half of a compound).
_PHRASE_BOUNDARY_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "記号"})


@dataclass(frozen=True)
class Token:
    """One word as the analyser sees it, with a corrected kana reading.

    ``reading`` is hiragana, except for words written in katakana, whose reading is their surface.
    ``pos`` is UniDic's top-level part of speech (名詞, 動詞, 助詞, 助動詞, 補助記号...),
    ``pos2`` the second level; ``base`` the dictionary form in the text's own spelling
    (くださる for ください). ``segments`` holds furigana pairs fixed by a rule
    (``("3", "さん"), ("回", "かい")``); empty when the reading is to be aligned with the surface.
    """

    surface: str
    lemma: str
    base: str
    pos: str
    pos2: str
    reading: str
    pron: str = ""
    conj_type: str = ""
    conj_form: str = ""
    kana_base: str = ""
    segments: tuple[tuple[str, str | None], ...] = field(default=())

    @property
    def is_punctuation(self) -> bool:
        if self.pos in PUNCTUATION_POS:
            return True
        # 記号 covers both "%" and a stray katakana syllable (ティ in グエン・ティ・マイ).
        return self.pos == "記号" and not (has_kana(self.surface) or has_latin(self.surface))

    @property
    def is_particle(self) -> bool:
        return self.pos == "助詞"


@lru_cache(maxsize=1)
def _tagger() -> Any:
    return fugashi.Tagger()


def _field(features: Any, name: str) -> str:
    value = getattr(features, name, None)
    return "" if value in (None, "*") else str(value)


def _spelled(surface: str) -> str | None:
    """An acronym of up to four Latin capitals read letter by letter (JR ジェーアール)."""
    letters = normalize_width(surface)
    short = letters.isascii() and letters.isalpha() and len(letters) <= MAX_SPELLED_LETTERS
    if short and (letters.isupper() or len(letters) == 1):
        return "".join(LETTER_NAMES[c] for c in letters.upper())
    return None


def _default_reading(surface: str, kana: str) -> str:
    if is_katakana(surface):
        return surface
    if is_kana(surface):
        return surface
    if has_latin(surface):
        return kana or _spelled(surface) or surface
    if not kana:
        return surface
    return to_hiragana(kana)


def _raw_token(node: Any) -> Token:
    surface = node.surface
    f = node.feature  # read once: the fields below all come from it
    lemma = _field(f, "lemma") or surface
    reading = LEXICON.words.get(surface) or _default_reading(surface, _field(f, "kana"))
    if surface.startswith("何時") and reading.startswith("いつ"):
        # 何時ごろ/何時頃 as one token: in lesson text 何時 asks the hour (なんじ), never いつ.
        reading = "なんじ" + reading[2:]
    return Token(
        surface=surface,
        lemma=lemma.split("-")[0],
        base=_field(f, "orthBase") or surface,
        pos=_field(f, "pos1"),
        pos2=_field(f, "pos2"),
        reading=reading,
        pron=_field(f, "pron"),
        conj_type=_field(f, "cType"),
        conj_form=_field(f, "cForm"),
        kana_base=_field(f, "kanaBase"),
    )


# The analysed word of each (surface, dictionary entry) seen: lessons repeat their words (and
# every lesson its particles), so a text's words are mostly known ones. Tokens are frozen.
_WORDS: dict[tuple[str, str], Token] = {}
_WORDS_MAX = 50_000


def _word(node: Any) -> Token:
    key = (node.surface, node.feature_raw)
    token = _WORDS.get(key)
    if token is None:
        if len(_WORDS) >= _WORDS_MAX:
            _WORDS.clear()
        token = _WORDS[key] = _raw_token(node)
    return token


def forget_analyses() -> None:
    """Empty the analyser's caches (texts and words), as in a process that has seen nothing."""
    _tokenize_cached.cache_clear()
    _WORDS.clear()


def _is_number(token: Token) -> bool:
    return (
        token.pos2 == "数詞" and token.surface != "何" and parse_number(token.surface) is not None
    )


def _merge_digit_groups(tokens: list[Token]) -> list[Token]:
    """``1`` ``,`` ``000`` → ``1,000`` (the analyser splits at the thousands separator)."""
    out: list[Token] = []
    for token in tokens:
        if (
            len(out) >= 2
            and _is_number(token)
            and normalize_width(token.surface).isdigit()
            and len(token.surface) == 3
            and out[-1].surface in {",", "，"}
            and _is_number(out[-2])
        ):
            sep = out.pop()
            head = out.pop()
            token = _number_token(head.surface + sep.surface + token.surface)
        elif (
            out
            and _is_number(token)
            and _is_number(out[-1])
            and (
                not (
                    normalize_width(token.surface).isdigit()
                    or normalize_width(out[-1].surface).isdigit()
                )
                or token.surface[-1] in _UNITS
                or out[-1].surface[-1] in _UNITS
            )
        ):
            token = _number_token(out.pop().surface + token.surface)
        out.append(token)
    return out


def _number_token(surface: str, reading: str | None = None) -> Token:
    value = parse_number(surface)
    assert value is not None
    text = reading or number_reading(value)
    return Token(
        surface=surface,
        lemma=surface,
        base=surface,
        pos="名詞",
        pos2="数詞",
        reading=text,
        segments=((surface, text),),
    )


def _counter_token(number: Token, counter: Token, reading: str) -> Token:
    """One token for number + counter; furigana split where the reading splits cleanly."""
    surface = number.surface + counter.surface
    value = parse_number(number.surface)
    assert value is not None
    plain = number_reading(value)
    counter_kana = to_hiragana(counter.reading)
    default = LEXICON.counters.get(counter.surface, {}).get("default", counter_kana)
    segments: tuple[tuple[str, str | None], ...]
    geminated = plain[:-1] + "っ"
    if reading.startswith(plain) and len(reading) > len(plain):
        segments = ((number.surface, plain), (counter.surface, reading[len(plain) :]))
    elif reading.startswith(geminated) and len(reading) > len(geminated):
        segments = ((number.surface, geminated), (counter.surface, reading[len(geminated) :]))
    elif reading.endswith(default) and len(reading) > len(default):
        segments = ((number.surface, reading[: -len(default)]), (counter.surface, default))
    else:
        segments = ((surface, reading),)
    if is_kana(counter.surface):
        segments = tuple(
            (text, None if text == counter.surface and is_kana(text) else kana)
            for text, kana in segments
        )
        if len(segments) == 1:
            segments = ((surface, reading),)
    return Token(
        surface=surface,
        lemma=surface,
        base=surface,
        pos="名詞",
        pos2="数詞",
        reading=reading,
        segments=segments,
    )


def _apply_numbers(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        phrase = _phrase_at(tokens, i)
        if phrase is not None:
            length, surface, reading = phrase
            out.append(
                Token(
                    surface=surface,
                    lemma=surface,
                    base=surface,
                    pos="名詞",
                    pos2="普通名詞",
                    reading=reading,
                )
            )
            i += length
            continue
        if token.surface == "中" and token.reading == "ちゅう" and out and out[-1].pos2 == "数詞":
            out.append(_with_reading(token, "じゅう"))  # 一日中, 一年中: all through
            i += 1
            continue
        if token.surface == "方" and token.reading == "ほう" and _person_kata(out):
            out.append(_with_reading(token, "かた"))  # 近所の方, あの方: a person
            i += 1
            continue
        if token.surface == "万" and out and out[-1].surface.startswith("数"):
            prev = out.pop()  # 数十万: some hundred thousand
            out.append(_with_reading(prev, prev.reading + "まん", surface=prev.surface + "万"))
            i += 1
            continue
        if token.surface == "何" and token.pos in {"名詞", "代名詞"}:
            following = "".join(t.surface for t in tokens[i + 1 : i + 3])
            counter = None if nxt is None else nani_counter_reading(nxt.surface)
            if nxt is not None and counter is not None:
                out.append(_counter_token_nani(token, nxt, counter))
                i += 2
                continue
            out.append(_with_reading(token, nani_reading(following)))
            i += 1
            continue
        if _is_number(token):
            value = parse_number(token.surface)
            assert value is not None
            if nxt is not None and nxt.surface == "日間":  # 5日間 いつかかん, 1日間 いちにちかん
                day = date_reading(value, after_month=False)
                days = _counter_token(token, nxt, day + "かん")
                segments = ((token.surface + "日", day), ("間", "かん"))
                out.append(_with_reading(days, days.reading, segments=segments))
                i += 2
                continue
            if nxt is not None and nxt.surface == "日":
                after_month = bool(out) and out[-1].surface.endswith("月")
                reading = date_reading(value, after_month=after_month)
                date = _counter_token(token, nxt, reading)
                if not reading.endswith(LEXICON.dates["default"]):
                    # ついたち, ふつか, はつか, じゅうよっか: one word over digits and 日, not
                    # the number's reading and the counter's (20日 is not 20[はつ]日[か])
                    date = _with_reading(date, reading, segments=((date.surface, reading),))
                out.append(date)
                i += 2
                continue
            if nxt is not None:
                reading_or_none = counter_reading(value, nxt.surface)
                if reading_or_none is not None:
                    out.append(_counter_token(token, nxt, reading_or_none))
                    i += 2
                    continue
            out.append(_number_token(token.surface))
            i += 1
            continue
        proper = LEXICON.after_proper_noun.get(token.surface)
        if proper and token.pos == "接尾辞" and out and out[-1].pos2 == "固有名詞":
            out.append(_with_reading(token, proper))
            i += 1
            continue
        if token.surface == "日" and out and _day_of(out[-1], token):
            prev = out.pop()  # 日曜日; 公開日, 記念日, 給料日: the day of ~, voiced び
            out.append(_with_reading(prev, prev.reading + "び", surface=prev.surface + "日"))
            i += 1
            continue
        out.append(token)
        i += 1
    return out


def _day_of(before: Token, day: Token) -> bool:
    """``before`` + ``day`` (日) is one word read 〜び: a weekday (日曜 + 日), or a common noun
    and 日 as a noun (the dictionary splits 公開日, 記念日, 給料日 and reads 日 ひ or にち;
    words such as 休日, 平日, 毎日 are single tokens and never reach this)."""
    if before.surface.endswith("曜"):
        return True
    return day.pos2 == "普通名詞" and (before.pos, before.pos2) == ("名詞", "普通名詞")


def _counter_token_nani(nani: Token, counter: Token, reading: str) -> Token:
    surface = nani.surface + counter.surface
    tail = reading[len("なん") :]
    kana_counter = is_kana(counter.surface)
    segments: tuple[tuple[str, str | None], ...] = (
        ("何", "なん"),
        (counter.surface, None if kana_counter else tail),
    )
    return Token(
        surface=surface,
        lemma=surface,
        base=surface,
        pos="名詞",
        pos2="数詞",
        reading=reading,
        segments=segments,
    )


def _person_kata(before: list[Token]) -> bool:
    """Is 方 here a person (かた): あの方, どの方, or 近所の方 after a listed word?"""
    if before and before[-1].surface in {"あの", "どの"}:
        return True
    return (
        len(before) >= 2
        and before[-1].surface == "の"
        and before[-2].surface in LEXICON.kata_before_no
    )


def _unvoiced_start(token: Token, previous: Token | None) -> Token:
    """箱 read バコ at the start of a phrase (緑の箱) is はこ: rendaku only inside a compound.

    unidic-lite sometimes picks the voiced variant of a word; when the word's own dictionary
    reading (kanaBase) starts unvoiced and nothing but a particle, an auxiliary, punctuation or
    the start of the sentence stands before it, the first kana is unvoiced again.
    """
    if previous is not None and previous.pos not in _PHRASE_BOUNDARY_POS:
        return token
    reading, base = token.reading, to_hiragana(token.kana_base)
    if not reading or not base or not has_kanji(token.surface) or is_kana(token.surface):
        return token
    unvoiced = UNVOICED.get(reading[0])
    if unvoiced is None or base[0] != unvoiced:
        return token
    return _with_reading(token, unvoiced + reading[1:])


@lru_cache(maxsize=1)
def _phrase_prefixes() -> frozenset[str]:
    """Every prefix of a lexicon phrase: a token that is none starts no phrase."""
    return frozenset(p[:k] for p in LEXICON.phrases for k in range(1, len(p) + 1))


def _phrase_at(tokens: list[Token], i: int) -> tuple[int, str, str] | None:
    if tokens[i].surface not in _phrase_prefixes():
        return None
    for length in (4, 3, 2):  # 一汁三菜 is four tokens
        surface = "".join(t.surface for t in tokens[i : i + length])
        if len(tokens) - i >= length and surface in LEXICON.phrases:
            return length, surface, LEXICON.phrases[surface]
    return None


def _with_reading(
    token: Token,
    reading: str,
    *,
    surface: str | None = None,
    segments: tuple[tuple[str, str | None], ...] = (),
) -> Token:
    return Token(
        surface=surface or token.surface,
        lemma=token.lemma,
        base=token.base,
        pos=token.pos,
        pos2=token.pos2,
        reading=reading,
        pron=token.pron,
        conj_type=token.conj_type,
        conj_form=token.conj_form,
        kana_base=token.kana_base,
        segments=segments,
    )


def _space(white: str) -> Token:
    return Token(surface=white, lemma=white, base=white, pos="空白", pos2="", reading=white)


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[Token, ...]:
    raw: list[Token] = []
    for node in _tagger()(text):
        white = getattr(node, "white_space", "")
        if white:  # MeCab drops spaces; keep them so readings and furigana spell the surface
            raw.append(_space(white))
        raw.append(_unvoiced_start(_word(node), raw[-1] if raw else None))
    from lessonplan.japanese.context import apply_context  # it reads Token from this module

    return tuple(apply_context(_apply_numbers(_merge_digit_groups(raw))))


def tokenize(text: str) -> list[Token]:
    """The analysed words of *text*, readings corrected by the override lexicon."""
    return list(_tokenize_cached(text))


def needs_reading(text: str) -> bool:
    """Kanji or digits: text whose reading is not simply its own kana."""
    return has_kanji(text) or any(c.isdigit() for c in text)
