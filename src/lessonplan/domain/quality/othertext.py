"""Checks of target-language texts in a language other than Japanese.

The Japanese text layer has nothing to say about Spanish or Korean, so these replace its
reading, furigana and romaji checks: each surface is written in the target language's script
(``script.missing`` error, ``script.mixed`` warning); a text carries no reading, romaji or
furigana (the prompts ask for none, and nothing derives them); a translation is in the
metalanguage: not in the target's script when the two scripts differ (``ja``'s
``text.translation_language`` check, for any script), and not a copy of the surface.
"""

from __future__ import annotations

import re
from typing import Any

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.quality.common import (
    error,
    script_issues,
    script_unchecked,
    texts_with_paths,
    warning,
)
from lessonplan.domain.quality.discourse import translation_english_issues
from lessonplan.domain.quality.scripts import letter_counts, script_for

_ASIDES = re.compile(r"\([^)]*\)|（[^）]*）|「[^」]*」|『[^』]*』|\"[^\"]*\"|“[^”]*”|«[^»]*»")
_WORD = re.compile(r"\w+")
# A translation equal to its surface is a copy from this many words on ("sí", "taxi", "chocolate"
# are the same word in two languages).
MIN_COPIED_WORDS = 3


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def check_other_text_fields(
    data: Any, *, language: str, metalanguage: str = "en", base: str = "$"
) -> list[QualityIssue]:
    """Script, annotations and translation of every TargetText in a stage of ``language``."""
    script = script_for(language)
    meta_script = script_for(metalanguage)
    issues: list[QualityIssue] = []
    texts = list(texts_with_paths(data, base))
    if script is None and texts:
        issues.append(script_unchecked(language, base))
    for path, text in texts:
        if script is not None:
            issues += script_issues(text.surface, f"{path}.surface", "text", script)
        if text.reading or text.romaji or text.furigana:
            msg = (
                f"{text.surface!r} carries a reading, romaji or furigana: those are for Japanese; "
                f"a {language} text has none."
            )
            issues.append(warning("text.annotation_unexpected", msg, path))
        gloss_free = _ASIDES.sub("", text.translation)
        if (
            script is not None
            and meta_script is not None
            and script != meta_script
            and letter_counts(gloss_free, script)[0] > 0
        ):
            msg = (
                f"translation {text.translation!r} is not in the metalanguage "
                f"({metalanguage}): it contains {script.name}."
            )
            issues.append(error("text.translation_language", msg, f"{path}.translation"))
        elif (
            len(surface_words := _words(text.surface)) >= MIN_COPIED_WORDS
            and _words(text.translation) == surface_words
        ):
            msg = (
                f"translation {text.translation!r} repeats the {language} surface; it is not "
                f"in the metalanguage ({metalanguage})."
            )
            issues.append(error("text.translation_language", msg, f"{path}.translation"))
        elif metalanguage == "en":
            issues += translation_english_issues(text.translation, f"{path}.translation")
    return issues
