"""Loading the bundled catalog and the curriculum data of lessons nobody authored.

A descriptor with an authored lesson (``lessons/``) needs none of this. A user's imported
descriptor gets a vocabulary-and-grammar lesson planned from these JSON files: topics,
vocabulary buckets with meanings, grammar patterns by level with authored examples, scenario and
role data, cultural themes and discourse markers. They are parsed once into frozen values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lessonplan.domain.lesson import TargetText
from lessonplan.domain.models import CanDoDescriptor

VERB_POS = ("verb-godan", "verb-ichidan", "verb-suru", "verb-kuru")


@dataclass(frozen=True)
class Word:
    """A vocabulary entry of the bundled buckets: surface, reading, meaning, part of speech."""

    surface: str
    reading: str
    meaning: str
    pos: str

    @property
    def is_verb(self) -> bool:
        return self.pos in VERB_POS


@dataclass(frozen=True)
class Topic:
    key: str
    en: str
    ja: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    # Buckets of other topics this one also teaches from (a word stands in one bucket only).
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class BucketData:
    key: str
    topic: str | None
    name: str
    tags: tuple[str, ...]
    levels: tuple[str, ...]
    items: tuple[Word, ...]


@dataclass(frozen=True)
class RoleData:
    label: str
    side: str  # "learner" or "partner"
    relation: str  # "peer", "staff", "expert", ...
    register: str


@dataclass(frozen=True)
class ScenarioData:
    key: str
    topic: str
    name: str
    setting: str
    keywords: tuple[str, ...]
    roles: tuple[RoleData, ...]


@dataclass(frozen=True)
class GrammarPattern:
    id: str
    level: str
    label: str
    pattern_ja: str
    slots: tuple[str, ...]
    notes_en: str
    keywords: tuple[str, ...]
    examples: tuple[TargetText, ...]


@dataclass(frozen=True)
class Theme:
    topic: str | None
    en: str
    ja: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Marker:
    surface: str
    meaning: str
    level: str


@dataclass(frozen=True)
class Curriculum:
    topics: tuple[Topic, ...]
    default_topic: str
    level_general: dict[str, tuple[str, ...]]
    buckets: tuple[BucketData, ...]
    grammar: tuple[GrammarPattern, ...]
    scenarios: tuple[ScenarioData, ...]
    themes: tuple[Theme, ...]
    markers: tuple[Marker, ...]
    lexicon: dict[str, Word]

    def topic(self, key: str) -> Topic:
        return next(t for t in self.topics if t.key == key)

    def bucket(self, key: str) -> BucketData:
        return next(b for b in self.buckets if b.key == key)


def _read_json(package: str, name: str) -> Any:
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def _data(name: str) -> Any:
    return _read_json("lessonplan.planners.offline", f"data/{name}")


def _word(raw: dict[str, str]) -> Word:
    return Word(raw["surface"], raw["reading"], raw["meaning"], raw["pos"])


@cache
def load_curriculum() -> Curriculum:
    """The bundled curriculum, parsed once per process."""
    topics_raw = _data("topics.json")
    topics = tuple(
        Topic(
            t["key"],
            t["en"],
            t["ja"],
            tuple(t["aliases"]),
            tuple(t["keywords"]),
            tuple(t.get("also_buckets", ())),
        )
        for t in topics_raw["topics"]
    )
    buckets = tuple(
        BucketData(
            b["key"],
            b["topic"],
            b["name"],
            tuple(b["tags"]),
            tuple(b["levels"]),
            tuple(_word(w) for w in b["items"]),
        )
        for b in _data("vocabulary.json")["buckets"]
    )
    grammar = tuple(
        GrammarPattern(
            id=g["id"],
            level=g["level"],
            label=g["label"],
            pattern_ja=g["pattern_ja"],
            slots=tuple(g["slots"]),
            notes_en=g["notes_en"],
            keywords=tuple(g["keywords"]),
            examples=tuple(TargetText.model_validate(e) for e in g["examples"]),
        )
        for g in _data("grammar.json")["patterns"]
    )
    scenarios = tuple(
        ScenarioData(
            key=s["key"],
            topic=s["topic"],
            name=s["name"],
            setting=s["setting"],
            keywords=tuple(s["keywords"]),
            roles=tuple(
                RoleData(r["label"], r["side"], r["relation"], r["register"]) for r in s["roles"]
            ),
        )
        for s in _data("scenarios.json")["scenarios"]
    )
    themes = tuple(
        Theme(t["topic"], t["en"], t["ja"], tuple(t["tags"]))
        for t in _data("culture.json")["themes"]
    )
    markers = tuple(
        Marker(m["surface"], m["meaning"], m["level"]) for m in _data("discourse.json")["markers"]
    )
    lexicon: dict[str, Word] = {}
    for word in (w for b in buckets for w in b.items):
        lexicon.setdefault(word.surface, word)
    return Curriculum(
        topics=topics,
        default_topic=topics_raw["default_topic"],
        level_general={k: tuple(v) for k, v in topics_raw["level_general_buckets"].items()},
        buckets=buckets,
        grammar=grammar,
        scenarios=scenarios,
        themes=themes,
        markers=markers,
        lexicon=lexicon,
    )


@cache
def _catalog() -> tuple[CanDoDescriptor, ...]:
    raw = _read_json("lessonplan", "data/catalog.json")
    return tuple(CanDoDescriptor.model_validate(d) for d in raw)


def load_catalog() -> list[CanDoDescriptor]:
    """The bundled Can-Do descriptors (parsed once; a fresh list each call)."""
    return list(_catalog())
