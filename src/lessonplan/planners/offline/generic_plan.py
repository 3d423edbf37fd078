"""The plan of a descriptor nobody authored a lesson for (a user's import), from bundled data.

Its stages are a vocabulary-and-grammar lesson (:mod:`lessonplan.planners.offline.generic`).

The plan is assembled to satisfy the SPEC §4 ranges by construction: kit words first (their own
buckets, or merged into the first topic bucket when too few), then buckets for the learner's
vocabulary goals, then the topic's buckets, then a general bucket for the level; each bucket holds
6–14 items and no item appears twice. Known vocabulary goes last or is swapped out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    Evaluation,
    GrammarFunction,
    LearnerProfile,
    LexBucket,
    PrelessonKit,
    Scenario,
    grammar_function_id,
)
from lessonplan.japanese import above, jlpt_for_cefr, word_level
from lessonplan.planners.offline.data import BucketData, Curriculum, GrammarPattern, Topic
from lessonplan.planners.offline.kana import ascii_digits_to_kanji, is_japanese_script
from lessonplan.planners.offline.lexicon import matches, tokens
from lessonplan.planners.offline.topics import (
    build_roles,
    descriptor_text,
    select_scenarios,
    select_themes,
    select_topic,
)

MAX_BUCKETS = 5
MIN_ITEMS = 6
MAX_ITEMS = 14
BUCKET_SIZE = 10
MAX_KIT_BUCKETS = 3
MAX_GOAL_BUCKETS = 2
MAX_TOPIC_BUCKETS = 3
MAX_GRAMMAR = 5
DATA_GRAMMAR = 3
MARKER_COUNT = 4
_DATA_LEVELS = ("A1", "A2", "B1", "B2")
_LEVEL_VOCAB = {"A1": 4, "A2": 5, "B1": 6, "B2": 8, "C1": 8, "C2": 8}


def data_level(level: str) -> str:
    """The bundled data stops at B2; C1 and C2 descriptors use the B2 material."""
    return level if level in _DATA_LEVELS else "B2"


def normalize_pattern(pattern: str) -> str:
    """Compare grammar patterns without tildes, brackets, punctuation and spaces."""
    return re.sub(r"[〜～~\s。、・（）()／/]", "", pattern)


def find_pattern(pattern_ja: str, label: str, curriculum: Curriculum) -> GrammarPattern | None:
    """The bundled pattern a grammar function names, by pattern or label."""
    wanted = normalize_pattern(pattern_ja)
    for pattern in curriculum.grammar:
        if wanted and normalize_pattern(pattern.pattern_ja) == wanted:
            return pattern
    for pattern in curriculum.grammar:
        if label and pattern.label.lower() == label.strip().lower():
            return pattern
    return None


@dataclass
class _BucketDraft:
    name: str
    items: list[str]


def _kit_surfaces(kit: PrelessonKit) -> list[str]:
    surfaces = [w.surface.strip() for w in kit.required_words() if w.surface.strip()]
    return list(dict.fromkeys(surfaces))


def _chunk(items: list[str], max_chunks: int) -> list[list[str]]:
    """Split into at most ``max_chunks`` near-equal chunks of 6–14 items (the excess is dropped)."""
    count = min(max_chunks, max(1, math.ceil(len(items) / 12)))
    items = items[: count * MAX_ITEMS]
    size, extra = divmod(len(items), count)
    chunks, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def _goal_buckets(
    profile: LearnerProfile, topic: Topic, curriculum: Curriculum
) -> tuple[list[BucketData], list[BucketData]]:
    """Buckets matching the learner's vocabulary goals: (from the topic, from elsewhere)."""
    own: list[BucketData] = []
    other: list[BucketData] = []
    ordered = [b for b in curriculum.buckets if b.topic == topic.key] + [
        b for b in curriculum.buckets if b.topic != topic.key
    ]
    for goal in profile.vocabulary_domain_goals:
        words = [w for w in tokens(goal) if len(w) >= 3]
        if not words:
            continue
        best: tuple[int, BucketData] | None = None
        for bucket in ordered:
            topic_names: tuple[str, ...] = ()
            if bucket.topic:
                bucket_topic = curriculum.topic(bucket.topic)
                topic_names = (bucket_topic.en, *bucket_topic.aliases)
            text = " ".join([bucket.name, *bucket.tags, *topic_names])
            score = sum(1 for w in words if matches(w, tokens(text), text))
            if score and (best is None or score > best[0]):
                best = (score, bucket)
        if best is None or best[1] in own or best[1] in other:
            continue
        (own if best[1].topic == topic.key else other).append(best[1])
    return own, other[:MAX_GOAL_BUCKETS]


def _is_action_bucket(bucket: BucketData) -> bool:
    return sum(1 for w in bucket.items if w.is_verb) * 2 > len(bucket.items)


def _topic_order(
    goal_own: list[BucketData], topic: Topic, curriculum: Curriculum
) -> list[BucketData]:
    """Goal buckets first, and an action bucket within the first two: stages need verbs."""
    own = [b for b in curriculum.buckets if b.topic == topic.key]
    own += [curriculum.bucket(key) for key in topic.also]
    rest = [b for b in own if b not in goal_own]
    actions = [b for b in rest if _is_action_bucket(b)]
    others = [b for b in rest if not _is_action_bucket(b)]
    lead = [] if goal_own else others[:1]
    return goal_own + lead + actions + [b for b in others if b not in lead]


def above_band(surface: str, level: str) -> bool:
    """Is the word JLPT-tagged above the level's band (an N3 word in an A1 lesson)?"""
    tagged = word_level(surface)
    return tagged is not None and above(tagged, jlpt_for_cefr(level))


def _mostly_above(bucket: BucketData, level: str) -> bool:
    return sum(above_band(w.surface, level) for w in bucket.items) * 2 > len(bucket.items)


def _fill(
    bucket: BucketData, used: set[str], known: set[str], front: list[str], level: str
) -> list[str]:
    """Up to BUCKET_SIZE fresh items, unknown words before known ones and words of the level's
    band before harder ones; ``front`` items first."""
    fresh = [w.surface for w in bucket.items if w.surface not in used]
    fresh.sort(key=lambda surface: above_band(surface, level))  # stable: bucket order kept
    ordered = [s for s in fresh if s not in known] + [s for s in fresh if s in known]
    size = max(BUCKET_SIZE, min(MAX_ITEMS, len(front) + MIN_ITEMS))
    return (front + ordered)[:size]


def build_buckets(
    topic: Topic,
    descriptor: CanDoDescriptor,
    profile: LearnerProfile,
    kit: PrelessonKit,
    curriculum: Curriculum,
) -> list[LexBucket]:
    known = {k.strip() for k in profile.known_vocabulary}
    kit_items = _kit_surfaces(kit)
    drafts: list[_BucketDraft] = []
    used: set[str] = set()
    front: list[str] = []
    if len(kit_items) >= MIN_ITEMS:
        for i, chunk in enumerate(_chunk(kit_items, MAX_KIT_BUCKETS)):
            drafts.append(_BucketDraft("Pre-lesson kit" + (f" {i + 1}" if i else ""), chunk))
            used.update(chunk)
    else:
        front = kit_items
        used.update(front)

    goal_own, goal_other = _goal_buckets(profile, topic, curriculum)
    slots = MAX_BUCKETS - len(drafts)
    goal_other = goal_other[: max(0, min(MAX_GOAL_BUCKETS, slots - 2))]
    topic_buckets = _topic_order(goal_own, topic, curriculum)[:MAX_TOPIC_BUCKETS]
    general_keys = curriculum.level_general.get(data_level(descriptor.level), ())
    general = [curriculum.bucket(f"general.{key}") for key in general_keys]
    # A topic bucket mostly above the level's band (政治, 経済 for A1) comes after the level's
    # general buckets: the lesson's words must stay near its level.
    easy = [b for b in topic_buckets if not _mostly_above(b, descriptor.level)]
    hard = [b for b in topic_buckets if b not in easy]
    sources = goal_other + easy + general + hard
    for bucket in sources:
        if len(drafts) >= MAX_BUCKETS:
            break
        items = _fill(bucket, used, known, front, descriptor.level)
        if len(items) < MIN_ITEMS:
            continue
        used.update(items)
        front = []
        drafts.append(_BucketDraft(bucket.name, items))
    return [LexBucket(name=d.name, items=d.items) for d in drafts]


def _pattern_score(pattern: GrammarPattern, text: str, goals: str) -> int:
    score = sum(1 for k in pattern.keywords if matches(k, tokens(text), text))
    haystack = " ".join([pattern.label, pattern.notes_en, pattern.pattern_ja, *pattern.keywords])
    goal_words = [w for w in tokens(goals) if len(w) >= 4]
    score += 3 * sum(1 for w in goal_words if matches(w, tokens(haystack), haystack))
    if goals and any(
        normalize_pattern(g) == normalize_pattern(pattern.pattern_ja) for g in goals.split("\n")
    ):
        score += 10
    return score


def _is_known_grammar(pattern: GrammarPattern, known: list[str]) -> bool:
    for entry in known:
        value = entry.strip()
        if not value:
            continue
        if normalize_pattern(value) == normalize_pattern(pattern.pattern_ja):
            return True
        if value.lower() in (pattern.id.lower(), pattern.label.lower()):
            return True
    return False


def build_grammar(
    descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit, curriculum: Curriculum
) -> list[GrammarFunction]:
    """Kit grammar first, then level patterns ranked by fit; known grammar is taught last."""
    functions: list[GrammarFunction] = []
    seen: set[str] = set()
    for item in kit.required_grammar()[:MAX_GRAMMAR]:
        key = normalize_pattern(item.pattern)
        if key in seen:
            continue
        seen.add(key)
        match = find_pattern(item.pattern, item.meaning, curriculum)
        functions.append(
            GrammarFunction(
                id="pending",
                label=item.meaning or (match.label if match else item.pattern),
                pattern_ja=item.pattern,
                slots=list(match.slots) if match else [],
                notes_en=(match.notes_en + " " if match else "")
                + "Required by the pre-lesson kit.",
            )
        )
    prefs = profile.learning_preferences
    goals = "\n".join(
        [*profile.grammar_progression_goals, *(prefs.grammar_focus_areas if prefs else [])]
    )
    text = descriptor_text(descriptor)
    level = data_level(descriptor.level)
    candidates = [p for p in curriculum.grammar if p.level == level]
    ranked = sorted(
        enumerate(candidates),
        key=lambda pair: (
            _is_known_grammar(pair[1], profile.known_grammar),
            -_pattern_score(pair[1], text, goals),
            pair[0],
        ),
    )
    room = min(DATA_GRAMMAR, MAX_GRAMMAR - len(functions))
    for _, pattern in ranked:
        if room <= 0:
            break
        if normalize_pattern(pattern.pattern_ja) in seen:
            continue
        seen.add(normalize_pattern(pattern.pattern_ja))
        functions.append(
            GrammarFunction(
                id="pending",
                label=pattern.label,
                pattern_ja=pattern.pattern_ja,
                slots=list(pattern.slots),
                notes_en=pattern.notes_en,
            )
        )
        room -= 1
    return [gf.model_copy(update={"id": grammar_function_id(i)}) for i, gf in enumerate(functions)]


def communicative_function_en(descriptor: CanDoDescriptor) -> str:
    """The descriptor's goal as an imperative phrase ("Can order food…" -> "Order food…")."""
    text = descriptor.description_en.strip()
    if not text:
        return _function_from_japanese(descriptor)
    text = re.sub(r"^(can|is able to)\s+", "", text, flags=re.IGNORECASE)
    head, sep, _ = text.partition(", ")
    if sep and len(head) >= 25:
        text = head
    if len(text) > 140:
        text = text[:140].rsplit(" ", 1)[0]
    text = text.rstrip(" .,;")
    return (text[:1].upper() + text[1:]) or descriptor.display_title


_SKILL_EN = {
    "reception": "Understand",
    "production": "Tell others",
    "interaction": "Talk with others",
}


def _function_from_japanese(descriptor: CanDoDescriptor) -> str:
    """An English goal for a descriptor given in Japanese only: what the skill does, on the
    topic, pointing at the Japanese statement rather than pretending to translate it."""
    from lessonplan.catalog.vocab import skill_key

    verb = _SKILL_EN.get(skill_key(descriptor.skill_domain), "Communicate")
    topic = descriptor.primary_topic_en or "the descriptor's topic"
    return f"{verb} in Japanese on {topic}, as the Japanese Can-do statement describes"


_QUOTED = re.compile(r"「([^「」]{2,40})」")
_JAPANESE_CHAR = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff々]")


def _is_japanese_text(text: str) -> bool:
    """Kana or kanji, no Latin letters (digits may stand: 1日3回)."""
    return bool(_JAPANESE_CHAR.search(text)) and not re.search(r"[A-Za-zＡ-Ｚａ-ｚ]", text)


def key_expressions(descriptor: CanDoDescriptor) -> list[str]:
    """The expressions the descriptor itself quotes (「これはいくらですか」), in Japanese script,
    at most six: the lesson must contain each one."""
    found: list[str] = []
    for text in (descriptor.title_ja, descriptor.description_ja):
        for match in _QUOTED.finditer(text):
            expression = match.group(1).strip().rstrip("。")
            if expression and _is_japanese_text(expression) and expression not in found:
                found.append(expression)
    return found[:6]


_QUOTED_EN = re.compile(r'"([^"]{2,80})"|“([^”]{2,80})”')


def english_quotes(descriptor: CanDoDescriptor) -> list[str]:
    """The expressions the English description quotes ("How much is this?"), in order."""
    return [
        (a or b).strip().rstrip(",")
        for a, b in _QUOTED_EN.findall(descriptor.description_en)
        if (a or b).strip()
    ]


def communicative_function_ja(descriptor: CanDoDescriptor, topic: Topic) -> str:
    """The Japanese goal in Japanese script only; a topic phrase when the descriptor has none."""
    for text in (descriptor.title_ja, descriptor.description_ja):
        candidate = ascii_digits_to_kanji(text.strip())
        candidate = re.sub(r"ことができる。?$", "", candidate).rstrip("。")
        if candidate and is_japanese_script(candidate):
            return candidate
    return f"{topic.ja}について簡単なやりとりをする"


def build_evaluation(
    descriptor: CanDoDescriptor,
    plan_function_en: str,
    grammar: list[GrammarFunction],
    learner_label: str,
    learner_register: str,
    kit: PrelessonKit,
    curriculum: Curriculum,
) -> Evaluation:
    criteria = [
        f"Completes the task: {plan_function_en[:1].lower()}{plan_function_en[1:]}.",
        f"Uses {grammar[0].pattern_ja} ({grammar[0].label.lower()}) correctly at least once.",
        f"Uses at least {_LEVEL_VOCAB.get(descriptor.level, 5)} words from the lesson.",
        f"Keeps the {learner_register} register expected of the {learner_label.lower()}.",
    ]
    if kit.required_phrases():
        criteria.append("Uses the pre-lesson kit's phrases where they fit.")
    level = data_level(descriptor.level)
    markers = [m.surface for m in curriculum.markers if m.level == level][:MARKER_COUNT]
    return Evaluation(success_criteria=criteria, discourse_markers=markers)


def build_plan(
    descriptor: CanDoDescriptor,
    profile: LearnerProfile,
    kit: PrelessonKit,
    curriculum: Curriculum,
) -> DomainPlan:
    topic = select_topic(descriptor, curriculum)
    scenario_data = select_scenarios(topic, descriptor, profile, curriculum)
    scenarios = [
        Scenario(name=s.name, setting=s.setting, roles=build_roles(s, profile))
        for s in scenario_data
    ]
    learner_role = scenarios[0].roles[0]
    grammar = build_grammar(descriptor, profile, kit, curriculum)
    function_en = communicative_function_en(descriptor)
    themes = select_themes(topic, profile, curriculum)
    return DomainPlan(
        uid=descriptor.uid,
        level=descriptor.level,
        communicative_function_en=function_en,
        communicative_function_ja=communicative_function_ja(descriptor, topic),
        scenarios=scenarios,
        lex_buckets=build_buckets(topic, descriptor, profile, kit, curriculum),
        grammar_functions=grammar,
        evaluation=build_evaluation(
            descriptor,
            function_en,
            grammar,
            learner_role.label,
            learner_role.register,
            kit,
            curriculum,
        ),
        cultural_themes_en=[t.en for t in themes],
        cultural_themes_ja=[t.ja for t in themes],
        key_expressions=key_expressions(descriptor),
    )
