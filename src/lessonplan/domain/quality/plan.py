"""Plan checks (SPEC §4): ranges, duplicates, script, kit coverage, key expressions."""

from __future__ import annotations

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, PrelessonKit
from lessonplan.domain.quality.common import (
    BUCKET_ITEMS,
    CULTURAL_THEMES,
    GRAMMAR_FUNCTIONS,
    LEX_BUCKETS,
    MIN_DISCOURSE_MARKERS,
    SCENARIOS,
    SUCCESS_CRITERIA,
    TOTAL_ITEMS,
    ScriptCheck,
    count_range,
    error,
    pattern_in,
    script_check,
    script_for,
    script_issues,
    script_unchecked,
    warning,
)
from lessonplan.domain.quality.words import uses_word

# --- plan -------------------------------------------------------------------------------------


def check_plan(
    plan: DomainPlan,
    descriptor: CanDoDescriptor,
    kit: PrelessonKit | None = None,
    *,
    script: str | ScriptCheck | None = None,
) -> list[QualityIssue]:
    """Every SPEC §4 check on one plan; an empty list means the plan passes.

    The target-language fields (``*_ja``, bucket items, ``pattern_ja``, key expressions) are
    checked against ``script``, by default the script of the descriptor's ``target_language``;
    a language with no configured script gets one ``script.unchecked`` info instead.
    """
    language = descriptor.target_language
    target = script_check(script) if script is not None else script_for(language)
    issues: list[QualityIssue] = []
    if target is None:
        issues.append(script_unchecked(language))
    if plan.uid != descriptor.uid:
        msg = f"uid {plan.uid!r} differs from the descriptor's {descriptor.uid!r}."
        issues.append(error("uid.mismatch", msg, "$.uid"))
    if plan.level != descriptor.level:
        msg = f"level {plan.level} differs from the descriptor's {descriptor.level}."
        issues.append(error("level.mismatch", msg, "$.level"))
    issues += _script(
        plan.communicative_function_ja,
        "$.communicative_function_ja",
        "communicative_function_ja",
        target,
    )
    issues += count_range(
        "scenarios.count", "scenarios", len(plan.scenarios), SCENARIOS, "$.scenarios"
    )
    issues += _check_buckets(plan, target)
    issues += _check_grammar(plan, target)
    evaluation = plan.evaluation
    issues += count_range(
        "evaluation.success_criteria.count",
        "success criteria",
        len(evaluation.success_criteria),
        SUCCESS_CRITERIA,
        "$.evaluation.success_criteria",
    )
    if len(evaluation.discourse_markers) < MIN_DISCOURSE_MARKERS:
        msg = f"{len(evaluation.discourse_markers)} discourse markers; expected at least 2."
        issues.append(
            error("evaluation.discourse_markers.count", msg, "$.evaluation.discourse_markers")
        )
    issues += _check_themes(plan, target)
    issues += _check_key_expressions(plan, target)
    if kit is not None:
        issues += _check_plan_kit(plan, kit, language)
    return issues


def _script(text: str, path: str, what: str, script: ScriptCheck | None) -> list[QualityIssue]:
    return [] if script is None else script_issues(text, path, what, script)


def _check_buckets(plan: DomainPlan, script: ScriptCheck | None) -> list[QualityIssue]:
    buckets = plan.lex_buckets
    issues = count_range(
        "lex_buckets.count", "vocabulary buckets", len(buckets), LEX_BUCKETS, "$.lex_buckets"
    )
    total = sum(len(b.items) for b in buckets)
    issues += count_range(
        "lex_buckets.total", "bucket items in total", total, TOTAL_ITEMS, "$.lex_buckets"
    )
    first_seen: dict[str, str] = {}
    for i, bucket in enumerate(buckets):
        path = f"$.lex_buckets[{i}].items"
        issues += count_range(
            "lex_buckets.items.count",
            f"items in bucket {bucket.name!r}",
            len(bucket.items),
            BUCKET_ITEMS,
            path,
        )
        for j, item in enumerate(bucket.items):
            item_path = f"{path}[{j}]"
            issues += _script(item, item_path, "bucket item", script)
            if item in first_seen:
                msg = f"bucket item {item!r} repeats (first in bucket {first_seen[item]!r})."
                issues.append(error("lex_buckets.duplicate", msg, item_path))
            else:
                first_seen[item] = bucket.name
    return issues


def _check_grammar(plan: DomainPlan, script: ScriptCheck | None) -> list[QualityIssue]:
    functions = plan.grammar_functions
    issues = count_range(
        "grammar_functions.count",
        "grammar functions",
        len(functions),
        GRAMMAR_FUNCTIONS,
        "$.grammar_functions",
    )
    seen: set[str] = set()
    for i, gf in enumerate(functions):
        if gf.id in seen:
            msg = f"grammar function id {gf.id!r} is used more than once."
            issues.append(
                error("grammar_functions.duplicate_id", msg, f"$.grammar_functions[{i}].id")
            )
        seen.add(gf.id)
        issues += _script(
            gf.pattern_ja, f"$.grammar_functions[{i}].pattern_ja", "pattern_ja", script
        )
    return issues


def _check_themes(plan: DomainPlan, script: ScriptCheck | None) -> list[QualityIssue]:
    en, ja = plan.cultural_themes_en, plan.cultural_themes_ja
    issues = count_range(
        "cultural_themes.count", "cultural themes", len(en), CULTURAL_THEMES, "$.cultural_themes_en"
    )
    if len(en) != len(ja):
        msg = f"cultural_themes_en has {len(en)} themes but cultural_themes_ja has {len(ja)}."
        issues.append(error("cultural_themes.length_mismatch", msg, "$.cultural_themes_ja"))
    for i, theme in enumerate(ja):
        issues += _script(theme, f"$.cultural_themes_ja[{i}]", "cultural theme", script)
    return issues


def _check_plan_kit(plan: DomainPlan, kit: PrelessonKit, language: str) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    items = plan.all_items()
    for i, word in enumerate(kit.required_words()):
        if not any(uses_word(item, word.surface, language) for item in items):
            msg = f"required kit word {word.surface!r} (kit.words[{i}]) is in no vocabulary bucket."
            issues.append(error("kit.word_missing", msg, "$.lex_buckets"))
    patterns = [t for gf in plan.grammar_functions for t in (gf.pattern_ja, gf.label)]
    for i, grammar in enumerate(kit.required_grammar()):
        if not pattern_in(grammar.pattern, patterns, language):
            msg = f"required kit grammar {grammar.pattern!r} (kit.grammar[{i}]) is in no function."
            issues.append(error("kit.grammar_missing", msg, "$.grammar_functions"))
    return issues


def _check_key_expressions(plan: DomainPlan, script: ScriptCheck | None) -> list[QualityIssue]:
    if not plan.key_expressions:
        msg = "the plan names none of the descriptor's key expressions (key_expressions)."
        return [warning("plan.key_expressions_missing", msg, "$.key_expressions")]
    issues: list[QualityIssue] = []
    for i, expression in enumerate(plan.key_expressions):
        issues += _script(expression, f"$.key_expressions[{i}]", "key expression", script)
    return issues
