"""The text layer's caches and shortcuts change how fast it answers, never what it answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jaconv

from lessonplan.japanese import annotate, has_kana, has_kanji
from lessonplan.japanese.annotate import forget_texts
from lessonplan.japanese.kana import normalize_width
from lessonplan.planners.offline import data as offline_data

OFFLINE_DATA = Path(offline_data.__file__).parent / "data"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _japanese_corpus() -> list[str]:
    """Every Japanese string of the embedded offline lessons (dialogues, readings, words)."""
    texts: set[str] = set()
    for path in sorted(OFFLINE_DATA.glob("*.json")):
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            if has_kana(text) or has_kanji(text):
                texts.add(text)
    return sorted(texts)


def test_a_text_reads_the_same_whatever_was_annotated_before() -> None:
    """Words are analysed once per (surface, dictionary entry) and romanised once per kana:
    each text annotated in a process that has seen nothing equals the same text annotated
    after all the others."""
    texts = _japanese_corpus()
    assert len(texts) > 300, "the corpus should cover the embedded lessons"
    alone = []
    for text in texts:
        forget_texts()
        alone.append(annotate(text))
    forget_texts()
    after_the_others = [annotate(text) for text in reversed(texts)][::-1]
    for text, first, later in zip(texts, alone, after_the_others, strict=True):
        assert later == first, text
    forget_texts()


def test_width_normalising_matches_jaconv_on_every_character() -> None:
    """The shortcut for text without full-width ASCII or half-width kana returns what jaconv's
    two passes return, for every character of the Basic Multilingual Plane and for half-width
    katakana with their sound marks."""

    def jaconv_passes(text: str) -> str:
        text = jaconv.z2h(text, kana=False, ascii=True, digit=True)
        return str(jaconv.h2z(text, kana=True, ascii=False, digit=False))

    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert normalize_width(char) == jaconv_passes(char), hex(code)
    for text in ("ｶﾞｲﾄﾞ", "ﾊﾟﾝ", "ＪＲの駅", "３時　です", "東京タワー"):
        assert normalize_width(text) == jaconv_passes(text), text
