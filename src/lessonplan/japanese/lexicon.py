"""The override lexicon: the analyser's known misses, kept as data (``data/overrides.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class NaniRule:
    nan_before: tuple[str, ...]
    default: str


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, str]
    nani: NaniRule
    digits: dict[str, str]
    counters: dict[str, dict[str, str]]
    dates: dict[str, str]
    after_proper_noun: dict[str, str]
    phrases: dict[str, str]
    kata_before_no: frozenset[str]


def load_lexicon() -> Lexicon:
    raw = json.loads(
        resources.files("lessonplan.japanese").joinpath("data/overrides.json").read_text("utf-8")
    )
    nani = raw["nani"]
    return Lexicon(
        words=dict(raw["words"]),
        nani=NaniRule(nan_before=tuple(nani["nan_before"]), default=nani["default"]),
        digits=dict(raw["digits"]),
        counters={k: dict(v) for k, v in raw["counters"].items()},
        dates=dict(raw["dates"]),
        after_proper_noun=dict(raw.get("after_proper_noun", {})),
        phrases=dict(raw.get("phrases", {})),
        kata_before_no=frozenset(raw.get("kata_before_no", [])),
    )


LEXICON = load_lexicon()
