"""Language tags as prompts name them: ``es`` is Spanish, ``pt-BR`` Portuguese (pt-BR).

Pure. The prompts say which language a lesson teaches by name (a model follows "Spanish" better
than "es"); a tag missing from the table is named by the tag itself.
"""

from __future__ import annotations

# ISO 639-1 codes of the languages most often taught, and a few more; extend as needed.
LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


def primary_subtag(tag: str) -> str:
    """``pt-BR`` -> ``pt``."""
    return tag.split("-")[0].lower()


def is_japanese(tag: str) -> bool:
    return primary_subtag(tag) == "ja"


def language_name(tag: str) -> str:
    """``es`` -> ``Spanish``; ``pt-BR`` -> ``Portuguese (pt-BR)``; ``tlh`` -> ``the language
    tagged "tlh"``."""
    name = LANGUAGE_NAMES.get(primary_subtag(tag))
    if name is None:
        return f'the language tagged "{tag}"'
    return name if "-" not in tag else f"{name} ({tag})"
