"""Quality checks beyond the schema, for plans (SPEC §4), stages and whole lessons.

The schema only says a plan is well-formed; these checks say whether it is a usable lesson plan:
ranges, duplicates, script, kit coverage, and whether the stages actually use their plan. Each
issue carries a code, a severity, one readable sentence and a JSON path, so a policy can warn,
ask the LLM to repair exactly those spots, or reject. Nothing here assumes Japanese except the
script check, which is a parameter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from lessonplan.domain.inflection import contains_word
from lessonplan.domain.lesson import (
    STAGE_MODELS,
    ComprehensionStage,
    ContentStage,
    Dialogue,
    InteractionStage,
    ProductionStage,
    StageName,
    TargetText,
)
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, PrelessonKit, Scenario

Severity = Literal["error", "warning"]

# SPEC §4 ranges, inclusive.
SCENARIOS = (1, 2)
LEX_BUCKETS = (3, 5)
BUCKET_ITEMS = (6, 14)
TOTAL_ITEMS = (20, 100)
GRAMMAR_FUNCTIONS = (2, 5)
SUCCESS_CRITERIA = (2, 5)
MIN_DISCOURSE_MARKERS = 2
CULTURAL_THEMES = (2, 5)
# How many distinct plan bucket items a stage must use (capped by what the plan holds).
MIN_DIALOGUE_ITEMS = 3
MIN_PRODUCTION_ITEMS = 3
MIN_INTERACTION_ITEMS = 3


class QualityIssue(BaseModel):
    """One finding: ``code`` for machines, ``message`` for people, ``path`` into the JSON."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    path: str


# --- script -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScriptCheck:
    """A target script: ``target`` chars make text count as written in it; ``foreign`` warn."""

    name: str
    target: re.Pattern[str]
    foreign: re.Pattern[str]


JAPANESE = ScriptCheck(
    name="Japanese",
    # Hiragana, Katakana (+ extensions, halfwidth), CJK ideographs (+ ext. A, compatibility,
    # ext. B+), 々 〆 ー. Digits and fullwidth punctuation may accompany them ("1日3回").
    target=re.compile(
        "[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
        "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f々〆ー]"
    ),
    foreign=re.compile("[A-Za-z]"),
)
SCRIPTS: dict[str, ScriptCheck] = {"japanese": JAPANESE}


def _script(script: str | ScriptCheck) -> ScriptCheck:
    if isinstance(script, ScriptCheck):
        return script
    try:
        return SCRIPTS[script]
    except KeyError:
        raise ValueError(f"unknown script {script!r}; known: {', '.join(SCRIPTS)}") from None


def _script_issues(text: str, path: str, what: str, script: ScriptCheck) -> list[QualityIssue]:
    if not script.target.search(text):
        return [_error("script.missing", f"{what} {text!r} is not written in {script.name}.", path)]
    if script.foreign.search(text):
        msg = f"{what} {text!r} mixes Latin letters into {script.name} text."
        return [_warning("script.mixed", msg, path)]
    return []


# --- helpers ----------------------------------------------------------------------------------


def _error(code: str, message: str, path: str) -> QualityIssue:
    return QualityIssue(code=code, severity="error", message=message, path=path)


def _warning(code: str, message: str, path: str) -> QualityIssue:
    return QualityIssue(code=code, severity="warning", message=message, path=path)


def _range(
    code: str, what: str, count: int, bounds: tuple[int, int], path: str
) -> list[QualityIssue]:
    low, high = bounds
    if low <= count <= high:
        return []
    return [_error(code, f"{count} {what}; expected {low}–{high}.", path)]


_PUNCT = re.compile(r"[\s\u3000、。，．,.!?！？「」『』\"'“”‘’…・:：;；()（）\[\]]+")
_PLACEHOLDER = re.compile(r"[\sA-Za-z0-9〜～~＋+/／()（）\[\]…]+")


def _norm(text: str) -> str:
    return _PUNCT.sub("", text)


def _pattern_in(pattern: str, texts: Iterable[str]) -> bool:
    """A kit grammar pattern (〜てください, N1はN2です) occurs in any text.

    Each ``/`` alternative is split at its placeholders (ASCII letters, digits, 〜, +); its
    target-language chunks must appear in order. A one-chunk pattern is a plain substring test.
    """
    haystacks = [_PLACEHOLDER.sub("", t) for t in texts]
    for alternative in re.split(r"[/／]", pattern):
        chunks = [c for c in _PLACEHOLDER.split(alternative) if c]
        if not chunks:
            continue
        for hay in haystacks:
            pos = 0
            for chunk in chunks:
                pos = hay.find(chunk, pos)
                if pos < 0:
                    break
                pos += len(chunk)
            else:
                return True
    return False


def _items_used(text: str, plan: DomainPlan) -> list[str]:
    return sorted({item for item in plan.all_items() if contains_word(text, item)})


def _find_scenario(plan: DomainPlan, name: str) -> Scenario | None:
    wanted = name.strip().casefold()
    return next((s for s in plan.scenarios if s.name.strip().casefold() == wanted), None)


def _target_texts(value: Any) -> Iterator[TargetText]:
    """Every :class:`TargetText` inside a stage, however deeply nested."""
    if isinstance(value, TargetText):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _target_texts(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _target_texts(item)


def _surfaces(value: Any) -> str:
    return "\n".join(t.surface for t in _target_texts(value))


# --- plan -------------------------------------------------------------------------------------


def check_plan(
    plan: DomainPlan,
    descriptor: CanDoDescriptor,
    kit: PrelessonKit | None = None,
    *,
    script: str | ScriptCheck = "japanese",
) -> list[QualityIssue]:
    """Every SPEC §4 check on one plan; an empty list means the plan passes."""
    target = _script(script)
    issues: list[QualityIssue] = []
    if plan.uid != descriptor.uid:
        msg = f"uid {plan.uid!r} differs from the descriptor's {descriptor.uid!r}."
        issues.append(_error("uid.mismatch", msg, "$.uid"))
    if plan.level != descriptor.level:
        msg = f"level {plan.level} differs from the descriptor's {descriptor.level}."
        issues.append(_error("level.mismatch", msg, "$.level"))
    issues += _script_issues(
        plan.communicative_function_ja,
        "$.communicative_function_ja",
        "communicative_function_ja",
        target,
    )
    issues += _range("scenarios.count", "scenarios", len(plan.scenarios), SCENARIOS, "$.scenarios")
    issues += _check_buckets(plan, target)
    issues += _check_grammar(plan, target)
    evaluation = plan.evaluation
    issues += _range(
        "evaluation.success_criteria.count",
        "success criteria",
        len(evaluation.success_criteria),
        SUCCESS_CRITERIA,
        "$.evaluation.success_criteria",
    )
    if len(evaluation.discourse_markers) < MIN_DISCOURSE_MARKERS:
        msg = f"{len(evaluation.discourse_markers)} discourse markers; expected at least 2."
        issues.append(
            _error("evaluation.discourse_markers.count", msg, "$.evaluation.discourse_markers")
        )
    issues += _check_themes(plan, target)
    if kit is not None:
        issues += _check_plan_kit(plan, kit)
    return issues


def _check_buckets(plan: DomainPlan, script: ScriptCheck) -> list[QualityIssue]:
    buckets = plan.lex_buckets
    issues = _range(
        "lex_buckets.count", "vocabulary buckets", len(buckets), LEX_BUCKETS, "$.lex_buckets"
    )
    total = sum(len(b.items) for b in buckets)
    issues += _range(
        "lex_buckets.total", "bucket items in total", total, TOTAL_ITEMS, "$.lex_buckets"
    )
    first_seen: dict[str, str] = {}
    for i, bucket in enumerate(buckets):
        path = f"$.lex_buckets[{i}].items"
        issues += _range(
            "lex_buckets.items.count",
            f"items in bucket {bucket.name!r}",
            len(bucket.items),
            BUCKET_ITEMS,
            path,
        )
        for j, item in enumerate(bucket.items):
            item_path = f"{path}[{j}]"
            issues += _script_issues(item, item_path, "bucket item", script)
            if item in first_seen:
                msg = f"bucket item {item!r} repeats (first in bucket {first_seen[item]!r})."
                issues.append(_error("lex_buckets.duplicate", msg, item_path))
            else:
                first_seen[item] = bucket.name
    return issues


def _check_grammar(plan: DomainPlan, script: ScriptCheck) -> list[QualityIssue]:
    functions = plan.grammar_functions
    issues = _range(
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
                _error("grammar_functions.duplicate_id", msg, f"$.grammar_functions[{i}].id")
            )
        seen.add(gf.id)
        issues += _script_issues(
            gf.pattern_ja, f"$.grammar_functions[{i}].pattern_ja", "pattern_ja", script
        )
    return issues


def _check_themes(plan: DomainPlan, script: ScriptCheck) -> list[QualityIssue]:
    en, ja = plan.cultural_themes_en, plan.cultural_themes_ja
    issues = _range(
        "cultural_themes.count", "cultural themes", len(en), CULTURAL_THEMES, "$.cultural_themes_en"
    )
    if len(en) != len(ja):
        msg = f"cultural_themes_en has {len(en)} themes but cultural_themes_ja has {len(ja)}."
        issues.append(_error("cultural_themes.length_mismatch", msg, "$.cultural_themes_ja"))
    for i, theme in enumerate(ja):
        issues += _script_issues(theme, f"$.cultural_themes_ja[{i}]", "cultural theme", script)
    return issues


def _check_plan_kit(plan: DomainPlan, kit: PrelessonKit) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    items = plan.all_items()
    for i, word in enumerate(kit.required_words()):
        if not any(contains_word(item, word.surface) for item in items):
            msg = f"required kit word {word.surface!r} (kit.words[{i}]) is in no vocabulary bucket."
            issues.append(_error("kit.word_missing", msg, "$.lex_buckets"))
    patterns = [t for gf in plan.grammar_functions for t in (gf.pattern_ja, gf.label)]
    for i, grammar in enumerate(kit.required_grammar()):
        if not _pattern_in(grammar.pattern, patterns):
            msg = f"required kit grammar {grammar.pattern!r} (kit.grammar[{i}]) is in no function."
            issues.append(_error("kit.grammar_missing", msg, "$.grammar_functions"))
    return issues


# --- stages -----------------------------------------------------------------------------------


def check_stage(
    stage: StageName,
    data: BaseModel | Mapping[str, Any],
    plan: DomainPlan,
    kit: PrelessonKit | None = None,
    *,
    content: ContentStage | Mapping[str, Any] | None = None,
) -> list[QualityIssue]:
    """Does a stage use its plan? Cited grammar ids, scenarios, roles, vocabulary, evidence."""
    model = STAGE_MODELS[stage]
    parsed = data if isinstance(data, model) else model.model_validate(data)
    if isinstance(parsed, ContentStage):
        return _check_content(parsed, plan, kit)
    if isinstance(parsed, ComprehensionStage):
        parsed_content = None if content is None else ContentStage.model_validate(content)
        return _check_comprehension(parsed, parsed_content)
    if isinstance(parsed, ProductionStage):
        return _check_production(parsed, plan, kit)
    assert isinstance(parsed, InteractionStage)
    return _check_interaction(parsed, plan)


def _grammar_id_issue(grammar_id: str, plan: DomainPlan, path: str) -> list[QualityIssue]:
    if grammar_id in plan.grammar_ids():
        return []
    msg = f"grammar id {grammar_id!r} is not a grammar function of the plan."
    return [_error("stage.grammar_id", msg, path)]


def _vocabulary_issue(
    code: str, what: str, text: str, plan: DomainPlan, minimum: int, path: str
) -> list[QualityIssue]:
    wanted = min(minimum, len(set(plan.all_items())))
    used = _items_used(text, plan)
    if len(used) >= wanted:
        return []
    msg = f"{what} uses {len(used)} of the plan's bucket items; expected at least {wanted}."
    return [_error(code, msg, path)]


def _check_dialogue(dialogue: Dialogue, plan: DomainPlan) -> list[QualityIssue]:
    """A vocabulary-and-grammar lesson has no dialogue; a dialogue, when there, uses the plan."""
    issues: list[QualityIssue] = []
    scenario = _find_scenario(plan, dialogue.scenario)
    if scenario is None:
        msg = f"dialogue scenario {dialogue.scenario!r} is not a scenario of the plan."
        issues.append(_error("dialogue.scenario", msg, "$.dialogue.scenario"))
    else:
        labels = {r.label.strip().casefold() for r in scenario.roles}
        for i, turn in enumerate(dialogue.turns):
            if turn.speaker.strip().casefold() not in labels:
                msg = f"speaker {turn.speaker!r} is not a role of scenario {scenario.name!r}."
                issues.append(_error("dialogue.speaker", msg, f"$.dialogue.turns[{i}].speaker"))
    issues += _vocabulary_issue(
        "dialogue.vocabulary",
        "the dialogue",
        _surfaces(dialogue),
        plan,
        MIN_DIALOGUE_ITEMS,
        "$.dialogue.turns",
    )
    return issues


def _check_content(
    content: ContentStage, plan: DomainPlan, kit: PrelessonKit | None
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for i, explanation in enumerate(content.grammar):
        issues += _grammar_id_issue(explanation.grammar_id, plan, f"$.grammar[{i}].grammar_id")
    explained = {g.grammar_id for g in content.grammar}
    for gf in plan.grammar_functions:
        if gf.id not in explained:
            msg = f"plan grammar function {gf.id} ({gf.pattern_ja}) has no explanation."
            issues.append(_warning("content.grammar_coverage", msg, "$.grammar"))
    if content.dialogue is not None:
        issues += _check_dialogue(content.dialogue, plan)
    if kit is not None:
        words = "\n".join(w.text.surface for w in content.words)
        for i, word in enumerate(kit.required_words()):
            if not contains_word(words, word.surface):
                msg = (
                    f"required kit word {word.surface!r} (kit.words[{i}]) is not in the word list."
                )
                issues.append(_warning("content.kit_word", msg, "$.words"))
    return issues


def _check_comprehension(
    stage: ComprehensionStage, content: ContentStage | None
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for i, q in enumerate(stage.questions):
        path = f"$.questions[{i}]"
        if (
            q.kind == "multiple_choice"
            and q.options
            and _norm(q.answer) not in {_norm(o) for o in q.options}
        ):
            msg = f"question {q.id!r}: the answer {q.answer!r} is not one of its options."
            issues.append(_error("comprehension.answer", msg, f"{path}.answer"))
        if content is None:
            continue
        if not q.evidence.strip():
            msg = f"question {q.id!r} quotes no evidence from the {q.source}."
            issues.append(_warning("comprehension.evidence_missing", msg, f"{path}.evidence"))
            continue
        source = content.dialogue if q.source == "dialogue" else content.reading
        if source is None:
            msg = f"question {q.id!r} asks about a dialogue the lesson does not have."
            issues.append(_error("comprehension.evidence", msg, f"{path}.source"))
            continue
        texts = [f for t in _target_texts(source) for f in (t.surface, t.reading, t.translation)]
        if _norm(q.evidence) not in _norm("\n".join(texts)):
            msg = f"question {q.id!r}: the evidence is not a quote from the {q.source}."
            issues.append(_error("comprehension.evidence", msg, f"{path}.evidence"))
    return issues


def _check_production(
    stage: ProductionStage, plan: DomainPlan, kit: PrelessonKit | None
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    known = set(plan.all_items()) | {w.surface for w in (kit.words if kit else [])}
    for i, task in enumerate(stage.tasks):
        issues += _grammar_id_issue(task.grammar_id, plan, f"$.tasks[{i}].grammar_id")
        for j, word in enumerate(task.vocabulary):
            if word not in known:
                msg = f"task {task.id!r} lists {word!r}, which is not a plan bucket item."
                issues.append(
                    _warning("production.vocabulary_unknown", msg, f"$.tasks[{i}].vocabulary[{j}]")
                )
    text = _surfaces(stage) + "\n" + "\n".join(w for t in stage.tasks for w in t.vocabulary)
    issues += _vocabulary_issue(
        "production.vocabulary", "the production tasks", text, plan, MIN_PRODUCTION_ITEMS, "$.tasks"
    )
    return issues


def _check_interaction(stage: InteractionStage, plan: DomainPlan) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for i, rp in enumerate(stage.role_plays):
        path = f"$.role_plays[{i}]"
        for j, grammar_id in enumerate(rp.grammar_ids):
            issues += _grammar_id_issue(grammar_id, plan, f"{path}.grammar_ids[{j}]")
        scenario = _find_scenario(plan, rp.scenario)
        if scenario is None:
            msg = f"role-play scenario {rp.scenario!r} is not a scenario of the plan."
            issues.append(_error("interaction.scenario", msg, f"{path}.scenario"))
            continue
        roles = {r.label.strip().casefold(): r for r in scenario.roles}
        for field in ("learner_role", "partner_role"):
            label = getattr(rp, field)
            if label.strip().casefold() not in roles:
                msg = f"{field} {label!r} is not a role of scenario {scenario.name!r}."
                issues.append(_error("interaction.role", msg, f"{path}.{field}"))
        learner = roles.get(rp.learner_role.strip().casefold())
        if learner is not None and learner.register != rp.register:
            msg = f"register {rp.register!r} is not {learner.label!r}'s {learner.register!r}."
            issues.append(_warning("interaction.register", msg, f"{path}.register"))
    issues += _vocabulary_issue(
        "interaction.vocabulary",
        "the role-plays",
        _surfaces(stage),
        plan,
        MIN_INTERACTION_ITEMS,
        "$.role_plays",
    )
    return issues


# --- lesson -----------------------------------------------------------------------------------


def check_lesson(
    stages: Mapping[StageName, BaseModel | Mapping[str, Any]],
    plan: DomainPlan,
    kit: PrelessonKit | None,
) -> list[QualityIssue]:
    """Kit requirements met across the whole lesson: words (inflected too), grammar, phrases."""
    if kit is None:
        return []
    parsed = [
        data if isinstance(data, BaseModel) else STAGE_MODELS[name].model_validate(data)
        for name, data in stages.items()
    ]
    text = "\n".join(_surfaces(stage) for stage in parsed)
    issues: list[QualityIssue] = []
    for i, word in enumerate(kit.required_words()):
        if not contains_word(text, word.surface):
            msg = f"required kit word {word.surface!r} appears nowhere in the lesson."
            issues.append(_error("lesson.kit_word_missing", msg, f"$.kit.words[{i}]"))
    grammar_texts = [text] + [
        f"{g.pattern_ja}\n{g.explanation}"
        for stage in parsed
        if isinstance(stage, ContentStage)
        for g in stage.grammar
    ]
    for i, grammar in enumerate(kit.required_grammar()):
        if not _pattern_in(grammar.pattern, grammar_texts):
            msg = f"required kit grammar {grammar.pattern!r} is neither explained nor used."
            issues.append(_error("lesson.kit_grammar_missing", msg, f"$.kit.grammar[{i}]"))
    normalized = _norm(text)
    for i, phrase in enumerate(kit.required_phrases()):
        if _norm(phrase.text) not in normalized:
            msg = f"required kit phrase {phrase.text!r} appears nowhere in the lesson."
            issues.append(_error("lesson.kit_phrase_missing", msg, f"$.kit.phrases[{i}]"))
    return issues


# --- summaries --------------------------------------------------------------------------------


def has_errors(issues: Iterable[QualityIssue]) -> bool:
    return any(issue.severity == "error" for issue in issues)


def summarize(issues: Iterable[QualityIssue]) -> dict[str, Any]:
    """Counts for events and metrics: ``{"total", "errors", "warnings", "by_code"}``."""
    issues = list(issues)
    severities = Counter(issue.severity for issue in issues)
    return {
        "total": len(issues),
        "errors": severities["error"],
        "warnings": severities["warning"],
        "by_code": dict(sorted(Counter(issue.code for issue in issues).items())),
    }
