"""What the stage builders share: the plan's words with readings, slot fillers, roles, markers.

Stages may be built from a plan the offline planner did not write (an LLM plan, when the offline
planner is the last fallback), so everything here reads the plan as given and looks up what the
bundled data knows about it, rather than assuming the plan came from :mod:`.plan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessonplan.domain.lesson import TargetText
from lessonplan.domain.models import DomainPlan, KitWord, PrelessonKit, Role, Scenario
from lessonplan.planners.offline.data import Curriculum, LineTemplate, ScenarioData
from lessonplan.planners.offline.kana import romanize
from lessonplan.planners.offline.lexicon import reading_of, resolve_word
from lessonplan.planners.offline.text import Word, render

_SLOT = re.compile(r"\{([A-Z])(\d)(?::[a-z]+)?\}")
_DEFAULTS = {"N": "町", "V": "行く", "A": "いい"}


def kit_word_map(kit: PrelessonKit) -> dict[str, KitWord]:
    return {w.surface.strip(): w for w in kit.words}


@dataclass(frozen=True)
class PlanWords:
    """The plan's items that have readings, in plan order, and which are plan items at all."""

    words: list[Word]
    buckets: dict[str, str]
    items: frozenset[str]

    def of_kind(self, kind: str) -> list[Word]:
        if kind == "V":
            return [w for w in self.words if w.is_verb]
        if kind == "A":
            return [w for w in self.words if w.is_adjective]
        return [w for w in self.words if w.is_noun]


def plan_words(plan: DomainPlan, curriculum: Curriculum, kit: PrelessonKit) -> PlanWords:
    kit_words = kit_word_map(kit)
    words: list[Word] = []
    buckets: dict[str, str] = {}
    for bucket in plan.lex_buckets:
        for item in bucket.items:
            if item in buckets:
                continue
            word = resolve_word(item, curriculum, kit_words)
            if word is None:
                continue
            buckets[item] = bucket.name
            words.append(word)
    # Words from the bundled data first: their part of speech is known, so templates fit them.
    known = [w for w in words if w.surface in curriculum.lexicon]
    other = [w for w in words if w.surface not in curriculum.lexicon]
    return PlanWords(known + other, buckets, frozenset(plan.all_items()))


class Fillers:
    """Hands out distinct plan words for template slots, rotating by an offset per use."""

    def __init__(self, words: PlanWords, curriculum: Curriculum) -> None:
        self._words = words
        self._curriculum = curriculum

    def pick(self, kind: str, count: int, offset: int = 0) -> list[Word]:
        pool = self._words.of_kind(kind)
        if not pool:
            return [self._curriculum.lexicon[_DEFAULTS[kind]]] * count
        return [pool[(offset + i) % len(pool)] for i in range(count)]

    def slots_for(self, template: str, offset: int = 0) -> dict[str, Word]:
        """Words for every ``{N1}``/``{V2:te}`` slot of ``template``."""
        wanted: dict[str, int] = {}
        for kind, number in _SLOT.findall(template):
            wanted[kind] = max(wanted.get(kind, 0), int(number))
        slots: dict[str, Word] = {}
        for kind, count in sorted(wanted.items()):
            for i, word in enumerate(self.pick(kind, count, offset)):
                slots[f"{kind}{i + 1}"] = word
        return slots

    def standard(self, offset: int = 0) -> dict[str, Word]:
        """N1–N3, V1–V2, A1 for the dialogue, the reading and the role-plays."""
        slots: dict[str, Word] = {}
        for kind, count in (("N", 3), ("V", 2), ("A", 1)):
            for i, word in enumerate(self.pick(kind, count, offset)):
                slots[f"{kind}{i + 1}"] = word
        return slots


def plan_items_in(slots: dict[str, Word], words: PlanWords) -> list[str]:
    return list(dict.fromkeys(w.surface for w in slots.values() if w.surface in words.items))


def scenario_data(name: str, curriculum: Curriculum) -> ScenarioData | None:
    wanted = name.strip().casefold()
    return next((s for s in curriculum.scenarios if s.name.casefold() == wanted), None)


def learner_and_partner(scenario: Scenario, curriculum: Curriculum) -> tuple[Role, Role | None]:
    """Which role the learner plays: the bundled data says so; otherwise the last role."""
    sides: dict[str, str] = {}
    data = scenario_data(scenario.name, curriculum)
    for s in ([data] if data else []) + list(curriculum.scenarios):
        for role in s.roles:
            sides.setdefault(role.label.casefold(), role.side)
    roles = scenario.roles
    learner = next((r for r in roles if sides.get(r.label.casefold()) == "learner"), roles[-1])
    partner = next((r for r in roles if r is not learner), None)
    return learner, partner


def opener(scenario: Scenario, curriculum: Curriculum) -> LineTemplate:
    data = scenario_data(scenario.name, curriculum)
    return data.opener if data else curriculum.generic_opener


def line(template: LineTemplate, register: str, slots: dict[str, Word]) -> TargetText:
    return render(template.for_register(register), slots, template.translation)


def free_text(surface: str, translation: str, curriculum: Curriculum) -> TargetText:
    """A TargetText for a given phrase, with a reading when the data can spell it out."""
    reading = reading_of(surface, curriculum, partial=True) or surface
    roma = romanize(reading)
    return TargetText(
        surface=surface,
        reading=reading,
        romaji=roma[:1].upper() + roma[1:],
        translation=translation,
    )


def marker_text(surface: str, curriculum: Curriculum) -> TargetText | None:
    for marker in curriculum.markers:
        if marker.surface == surface:
            return TargetText(
                surface=surface,
                reading=marker.reading,
                romaji=marker.romaji,
                translation=marker.meaning,
            )
    reading = reading_of(surface, curriculum)
    if reading is None:
        return None
    return TargetText(surface=surface, reading=reading, romaji=romanize(reading), translation="")


def word_text(word: Word) -> TargetText:
    return TargetText(
        surface=word.surface, reading=word.reading, romaji=word.romaji, translation=word.meaning
    )


def kit_word(surface: str, kit: PrelessonKit, curriculum: Curriculum) -> Word:
    """A kit word as a slot value; the surface is kept verbatim even with no known reading."""
    kit_words = kit_word_map(kit)
    word = resolve_word(surface, curriculum, kit_words)
    if word is not None:
        return word
    entry = kit_words.get(surface)
    reading = (entry.reading if entry and entry.reading else "") or (
        reading_of(surface, curriculum, partial=True) or surface
    )
    return Word(
        surface, reading, romanize(reading), (entry.meaning if entry else "") or surface, "noun"
    )
