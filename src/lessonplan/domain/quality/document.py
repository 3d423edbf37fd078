"""Check a lesson or plan JSON document, as ``lessonplan check FILE`` reads it.

Accepted shapes: a stored lesson (``lesson show --json``), the output of ``compile --json``
(``{"lesson": {...}}``), a teacher-written lesson (``plan`` and ``stages``, each stage either a
stored record with ``data`` or the stage itself), a plan (a DomainPlan), or the output of
``plan --json`` (``{"plan": {...}}``). Paths in the issues point into the document as given.

The target language the checks follow: the one asked for, else the document's own
``target_language`` (top level, or beside the lesson's plan), else the catalog descriptor's,
else Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import STAGE_MODELS, STAGES, ContentStage, StageName
from lessonplan.domain.models import CanDoDescriptor, DomainPlan
from lessonplan.domain.quality.common import error
from lessonplan.domain.quality.lesson import check_lesson
from lessonplan.domain.quality.plan import check_plan
from lessonplan.domain.quality.stages import check_stage


class DocumentError(ValueError):
    """The document is neither a lesson nor a plan, or does not validate as one."""


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
    return f"{where}: {err.get('msg', 'invalid')}"


def _prefixed(issues: list[QualityIssue], prefix: str) -> list[QualityIssue]:
    return [i.model_copy(update={"path": prefix + i.path[1:]}) for i in issues]


def _plan(raw: Any, what: str) -> DomainPlan:
    if not isinstance(raw, Mapping):
        raise DocumentError(f"{what} is not a JSON object")
    try:
        return DomainPlan.model_validate(raw)
    except ValidationError as exc:
        raise DocumentError(f"{what} is not a valid plan: {_first_error(exc)}") from None


def _descriptor(
    plan: DomainPlan, descriptors: Mapping[str, CanDoDescriptor], language: str | None = None
) -> CanDoDescriptor:
    """The catalog's descriptor, or one made from the plan (its uid and level then agree);
    ``language`` overrides its target language."""
    known = descriptors.get(plan.uid)
    if known is None:
        known = CanDoDescriptor(
            uid=plan.uid, level=plan.level, description_en=plan.communicative_function_en
        )
    if language is not None and language != known.target_language:
        try:
            known = CanDoDescriptor.model_validate(
                {**known.model_dump(), "target_language": language}
            )
        except ValidationError:
            raise DocumentError(f"{language!r} is not a language tag (ja, es, pt-BR...)") from None
    return known


def _language(*sources: Any) -> str | None:
    for source in sources:
        if isinstance(source, Mapping) and isinstance(source.get("target_language"), str):
            return str(source["target_language"])
    return None


def kind_of(data: Any) -> tuple[str, Mapping[str, Any], str]:
    """(``"lesson"`` or ``"plan"``, the object, the JSON path prefix of that object)."""
    if not isinstance(data, Mapping):
        raise DocumentError("not a lesson or plan: the document is not a JSON object")
    if isinstance(data.get("lesson"), Mapping) and "stages" in data["lesson"]:
        return "lesson", data["lesson"], "$.lesson"
    if "stages" in data and "plan" in data:
        return "lesson", data, "$"
    if "lex_buckets" in data:
        return "plan", data, "$"
    if isinstance(data.get("plan"), Mapping) and "lex_buckets" in data["plan"]:
        return "plan", data["plan"], "$.plan"
    raise DocumentError(
        "not a lesson or plan: expected a DomainPlan (lex_buckets...) or a lesson (plan and stages)"
    )


def check_document(
    data: Any,
    *,
    descriptors: Mapping[str, CanDoDescriptor] | None = None,
    target_language: str | None = None,
) -> list[QualityIssue]:
    """Every check that applies to the document; raises :class:`DocumentError` for bad input."""
    kind, body, prefix = kind_of(data)
    catalog = descriptors or {}
    language = target_language or _language(body, data, body.get("plan"))
    if kind == "plan":
        plan = _plan(body, "the plan")
        return _prefixed(check_plan(plan, _descriptor(plan, catalog, language)), prefix)
    plan = _plan(body.get("plan"), "the lesson's plan")
    descriptor = _descriptor(plan, catalog, language)
    language = descriptor.target_language
    issues = _prefixed(check_plan(plan, descriptor), f"{prefix}.plan")
    stages_raw = body.get("stages")
    if not isinstance(stages_raw, Mapping):
        raise DocumentError("the lesson's stages are not a JSON object")
    unknown = sorted(set(stages_raw) - set(STAGES))
    if unknown:
        raise DocumentError(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(STAGES)}")
    metalanguage = str(body.get("metalanguage") or "en")
    parsed: dict[StageName, BaseModel] = {}
    where: dict[StageName, str] = {}
    for name in STAGES:
        raw = stages_raw.get(name)
        if raw is None:
            continue
        stage_path = f"{prefix}.stages.{name}"
        if isinstance(raw, Mapping) and "status" in raw and "data" in raw:
            if raw.get("data") is None:
                continue  # a failed or pending stage has nothing to check
            raw, stage_path = raw["data"], f"{stage_path}.data"
        try:
            parsed[name] = STAGE_MODELS[name].model_validate(raw)
        except ValidationError as exc:
            msg = f"the {name} stage does not validate: {_first_error(exc)}"
            issues.append(error("stage.invalid", msg, stage_path))
            continue
        where[name] = stage_path
    content = parsed.get("content")
    for name, stage in parsed.items():
        found = check_stage(
            name,
            stage,
            plan,
            content=content if isinstance(content, ContentStage) else None,
            metalanguage=metalanguage,
            language=language,
        )
        issues += _prefixed(found, where[name])
    lesson_issues = check_lesson(parsed, plan, None, language=language)
    # check_lesson paths are relative to a stored lesson ($.plan..., $.stages.<name>.data...).
    issues += _prefixed(_relocate(lesson_issues, where), prefix)
    return issues


def _relocate(issues: list[QualityIssue], where: Mapping[StageName, str]) -> list[QualityIssue]:
    """Point ``$.stages.<name>.data`` paths at the stage as the document holds it."""
    out = []
    for issue in issues:
        path = issue.path
        for name, stage_path in where.items():
            stored = f"$.stages.{name}.data"
            if path.startswith(stored):
                relative = stage_path.split(".stages.", 1)[1]
                path = f"$.stages.{relative}" + path[len(stored) :]
        out.append(issue.model_copy(update={"path": path}))
    return out
