"""The JF Standard's names (topics, language activities, sources) from ``data/jf_standard.json``.

Pure lookups over a bundled data file read once per process: which English name a JF topic
has, which offline curriculum topic teaches it, which canonical skill a 言語活動 value (or an
English word for it) names.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class JfTopic:
    ja: str
    en: str
    curriculum: str


@dataclass(frozen=True)
class JfVocabulary:
    topics: tuple[JfTopic, ...]
    topic_aliases: dict[str, str]
    skills: dict[str, str]
    skill_aliases: dict[str, str]
    sources: dict[str, str]

    def topic(self, name: str) -> JfTopic | None:
        """The JF topic named in Japanese or English (any case), or ``None``."""
        key = fold(name)
        key = fold(self.topic_aliases.get(key, key))
        return next((t for t in self.topics if key in (fold(t.ja), fold(t.en))), None)


def fold(text: str) -> str:
    """NFKC, trimmed, lower case: full-width Ａ２ is A2, Shopping is shopping."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@cache
def jf_vocabulary() -> JfVocabulary:
    raw: dict[str, Any] = json.loads(
        resources.files("lessonplan.catalog")
        .joinpath("data/jf_standard.json")
        .read_text(encoding="utf-8")
    )
    return JfVocabulary(
        topics=tuple(JfTopic(t["ja"], t["en"], t["curriculum"]) for t in raw["topics"]),
        topic_aliases={fold(k): v for k, v in raw["topic_aliases"].items()},
        skills={fold(k): v for k, v in raw["skills"].items()},
        skill_aliases={fold(k): v for k, v in raw["skill_aliases"].items()},
        sources={fold(k): v for k, v in raw["sources"].items()},
    )


def skill_key(value: str) -> str:
    """The canonical skill of a 言語活動 value or its English name (受容, Reception, listening
    → ``reception``); another value folded as it is."""
    vocab = jf_vocabulary()
    key = fold(value)
    if key in vocab.skills:
        return vocab.skills[key]
    if key in vocab.skill_aliases:
        return vocab.skill_aliases[key]
    return key
