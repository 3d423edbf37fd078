"""Does a text use a word? Japanese through its conjugation matcher, other languages neutrally.

Pure. Japanese words are matched in any common inflected form by
:func:`lessonplan.domain.inflection.contains_word`. Other languages get a language-neutral rule
by script: in scripts written with spaces (Latin, Cyrillic, Greek...) a word or phrase matches
whole words, case-insensitively, spaces flexible; a plan item given with its article (``el
café``, ``la cuenta``, ``le menu``) also matches without it or with another article (``un
café``). Korean matches at the start of a word (particles follow: 커피를); Chinese and Thai,
written without spaces, as a substring. Verb inflection is not modelled outside Japanese: a
bucket item is expected as written (the prompts ask for it verbatim).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.quality.scripts import is_japanese, primary_language, script_name_for

# Articles a plan item may start with, by language; another one, or none, may stand in the text.
ARTICLES: dict[str, tuple[str, ...]] = {
    "es": ("el", "la", "los", "las", "un", "una", "unos", "unas"),
    "pt": ("o", "a", "os", "as", "um", "uma", "uns", "umas"),
    "it": ("il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "l'"),
    "fr": ("le", "la", "les", "un", "une", "des", "l'", "du"),
    "ca": ("el", "la", "els", "les", "un", "una", "l'"),
    "de": ("der", "die", "das", "den", "dem", "des", "ein", "eine", "einen"),
    "nl": ("de", "het", "een"),
    "en": ("the", "a", "an"),
}
_UNSPACED = {"han", "thai"}


def _strip_article(word: str, language: str) -> str:
    lowered = word.casefold()
    for article in ARTICLES.get(primary_language(language), ()):
        if article.endswith("'") and lowered.startswith(article) and len(word) > len(article):
            return word[len(article) :].strip()
        if lowered.startswith(article + " ") and len(word) > len(article) + 1:
            return word[len(article) + 1 :].strip()
    return word


@lru_cache(maxsize=4096)
def _word_pattern(word: str, language: str, *, open_end: bool) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in word.split())
    end = "" if open_end else r"(?!\w)"
    return re.compile(rf"(?<!\w){body}{end}", re.IGNORECASE)


def uses_word(text: str, word: str, language: str = "ja") -> bool:
    """``word`` (a plan item, a kit word, an expression) occurs in ``text``."""
    if is_japanese(language):
        return contains_word(text, word)
    word = word.strip()
    if not word:
        return False
    script = script_name_for(language)
    if script in _UNSPACED:
        return word.casefold() in text.casefold()
    open_end = script == "hangul"
    if _word_pattern(word, language, open_end=open_end).search(text):
        return True
    bare = _strip_article(word, language)
    return bare != word and bool(_word_pattern(bare, language, open_end=open_end).search(text))
