"""The DomainPlan of an authored lesson, after the profile's choices and the kit.

Scenarios are the dialogue shown (its roles and registers as written) and, when the first
role-play needs roles the dialogue lacks, that role-play's situation. Vocabulary buckets are the
authors' word buckets regrouped into the SPEC's 3–5 buckets of 6–14 items; grammar functions are
the authored grammar points (``gf_001``…) in the profile's order, then any kit grammar the lesson
does not teach yet. Pure: no I/O beyond the bundled discourse markers.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    Evaluation,
    GrammarFunction,
    LexBucket,
    PrelessonKit,
    Register,
    Role,
    Scenario,
    grammar_function_id,
)
from lessonplan.planners.offline.authored import AuthoredLesson, AuthoredRolePlay
from lessonplan.planners.offline.authored_stages import shown_role_plays
from lessonplan.planners.offline.choose import Choice, normalize_pattern
from lessonplan.planners.offline.rules import lesson_texts

MIN_ITEMS, MAX_ITEMS = 6, 14
MIN_BUCKETS, MAX_BUCKETS = 3, 5
MAX_GRAMMAR = 5
MAX_CRITERIA = 5
MIN_MARKERS = 2
KIT_BUCKET = "pre-lesson kit"
_LEVEL_ORDER = ("A1", "A2", "B1", "B2", "C1", "C2")


@dataclass
class _Group:
    names: list[str]
    items: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " / ".join(self.names)


@cache
def _markers() -> tuple[tuple[str, str], ...]:
    """Bundled discourse markers as (surface, CEFR level), easiest first."""
    raw = resources.files("lessonplan.planners.offline").joinpath("data/discourse.json")
    data = json.loads(raw.read_text(encoding="utf-8"))
    return tuple((m["surface"], m["level"]) for m in data["markers"])


def discourse_markers(texts: list[str], level: str) -> list[str]:
    """Markers the lesson's own lines use; the level's markers only when fewer than two do."""
    rank = _LEVEL_ORDER.index(level) if level in _LEVEL_ORDER else 3
    allowed = [s for s, lv in _markers() if _LEVEL_ORDER.index(lv) <= rank]
    joined = "\n".join(texts)
    used = [s for s in allowed if s in joined]
    if len(used) < MIN_MARKERS:
        used += [s for s, lv in _markers() if lv == _LEVEL_ORDER[min(rank, 3)] and s not in used]
    return used[:4]


def _split(group: _Group, parts: int) -> list[_Group]:
    size = math.ceil(len(group.items) / parts)
    return [
        _Group([f"{group.name} {i + 1}"], group.items[i * size : (i + 1) * size])
        for i in range(parts)
        if group.items[i * size : (i + 1) * size]
    ]


def regroup(groups: list[tuple[str, list[str]]]) -> list[LexBucket]:
    """Ordered word groups → 3–5 buckets of 6–14 items, keeping each group's words together
    where it can and the first group first (it holds the words that lead)."""
    pieces: list[_Group] = []
    for name, items in groups:
        group = _Group([name], list(items))
        pieces += (
            _split(group, math.ceil(len(items) / MAX_ITEMS)) if len(items) > MAX_ITEMS else [group]
        )
    total = sum(len(p.items) for p in pieces)
    count = max(MIN_BUCKETS, min(MAX_BUCKETS, round(total / 9) or 1))
    count = max(1, min(count, total // MIN_ITEMS))
    bins = [_Group([]) for _ in range(count)]
    # The first group opens the first bucket; the rest go largest first to the emptiest bucket.
    first, rest = pieces[0], pieces[1:]
    bins[0].names.append(first.name)
    bins[0].items += first.items
    for piece in sorted(rest, key=lambda p: -len(p.items)):
        target = min(bins, key=lambda b: (len(b.items), bins.index(b)))
        if len(target.items) + len(piece.items) > MAX_ITEMS:
            target = min(bins, key=lambda b: len(b.items))
        target.names += piece.names
        target.items += piece.items
    if any(not MIN_ITEMS <= len(b.items) <= MAX_ITEMS for b in bins):
        flat = [item for b in bins for item in b.items]
        size = math.ceil(len(flat) / count)
        bins = [
            _Group(bins[i].names or [f"words {i + 1}"], flat[i * size : (i + 1) * size])
            for i in range(count)
        ]
    return [LexBucket(name=b.name, items=b.items) for b in bins if b.items]


def kit_words_missing(lesson: AuthoredLesson, kit: PrelessonKit) -> list[str]:
    surfaces = {w.surface for w in lesson.words}
    out = [w.surface.strip() for w in kit.required_words() if w.surface.strip() not in surfaces]
    return list(dict.fromkeys(out))


def pattern_alternatives(pattern_ja: str) -> set[str]:
    """A grammar point's patterns, normalised: "〜てみる／〜てみて（ください）" holds two."""
    parts = [pattern_ja, *re.split(r"[／/]", pattern_ja)]
    return {normalize_pattern(p) for p in parts if normalize_pattern(p)}


def kit_grammar_missing(lesson: AuthoredLesson, kit: PrelessonKit) -> list[tuple[str, str]]:
    """Kit grammar the lesson does not teach as one of its own patterns."""
    taught = set().union(*(pattern_alternatives(g.pattern_ja) for g in lesson.grammar))
    out: list[tuple[str, str]] = []
    for item in kit.required_grammar():
        if normalize_pattern(item.pattern) not in taught:
            out.append((item.pattern, item.meaning))
    return out


def _buckets(
    lesson: AuthoredLesson, choice: Choice, kit: PrelessonKit, scenarios: list[Scenario]
) -> list[LexBucket]:
    """The kit's missing words, then the lesson's words that the texts it shows use: a word
    written only into a dialogue variant or a role-play card the profile leaves out is not
    listed (a teacher reads a listed word nowhere in the lesson as a mistake)."""
    groups: dict[str, list[str]] = {}
    extra = kit_words_missing(lesson, kit)
    if extra:
        groups[KIT_BUCKET] = extra
    shown = _shown_text(lesson, choice, scenarios)
    for word in choice.words:
        if contains_word(shown, word.surface):
            groups.setdefault(word.bucket, []).append(word.surface)
    return regroup(list(groups.items()))


def _shown_text(lesson: AuthoredLesson, choice: Choice, scenarios: list[Scenario]) -> str:
    """The texts a lesson on this choice shows: its dialogue, the reading, the grammar examples,
    the production model answers and the lines of the role-play cards it shows."""
    cards = [rp for rp, _scenario in shown_role_plays(lesson, scenarios)]
    shown = lesson_texts(lesson, dialogues=[choice.dialogue], role_plays=cards)
    return "\n".join(text for _path, text in shown)


def _grammar(lesson: AuthoredLesson, choice: Choice, kit: PrelessonKit) -> list[GrammarFunction]:
    functions = [
        GrammarFunction(
            id="pending", label=g.label, pattern_ja=g.pattern_ja, slots=[], notes_en=g.explanation
        )
        for g in choice.grammar
    ]
    for pattern, meaning in kit_grammar_missing(lesson, kit):
        if len(functions) >= MAX_GRAMMAR:
            break
        functions.append(
            GrammarFunction(
                id="pending",
                label=meaning or pattern,
                pattern_ja=pattern,
                slots=[],
                notes_en="Required by the pre-lesson kit; examples are quoted from Tatoeba.",
            )
        )
    return [f.model_copy(update={"id": grammar_function_id(i)}) for i, f in enumerate(functions)]


def partner_register(lesson: AuthoredLesson, rp: AuthoredRolePlay) -> Register:
    """The role-play partner's register: as stated, else as that role speaks in a dialogue,
    else the learner's."""
    if rp.partner_register is not None:
        return rp.partner_register
    for dialogue in lesson.dialogues:
        role = dialogue.role(rp.partner_role)
        if role is not None:
            return role.register
    return rp.register


def role_play_scenario(lesson: AuthoredLesson, rp: AuthoredRolePlay) -> Scenario:
    return Scenario(
        name=rp.scenario,
        setting=rp.setting,
        roles=[
            Role(label=rp.learner_role, register=rp.register),
            Role(label=rp.partner_role, register=partner_register(lesson, rp)),
        ],
    )


def _scenarios(lesson: AuthoredLesson, choice: Choice) -> list[Scenario]:
    shown = choice.dialogue
    first = Scenario(
        name=shown.scenario,
        setting=shown.setting,
        roles=[Role(label=r.label, register=r.register) for r in shown.roles],
    )
    labels = {r.label for r in shown.roles}
    lead = choice.role_plays[0]
    if not (lead.learner_role in labels and lead.partner_role in labels):
        return [first, role_play_scenario(lesson, lead)]
    other = next((d for d in choice.dialogues if d.scenario != shown.scenario), None)
    if other is None:
        return [first]
    return [
        first,
        Scenario(
            name=other.scenario,
            setting=other.setting,
            roles=[Role(label=r.label, register=r.register) for r in other.roles],
        ),
    ]


def _criteria(lesson: AuthoredLesson, scenarios: list[Scenario]) -> list[str]:
    """The success criteria of the role-play cards the lesson shows (a card left out, such as
    the plain one beside a polite dialogue, would contradict the register of those shown)."""
    criteria: list[str] = []
    for rp, _scenario in shown_role_plays(lesson, scenarios):
        criteria += [c for c in rp.success_criteria if c not in criteria]
    criteria = criteria[:MAX_CRITERIA]
    if len(criteria) < 2:
        criteria.append(f"Performs the Can-Do: {lesson.function_en}.")
    return criteria


def build_authored_plan(
    lesson: AuthoredLesson, descriptor: CanDoDescriptor, choice: Choice, kit: PrelessonKit
) -> DomainPlan:
    texts = [t.surface for t in choice.dialogue.turns] + [
        s.surface for s in lesson.reading.sentences
    ]
    scenarios = _scenarios(lesson, choice)
    plan = DomainPlan(
        uid=descriptor.uid,
        level=descriptor.level,
        communicative_function_en=lesson.function_en[:1].upper() + lesson.function_en[1:],
        communicative_function_ja=lesson.function_ja,
        scenarios=scenarios,
        lex_buckets=_buckets(lesson, choice, kit, scenarios),
        grammar_functions=_grammar(lesson, choice, kit),
        evaluation=Evaluation(
            success_criteria=_criteria(lesson, scenarios),
            discourse_markers=discourse_markers(texts, descriptor.level),
        ),
        cultural_themes_en=[n.theme_en for n in lesson.culture_notes],
        cultural_themes_ja=[n.theme_ja for n in lesson.culture_notes],
    )
    return plan.model_copy(
        update={
            "key_expressions": performed_expressions(lesson, choice, scenarios),
            "text_type": lesson.text_type,
        }
    )


def performed_expressions(
    lesson: AuthoredLesson, choice: Choice, scenarios: list[Scenario]
) -> list[str]:
    """The key expressions this version of the lesson performs: a dialogue variant the profile
    did not choose may hold one the shown dialogue lacks."""
    labels = [{r.label for r in s.roles} for s in scenarios]
    shown_plays = [
        rp
        for rp in lesson.role_plays
        if any(rp.learner_role in ls and rp.partner_role in ls for ls in labels)
    ]
    lines = [t.surface for t in choice.dialogue.turns]
    lines += [s.surface for s in lesson.reading.sentences]
    lines += [t.model_answer.surface for t in lesson.production]
    lines += [p.surface for rp in shown_plays for p in rp.partner_lines + rp.useful_expressions]
    text = "\n".join(lines)
    return [k.surface for k in lesson.key_expressions if k.surface in text]
