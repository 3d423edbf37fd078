"""Choosing what a plan is about: topic, scenarios and roles, cultural themes.

Every choice is a stable sort over the bundled data by a keyword score, so the same descriptor and
profile always give the same plan, and a profile changes the plan in ways a test can point at.
"""

from __future__ import annotations

from lessonplan.catalog.vocab import jf_vocabulary
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, Register, Role
from lessonplan.planners.offline.data import Curriculum, RoleData, ScenarioData, Theme, Topic
from lessonplan.planners.offline.lexicon import matches, tokens

MAX_SCENARIOS = 2
THEME_COUNT = 3
_REGISTERS: tuple[Register, ...] = ("plain", "polite", "neutral")


def descriptor_text(descriptor: CanDoDescriptor) -> str:
    return f"{descriptor.title_en} {descriptor.description_en}"


def _score(keywords: tuple[str, ...] | list[str], text: str) -> int:
    words = tokens(text)
    return sum(1 for keyword in keywords if matches(keyword, words, text))


def select_topic(descriptor: CanDoDescriptor, curriculum: Curriculum) -> Topic:
    """The descriptor's own topic if known (a JF topic teaches with the curriculum topic the JF
    table names), else the best keyword match, else a default."""
    keys = {t.key for t in curriculum.topics}
    for name in (descriptor.primary_topic_ja, descriptor.primary_topic_en):
        jf = jf_vocabulary().topic(name) if name.strip() else None
        if jf is not None and jf.curriculum in keys:
            return curriculum.topic(jf.curriculum)
    primary = descriptor.primary_topic_en.strip().lower()
    for topic in curriculum.topics:
        if primary and (primary == topic.en.lower() or primary in topic.aliases):
            return topic
    for topic in curriculum.topics:
        if descriptor.primary_topic_ja and descriptor.primary_topic_ja.strip() == topic.ja:
            return topic
    for text in (descriptor.primary_topic_en, descriptor_text(descriptor)):
        if not text.strip():
            continue
        scored = [
            (_score(t.keywords + t.aliases, text), -i, t) for i, t in enumerate(curriculum.topics)
        ]
        best = max(scored, key=lambda s: (s[0], s[1]))
        if best[0] > 0:
            return best[2]
    return curriculum.topic(curriculum.default_topic)


def _profile_context(profile: LearnerProfile) -> str:
    usage = profile.usage_context
    if usage is None:
        return ""
    return " ".join([usage.primary_use_case or "", *usage.scenario_details])


def select_scenarios(
    topic: Topic, descriptor: CanDoDescriptor, profile: LearnerProfile, curriculum: Curriculum
) -> list[ScenarioData]:
    """The topic's scenarios ranked by fit to the descriptor and the learner's stated situations."""
    text = descriptor_text(descriptor)
    context = _profile_context(profile)
    candidates = [s for s in curriculum.scenarios if s.topic == topic.key]
    ranked = sorted(
        enumerate(candidates),
        key=lambda pair: (
            -(_score(pair[1].keywords, text) + 2 * _score(pair[1].keywords, context)),
            pair[0],
        ),
    )
    return [scenario for _, scenario in ranked[:MAX_SCENARIOS]]


def role_register(role: RoleData, scenario: ScenarioData, profile: LearnerProfile) -> Register:
    """The role's register after the learner's preferences and formality contexts.

    A preference for ``plain`` makes the learner's side and peers plain (staff stay polite);
    ``polite`` makes everyone polite; ``neutral`` sets the learner's side to neutral. A
    ``formality_contexts`` entry naming the role or scenario wins over both.
    """
    register: Register = "plain" if role.register == "plain" else "polite"
    if role.register == "neutral":
        register = "neutral"
    prefs = profile.register_preferences
    if prefs:
        preferred = prefs[0]
        if preferred == "plain" and (role.side == "learner" or role.relation == "peer"):
            register = "plain"
        elif preferred == "polite":
            register = "polite"
        elif preferred == "neutral" and role.side == "learner":
            register = "neutral"
    usage = profile.usage_context
    contexts = usage.formality_contexts if usage else {}
    for context in sorted(contexts):
        value = contexts[context].strip().lower()
        needle = context.strip().lower()
        hit = needle and (needle in role.label.lower() or needle in scenario.name.lower())
        if hit and value in _REGISTERS:
            register = next(r for r in _REGISTERS if r == value)
    return register


def build_roles(scenario: ScenarioData, profile: LearnerProfile) -> list[Role]:
    """The scenario's roles, the learner's first (role-play cards read it from there)."""
    ordered = sorted(scenario.roles, key=lambda role: role.side != "learner")
    return [
        Role(label=role.label, register=role_register(role, scenario, profile)) for role in ordered
    ]


_GENERIC_INTEREST_WORDS = frozenset({"japanese", "japan", "culture", "cultural", "about", "with"})


def interest_terms(interests: list[str]) -> list[str]:
    """Each interest as a phrase, plus its distinctive words (generic ones dropped)."""
    terms: list[str] = []
    for interest in interests:
        phrase = interest.strip().lower()
        if len(phrase) >= 3:
            terms.append(phrase)
        terms.extend(w for w in tokens(phrase) if len(w) >= 4 and w not in _GENERIC_INTEREST_WORDS)
    return list(dict.fromkeys(terms))


def _interest_hit(theme: Theme, terms: list[str]) -> bool:
    haystack = " ".join([*theme.tags, theme.en]).lower()
    words = tokens(haystack)
    for term in terms:
        if term in haystack:
            return True
        if len(term) >= 5 and any(w[:5] == term[:5] for w in words):
            return True
    return False


def select_themes(topic: Topic, profile: LearnerProfile, curriculum: Curriculum) -> list[Theme]:
    """Topic themes first; themes tagged with the learner's cultural interests before all others."""
    interests = interest_terms(profile.cultural_interests)
    own = [t for t in curriculum.themes if t.topic == topic.key]
    general = [t for t in curriculum.themes if t.topic != topic.key]
    if not interests:
        return own[:THEME_COUNT]
    hits = [t for t in own + general if _interest_hit(t, interests)]
    rest = [t for t in own if t not in hits]
    return (hits + rest)[:THEME_COUNT]
