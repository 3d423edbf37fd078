"""Plan versions per lineage (seed item 4): list, show, diff, rollback and manual edit.

History is append-only: a rollback is a new version copying an old one, and a manual edit is a
new version holding the edited plan. The newest version is the active one, which compile (via
the cache rows of the lineage) serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from lessonplan.domain.diff import PlanDiff, diff_plans, json_patch
from lessonplan.domain.hashing import Lineage
from lessonplan.domain.models import DomainPlan, normalize_plan
from lessonplan.domain.quality import check_plan
from lessonplan.errors import BadInputError, UnknownVersionError
from lessonplan.prompts.repair import format_validation_errors
from lessonplan.service.plans import PlanInputs, plan_key
from lessonplan.service.runtime import Runtime
from lessonplan.store.records import PlanVersion


def lineage_for(rt: Runtime, inputs: PlanInputs) -> Lineage:
    """The lineage of these inputs: the descriptor, and profile and kit as the prompt sees them."""
    return plan_key(rt, inputs, rt.provider).lineage


async def list_versions(rt: Runtime, lineage: Lineage) -> list[PlanVersion]:
    return await rt.store.list_plan_versions(lineage=lineage)


async def get_version(rt: Runtime, lineage: Lineage, version: int) -> PlanVersion:
    found = await rt.store.get_plan_version(lineage=lineage, version=version)
    if found is None:
        raise UnknownVersionError(
            f"no plan version {version} for {lineage.can_do_id} with this profile and kit "
            "(see `lessonplan versions`)"
        )
    return found


@dataclass
class VersionDiff:
    old: PlanVersion
    new: PlanVersion
    diff: PlanDiff
    patch: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "from_version": self.old.version,
            "to_version": self.new.version,
            "diff": self.diff.model_dump(mode="json"),
            "lines": self.diff.to_lines(),
            "json_patch": self.patch,
        }


async def diff_versions(rt: Runtime, lineage: Lineage, v1: int, v2: int) -> VersionDiff:
    old = await get_version(rt, lineage, v1)
    new = await get_version(rt, lineage, v2)
    return VersionDiff(
        old=old,
        new=new,
        diff=diff_plans(old.plan, new.plan),
        patch=json_patch(old.plan.model_dump(mode="json"), new.plan.model_dump(mode="json")),
    )


async def rollback(rt: Runtime, lineage: Lineage, version: int) -> PlanVersion:
    """A new version copying ``version``; nothing is rewritten."""
    old = await get_version(rt, lineage, version)
    return await rt.store.add_plan_version(
        lineage=lineage,
        plan=old.plan,
        source="rollback",
        model=old.model,
        prompt_version=old.prompt_version,
        quality_issues=old.quality_issues,
        parent_version=old.version,
        now=rt.now(),
        note=f"rollback to version {old.version}",
    )


async def manual_edit(
    rt: Runtime, lineage: Lineage, inputs: PlanInputs, plan_data: Any, *, note: str | None = None
) -> PlanVersion:
    """Validate an edited plan and store it as a new version (uid, level, ids set by the system)."""
    try:
        plan = DomainPlan.model_validate(plan_data)
    except ValidationError as exc:
        first = "; ".join(format_validation_errors(exc)[:3])
        raise BadInputError(f"edited plan is not a valid DomainPlan: {first}") from exc
    plan = normalize_plan(plan, inputs.descriptor)
    issues = check_plan(plan, inputs.descriptor, inputs.kit)
    # Its parent is the version it replaces: the active one when this append takes the lock.
    return await rt.store.add_plan_version(
        lineage=lineage,
        plan=plan,
        source="manual_edit",
        model="manual",
        prompt_version="",
        quality_issues=issues,
        parent_version="active",
        now=rt.now(),
        note=note or "manual edit",
    )


def version_json(version: PlanVersion) -> dict[str, Any]:
    """A plan version as JSON-ready data."""
    return {
        "can_do_id": version.can_do_id,
        "profile_hash": version.profile_hash,
        "kit_hash": version.kit_hash,
        "version": version.version,
        "active": version.is_active,
        "source": version.source,
        "parent_version": version.parent_version,
        "model": version.model,
        "prompt_version": version.prompt_version,
        "quality_issues": [i.model_dump(mode="json") for i in version.quality_issues],
        "note": version.note,
        "created_at": version.created_at.isoformat() if version.created_at else None,
        "plan": version.plan.model_dump(mode="json"),
    }
