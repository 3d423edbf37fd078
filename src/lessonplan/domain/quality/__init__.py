"""Quality checks beyond the schema, for plans (SPEC §4), stages, whole lessons and catalogs.

The schema only says a plan is well-formed; these checks say whether it is a lesson a teacher can
teach from. Each :class:`QualityIssue` carries a code, a severity (error, warning, info), one
readable sentence and a JSON path, so a policy can warn, ask the LLM to repair exactly those
spots, or reject. Modules:

- :mod:`.plan`: ranges, duplicates, script, kit coverage, key expressions of a plan;
- :mod:`.stages`: plan use, registers, true/false balance, grounded answers, vocabulary size and
  level of one stage;
- :mod:`.text`: readings, furigana, romaji and translations against the Japanese text layer;
- :mod:`.lesson`: kit requirements, grammar practised, plan words, key expressions and repeated
  lines across the four stages;
- :mod:`.catalog`: dialogues and readings shared between lessons;
- :mod:`.document`: a lesson or plan JSON file as ``lessonplan check`` reads it.
"""

from lessonplan.domain.issues import QualityIssue, Severity
from lessonplan.domain.quality.catalog import check_catalog
from lessonplan.domain.quality.common import (
    BUCKET_ITEMS,
    CULTURAL_THEMES,
    GRAMMAR_FUNCTIONS,
    JAPANESE,
    LESSON_WORDS,
    LEX_BUCKETS,
    MIN_DIALOGUE_ITEMS,
    MIN_DISCOURSE_MARKERS,
    MIN_INTERACTION_ITEMS,
    MIN_PRODUCTION_ITEMS,
    SCENARIOS,
    SCRIPTS,
    SUCCESS_CRITERIA,
    TOTAL_ITEMS,
    ScriptCheck,
)
from lessonplan.domain.quality.lesson import check_lesson
from lessonplan.domain.quality.plan import check_plan
from lessonplan.domain.quality.stages import check_stage
from lessonplan.domain.quality.summary import has_errors, summarize
from lessonplan.domain.quality.text import check_text_fields

__all__ = [
    "BUCKET_ITEMS",
    "CULTURAL_THEMES",
    "GRAMMAR_FUNCTIONS",
    "JAPANESE",
    "LESSON_WORDS",
    "LEX_BUCKETS",
    "MIN_DIALOGUE_ITEMS",
    "MIN_DISCOURSE_MARKERS",
    "MIN_INTERACTION_ITEMS",
    "MIN_PRODUCTION_ITEMS",
    "SCENARIOS",
    "SCRIPTS",
    "SUCCESS_CRITERIA",
    "TOTAL_ITEMS",
    "QualityIssue",
    "ScriptCheck",
    "Severity",
    "check_catalog",
    "check_lesson",
    "check_plan",
    "check_stage",
    "check_text_fields",
    "has_errors",
    "summarize",
]
