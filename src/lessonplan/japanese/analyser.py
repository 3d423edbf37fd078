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
    has_kanji,
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

PUNCTUATION_POS = {"補助記号", "記号", "空白"}


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
    segments: tuple[tuple[str, str | None], ...] = field(default=())

    @property
    def is_punctuation(self) -> bool:
        return self.pos in PUNCTUATION_POS

    @property
    def is_particle(self) -> bool:
        return self.pos == "助詞"


@lru_cache(maxsize=1)
def _tagger() -> Any:
    return fugashi.Tagger()


def _feature(node: Any, name: str) -> str:
    value = getattr(node.feature, name, None)
    return "" if value in (None, "*") else str(value)


def _default_reading(surface: str, kana: str) -> str:
    if is_katakana(surface):
        return surface
    if is_kana(surface):
        return surface
    if not kana:
        return surface
    return to_hiragana(kana)


def _raw_token(node: Any) -> Token:
    surface = node.surface
    lemma = _feature(node, "lemma") or surface
    reading = LEXICON.words.get(surface) or _default_reading(surface, _feature(node, "kana"))
    return Token(
        surface=surface,
        lemma=lemma.split("-")[0],
        base=_feature(node, "orthBase") or surface,
        pos=_feature(node, "pos1"),
        pos2=_feature(node, "pos2"),
        reading=reading,
        pron=_feature(node, "pron"),
        conj_type=_feature(node, "cType"),
        conj_form=_feature(node, "cForm"),
    )


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
            and not normalize_width(token.surface).isdigit()
            and not normalize_width(out[-1].surface).isdigit()
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
            if nxt is not None and nxt.surface == "日":
                after_month = bool(out) and out[-1].surface.endswith("月")
                reading = date_reading(value, after_month=after_month)
                out.append(_counter_token(token, nxt, reading))
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
        if token.surface == "日" and out and out[-1].surface.endswith("曜"):
            prev = out.pop()
            out.append(_with_reading(prev, prev.reading + "び", surface=prev.surface + "日"))
            i += 1
            continue
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
        out.append(token)
        i += 1
    return out


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


def _phrase_at(tokens: list[Token], i: int) -> tuple[int, str, str] | None:
    for length in (3, 2):
        surface = "".join(t.surface for t in tokens[i : i + length])
        if len(tokens) - i >= length and surface in LEXICON.phrases:
            return length, surface, LEXICON.phrases[surface]
    return None


def _with_reading(token: Token, reading: str, *, surface: str | None = None) -> Token:
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
    )


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[Token, ...]:
    raw = [_raw_token(node) for node in _tagger()(text)]
    return tuple(_apply_numbers(_merge_digit_groups(raw)))


def tokenize(text: str) -> list[Token]:
    """The analysed words of *text*, readings corrected by the override lexicon."""
    return list(_tokenize_cached(text))


def needs_reading(text: str) -> bool:
    """Kanji or digits: text whose reading is not simply its own kana."""
    return has_kanji(text) or any(c.isdigit() for c in text)
