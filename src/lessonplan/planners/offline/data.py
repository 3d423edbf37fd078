"""Loading the bundled catalog and curriculum data (read once, through importlib.resources).

The JSON files under ``data/`` are the offline planner's whole knowledge: topics, vocabulary
buckets, grammar patterns by level, scenario and role templates, cultural themes, discourse
markers, registers and sentence templates. They are parsed into frozen values so the planner's
choices cannot change them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lessonplan.domain.lesson import TargetText
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.planners.offline.text import Word, template_tokens


@dataclass(frozen=True)
class Topic:
    key: str
    en: str
    ja: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]


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
class LineTemplate:
    polite: str
    plain: str
    translation: str

    def for_register(self, register: str) -> str:
        return self.plain if register == "plain" else self.polite


@dataclass(frozen=True)
class ScenarioData:
    key: str
    topic: str
    name: str
    setting: str
    keywords: tuple[str, ...]
    roles: tuple[RoleData, ...]
    opener: LineTemplate


@dataclass(frozen=True)
class GrammarPattern:
    id: str
    level: str
    label: str
    pattern_ja: str
    slots: tuple[str, ...]
    notes_en: str
    keywords: tuple[str, ...]
    frame: str
    frame_translation: str
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
    reading: str
    romaji: str
    meaning: str
    level: str


@dataclass(frozen=True)
class DialogueLine:
    key: str
    speaker: str
    line: LineTemplate


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
    registers: dict[str, dict[str, str]]
    dialogue: dict[str, DialogueLine]
    generic_opener: LineTemplate
    reading: tuple[tuple[str, str], ...]
    reading_title: tuple[str, str]
    meta_example: tuple[str, str]
    lexicon: dict[str, Word]
    readings: dict[str, str]

    def topic(self, key: str) -> Topic:
        return next(t for t in self.topics if t.key == key)

    def bucket(self, key: str) -> BucketData:
        return next(b for b in self.buckets if b.key == key)


def _read_json(package: str, name: str) -> Any:
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def _data(name: str) -> Any:
    return _read_json("lessonplan.planners.offline", f"data/{name}")


def _word(raw: dict[str, str]) -> Word:
    return Word(raw["surface"], raw["reading"], raw["romaji"], raw["meaning"], raw["pos"])


def _line(raw: dict[str, str]) -> LineTemplate:
    return LineTemplate(raw["polite"], raw["plain"], raw["translation"])


def _known_readings(
    curriculum_parts: list[str], words: list[Word], markers: list[Marker]
) -> dict[str, str]:
    """Every surface whose reading the data states: words, markers and template tokens."""
    readings: dict[str, str] = {}
    for template in curriculum_parts:
        for surface, reading in template_tokens(template):
            readings.setdefault(surface, reading)
    for word in words:
        readings.setdefault(word.surface, word.reading)
    for marker in markers:
        readings.setdefault(marker.surface, marker.reading)
    return readings


@cache
def load_curriculum() -> Curriculum:
    """The bundled curriculum, parsed once per process."""
    topics_raw = _data("topics.json")
    topics = tuple(
        Topic(t["key"], t["en"], t["ja"], tuple(t["aliases"]), tuple(t["keywords"]))
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
            frame=g["frame"],
            frame_translation=g["frame_translation"],
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
            opener=_line(s["opener"]),
        )
        for s in _data("scenarios.json")["scenarios"]
    )
    themes = tuple(
        Theme(t["topic"], t["en"], t["ja"], tuple(t["tags"]))
        for t in _data("culture.json")["themes"]
    )
    markers = tuple(
        Marker(m["surface"], m["reading"], m["romaji"], m["meaning"], m["level"])
        for m in _data("discourse.json")["markers"]
    )
    templates = _data("templates.json")
    dialogue = {
        d["key"]: DialogueLine(d["key"], d["speaker"], _line(d)) for d in templates["dialogue"]
    }
    reading = tuple((r["template"], r["translation"]) for r in templates["reading"])
    words = [w for b in buckets for w in b.items]
    lexicon: dict[str, Word] = {}
    for word in words:
        lexicon.setdefault(word.surface, word)
    template_texts = (
        [g.frame for g in grammar]
        + [t for s in scenarios for t in (s.opener.polite, s.opener.plain)]
        + [t for d in dialogue.values() for t in (d.line.polite, d.line.plain)]
        + [r[0] for r in reading]
    )
    return Curriculum(
        topics=topics,
        default_topic=topics_raw["default_topic"],
        level_general={k: tuple(v) for k, v in topics_raw["level_general_buckets"].items()},
        buckets=buckets,
        grammar=grammar,
        scenarios=scenarios,
        themes=themes,
        markers=markers,
        registers=_data("registers.json")["registers"],
        dialogue=dialogue,
        generic_opener=_line(templates["generic_opener"]),
        reading=reading,
        reading_title=(
            templates["reading_title"]["template"],
            templates["reading_title"]["translation"],
        ),
        meta_example=(
            templates["meta_example"]["template"],
            templates["meta_example"]["translation"],
        ),
        lexicon=lexicon,
        readings=_known_readings(template_texts, words, list(markers)),
    )


@cache
def _catalog() -> tuple[CanDoDescriptor, ...]:
    raw = _read_json("lessonplan", "data/catalog.json")
    return tuple(CanDoDescriptor.model_validate(d) for d in raw)


def load_catalog() -> list[CanDoDescriptor]:
    """The bundled Can-Do descriptors (parsed once; a fresh list each call)."""
    return list(_catalog())
