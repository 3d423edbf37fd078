"""Input and plan models: descriptor, learner profile, pre-lesson kit and DomainPlan.

Pure values: nothing here does I/O. The plan's provenance (model, prompt version, tokens, source)
travels beside the plan in :class:`PlanProvenance`, never inside the LLM's JSON.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.textcheck import refuse_bad_text_once

Level = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
Register = Literal["plain", "polite", "neutral"]
# A language tag: ``ja``, ``en``, ``pt-BR``, ``zh-Hant``.
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_LANGUAGE_TAG = re.compile(LANGUAGE_PATTERN)
# ``description_fr``, ``description_pt-BR``: a description in another language (issue #16).
_DESCRIPTION_FIELD = re.compile(r"^description_(?P<tag>[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$")
_TITLE_FIELD = re.compile(r"^title_(?P<tag>[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$")

# A kit is what this one lesson must teach: a plan holds at most 100 bucket items and 5
# grammar functions, so bigger kits cannot be honoured and only make the prompt huge (a kit of
# 10k words made a 59,607-token prompt). Requests over a cap are refused (422 / exit 2).
KIT_MAX_WORDS = 100
KIT_MAX_GRAMMAR = 20
KIT_MAX_PHRASES = 30
KIT_MAX_TEXT = 200


# Validation context of a plan read back from the store: its text was checked when written.
STORED = "lessonplan_stored"


def _clean_text(data: Any) -> Any:
    """Shared ``mode="before"`` check: no NUL, no lone surrogate, no absurd nesting."""
    return refuse_bad_text_once(data)


# ``register`` is the SPEC's field name; it shadows ABCMeta.register on the class only, harmlessly.
warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)
PlanSource = Literal[
    "cache",
    "generated",
    "repaired",
    "fallback",
    "stale_cache",
    "offline",
    "reused",
    "manual_edit",
    "rollback",
]


class CanDoDescriptor(BaseModel):
    """A Can-Do descriptor of the catalog.

    Accepts the SPEC field names and the recorded fixture shape (``primaryTopic_ja``,
    ``description: {en, ja}``, ``skillDomain_ja``, ``type_ja``); a description in another
    language as ``description_fr`` or ``description: {fr}``, kept in ``descriptions``; a title
    in another language as ``title_fr`` or ``title: {fr}``, kept in ``titles``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    uid: str = Field(min_length=1, max_length=200)
    level: Level
    primary_topic_ja: str = ""
    primary_topic_en: str = ""
    skill_domain: str = ""
    type: str = ""
    # One description is required, in any language (a JF row may carry only one language).
    description_en: str = ""
    description_ja: str = ""
    title_en: str = ""
    title_ja: str = ""
    source: str = ""
    # Added for real catalogs (issue #16); fingerprints leave them out at their defaults.
    category: str = ""
    course: str = ""
    target_language: str = Field(default="ja", pattern=LANGUAGE_PATTERN)
    metalanguage: str = Field(default="en", pattern=LANGUAGE_PATTERN)
    # Descriptions in languages other than English and Japanese, by language tag
    # ({"fr": "…", "pt-BR": "…"}); ``description_fr`` is read into it.
    descriptions: dict[str, str] = Field(default_factory=dict)
    # Titles in languages other than English and Japanese, by language tag; ``title_fr`` is
    # read into it.
    titles: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _accept_recorded_shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        _clean_text(data)
        data = dict(data)
        renames = {
            "primaryTopic_ja": "primary_topic_ja",
            "primaryTopic_en": "primary_topic_en",
            "skillDomain_ja": "skill_domain",
            "skillDomain": "skill_domain",
            "type_ja": "type",
        }
        for old, new in renames.items():
            if old in data:
                value = data.pop(old)
                data.setdefault(new, value)
        description = data.get("description")
        if isinstance(description, dict):
            data.pop("description")
            data.setdefault("description_en", description.get("en", ""))
            data.setdefault("description_ja", description.get("ja", ""))
            others = {k: v for k, v in description.items() if k not in ("en", "ja")}
            if others and isinstance(data.get("descriptions", {}), dict):
                data["descriptions"] = {**others, **data.get("descriptions", {})}
        _gather_descriptions(data)
        title = data.get("title")
        if isinstance(title, dict):
            data.pop("title")
            data.setdefault("title_en", title.get("en", ""))
            data.setdefault("title_ja", title.get("ja", ""))
            others = {k: v for k, v in title.items() if k not in ("en", "ja")}
            if others and isinstance(data.get("titles", {}), dict):
                data["titles"] = {**others, **data.get("titles", {})}
        _gather_by_language(data, _TITLE_FIELD, _TITLE_KEYS, "titles")
        return data

    @field_validator("descriptions", "titles")
    @classmethod
    def _texts_by_language(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        what = "description" if info.field_name == "descriptions" else "title"
        cleaned: dict[str, str] = {}
        for tag, text in value.items():
            if not _LANGUAGE_TAG.match(tag):
                raise ValueError(f"{what} language {tag!r} is not a language tag (fr, pt-BR)")
            primary = tag.split("-")[0]
            if primary in ("en", "ja"):
                raise ValueError(f"a {what} in {tag!r} goes in {what}_{primary}")
            if text.strip():
                cleaned[tag] = text.strip()
        return dict(sorted(cleaned.items()))

    @model_validator(mode="after")
    def _one_description(self) -> CanDoDescriptor:
        if not (self.description_en.strip() or self.description_ja.strip() or self.descriptions):
            raise ValueError("description_en, description_ja or description_<language> is required")
        return self

    @property
    def display_title(self) -> str:
        english = self.title_en or self.description_en[:60]
        first_other = next(iter(self.titles.values()), "")
        return (
            english
            or self.title_ja
            or self.description_ja[:40]
            or first_other
            or self.display_description[:60]
        )

    @property
    def display_description(self) -> str:
        """English, else Japanese, else the first other language's description."""
        first_other = next(iter(self.descriptions.values()), "")
        return self.description_en or self.description_ja or first_other

    @property
    def is_japanese(self) -> bool:
        """Japanese is the target language (the bundled data and Japanese checks apply)."""
        return self.target_language.split("-")[0] == "ja"

    def fingerprint_data(self) -> dict[str, Any]:
        """What the descriptor's hash covers: every field, the fields added later only when set,
        so descriptors stored before they existed keep their cache keys."""
        data = self.model_dump(mode="json")
        for name, default in _LATER_DEFAULTS.items():
            if data.get(name) == default:
                data.pop(name)
        return data


_LATER_DEFAULTS: dict[str, Any] = {
    "category": "",
    "course": "",
    "target_language": "ja",
    "metalanguage": "en",
    "descriptions": {},
    "titles": {},
}


def _gather_descriptions(data: dict[str, Any]) -> None:
    """Move ``description_fr``-style keys (a CSV column, a JSON field) into ``descriptions``."""
    _gather_by_language(data, _DESCRIPTION_FIELD, _DESCRIPTION_KEYS, "descriptions")


def _gather_by_language(
    data: dict[str, Any], field: re.Pattern[str], own: frozenset[str], into: str
) -> None:
    """Move ``<field>_<tag>`` keys that are not fields of their own into the ``into`` dict."""
    gathered: dict[str, Any] = {}
    for key in [k for k in data if isinstance(k, str) and k not in own]:
        match = field.match(key)
        if match is not None:
            gathered[match.group("tag")] = data.pop(key)
    existing = data.get(into)
    if gathered and existing is None:
        data[into] = gathered
    elif gathered and isinstance(existing, dict):
        data[into] = {**gathered, **existing}


_DESCRIPTION_KEYS = frozenset({"description_en", "description_ja"})
_TITLE_KEYS = frozenset({"title_en", "title_ja"})


class UsageContext(BaseModel):
    model_config = ConfigDict(extra="forbid")

    primary_use_case: str | None = None
    register_preferences: list[Register] = Field(default_factory=list)
    formality_contexts: dict[str, str] = Field(default_factory=dict)
    scenario_details: list[str] = Field(default_factory=list)


class LearningPreferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grammar_focus_areas: list[str] = Field(default_factory=list)
    exercise_types: list[str] = Field(default_factory=list)
    interaction_preferences: list[str] = Field(default_factory=list)


class LearnerProfile(BaseModel):
    """A learner's profile: every field but ``learner_id`` optional, unknown fields errors."""

    model_config = ConfigDict(extra="forbid")

    learner_id: str = Field(min_length=1, max_length=200)
    current_level: Level | None = None
    native_language: str | None = None
    learning_goals: list[str] = Field(default_factory=list)
    previous_knowledge: str | None = None
    usage_context: UsageContext | None = None
    vocabulary_domain_goals: list[str] = Field(default_factory=list)
    grammar_progression_goals: list[str] = Field(default_factory=list)
    formulaic_expression_goals: list[str] = Field(default_factory=list)
    known_vocabulary: list[str] = Field(default_factory=list)
    known_grammar: list[str] = Field(default_factory=list)
    cultural_interests: list[str] = Field(default_factory=list)
    cultural_background: str | None = None
    learning_preferences: LearningPreferences | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_bad_text(cls, data: Any) -> Any:
        return _clean_text(data)

    @classmethod
    def anonymous(cls) -> LearnerProfile:
        """The profile used when the caller gives none."""
        return cls(learner_id="anonymous")

    @property
    def register_preferences(self) -> list[Register]:
        return list(self.usage_context.register_preferences) if self.usage_context else []


class KitWord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    surface: str = Field(min_length=1, max_length=KIT_MAX_TEXT)
    reading: str = Field(default="", max_length=KIT_MAX_TEXT)
    meaning: str = Field(default="", max_length=KIT_MAX_TEXT)


class KitGrammar(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str = Field(min_length=1, max_length=KIT_MAX_TEXT)
    meaning: str = Field(default="", max_length=KIT_MAX_TEXT)


class KitPhrase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=KIT_MAX_TEXT)
    meaning: str = Field(default="", max_length=KIT_MAX_TEXT)


class KitRequirements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_words: int = Field(default=0, ge=0, le=KIT_MAX_WORDS)
    min_grammar: int = Field(default=0, ge=0, le=KIT_MAX_GRAMMAR)
    min_phrases: int = Field(default=0, ge=0, le=KIT_MAX_PHRASES)


class PrelessonKit(BaseModel):
    """Words, grammar and phrases the learner must meet in this lesson, with minimum counts."""

    model_config = ConfigDict(extra="forbid")

    words: list[KitWord] = Field(default_factory=list, max_length=KIT_MAX_WORDS)
    grammar: list[KitGrammar] = Field(default_factory=list, max_length=KIT_MAX_GRAMMAR)
    phrases: list[KitPhrase] = Field(default_factory=list, max_length=KIT_MAX_PHRASES)
    requirements: KitRequirements = Field(default_factory=KitRequirements)

    @model_validator(mode="before")
    @classmethod
    def _refuse_bad_text(cls, data: Any) -> Any:
        return _clean_text(data)

    def effective_requirements(self) -> KitRequirements:
        """Requirements capped by what the kit holds (the earlier system asked for more)."""
        req = self.requirements
        return KitRequirements(
            min_words=min(req.min_words, len(self.words)),
            min_grammar=min(req.min_grammar, len(self.grammar)),
            min_phrases=min(req.min_phrases, len(self.phrases)),
        )

    def required_words(self) -> list[KitWord]:
        return self.words[: self.effective_requirements().min_words]

    def required_grammar(self) -> list[KitGrammar]:
        return self.grammar[: self.effective_requirements().min_grammar]

    def required_phrases(self) -> list[KitPhrase]:
        return self.phrases[: self.effective_requirements().min_phrases]

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.grammar or self.phrases)


# --- DomainPlan -------------------------------------------------------------------------------


class Role(BaseModel):
    model_config = ConfigDict(extra="ignore")

    label: str = Field(min_length=1)
    # Field(...) explicitly: a bare annotation would take ABCMeta.register as its default.
    register: Register = Field(...)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    setting: str = ""
    roles: list[Role] = Field(min_length=1)


class LexBucket(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    items: list[str] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _strip_items(cls, items: list[str]) -> list[str]:
        return [item.strip() for item in items if item and item.strip()]


class GrammarFunction(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    pattern_ja: str = Field(min_length=1)
    slots: list[str] = Field(default_factory=list)
    notes_en: str = ""


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    success_criteria: list[str] = Field(default_factory=list)
    discourse_markers: list[str] = Field(default_factory=list)


class DomainPlan(BaseModel):
    """The lesson plan the LLM (or the offline planner) produces for one descriptor and learner."""

    model_config = ConfigDict(extra="ignore")

    uid: str
    level: Level
    communicative_function_en: str = Field(min_length=1)
    communicative_function_ja: str = Field(min_length=1)
    scenarios: list[Scenario] = Field(min_length=1)
    lex_buckets: list[LexBucket] = Field(min_length=1)
    grammar_functions: list[GrammarFunction] = Field(min_length=1)
    evaluation: Evaluation
    cultural_themes_en: list[str] = Field(default_factory=list)
    cultural_themes_ja: list[str] = Field(default_factory=list)
    # The descriptor's key expressions (いくらですか, 〜ませんか) the lesson's texts must contain,
    # and the type of text its reading is (sign, notice, message, forecast, review, speech...).
    key_expressions: list[str] = Field(default_factory=list)
    text_type: str = ""

    @model_validator(mode="before")
    @classmethod
    def _refuse_bad_text(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get(STORED):  # checked when it was stored
            return data
        return _clean_text(data)

    def all_items(self) -> list[str]:
        return [item for bucket in self.lex_buckets for item in bucket.items]

    def grammar_ids(self) -> list[str]:
        return [gf.id for gf in self.grammar_functions]


_GF_ID = re.compile(r"^gf_\d{3}$")


def grammar_function_id(index: int) -> str:
    """The canonical id of the ``index``-th (0-based) grammar function: ``gf_001``, ``gf_002``…"""
    return f"gf_{index + 1:03d}"


def normalize_plan(plan: DomainPlan, descriptor: CanDoDescriptor) -> DomainPlan:
    """Set ``uid`` and ``level`` from the descriptor and renumber grammar function ids.

    The generator does not choose these: the recorded plans carry an invented ``uid`` ("12345")
    and sometimes the wrong ``level``.
    """
    functions = [
        gf.model_copy(update={"id": grammar_function_id(i)})
        for i, gf in enumerate(plan.grammar_functions)
    ]
    return plan.model_copy(
        update={"uid": descriptor.uid, "level": descriptor.level, "grammar_functions": functions}
    )


def is_canonical_grammar_id(value: str) -> bool:
    return bool(_GF_ID.match(value))


class PlanProvenance(BaseModel):
    """Where a plan came from. Travels beside the plan, never inside the LLM's JSON."""

    source: PlanSource
    model: str
    provider: str = ""
    prompt_version: str = ""
    schema_version: str = ""
    prompt_variant: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    path: list[str] = Field(default_factory=list)
    created_at: datetime | None = None
    plan_version: int | None = None
    key_hash: str | None = None
    duration_ms: float = 0.0
    cost_usd: float = 0.0


class PlanResult(BaseModel):
    """A plan with its provenance and any quality issues found in it."""

    plan: DomainPlan
    provenance: PlanProvenance
    quality_issues: list[QualityIssue] = Field(default_factory=list)

    @property
    def source(self) -> PlanSource:
        return self.provenance.source
