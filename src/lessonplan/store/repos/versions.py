"""Append-only plan history per lineage, and each lineage's counter and active version.

A new version's number and its ``parent_version`` (by default the active version) are read under
the lineage row's lock, in the transaction that appends it: ``SELECT ... FOR UPDATE`` on
PostgreSQL, the single ``BEGIN IMMEDIATE`` writer on SQLite. Concurrent appends therefore get
consecutive numbers and each one's parent is the version it replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Row, select, update

from lessonplan.domain.hashing import Lineage
from lessonplan.domain.issues import QualityIssue, issues_from_json, issues_to_json
from lessonplan.domain.models import DomainPlan
from lessonplan.store import sql
from lessonplan.store.records import LineageRecord, PlanVersion
from lessonplan.store.repos.base import Repository

_lineages = sql.lineages
_versions = sql.versions

ACTIVE: Literal["active"] = "active"
Parent = int | None | Literal["active"]


class PlanVersionRepository(Repository):
    async def append(
        self,
        *,
        lineage: Lineage,
        plan: DomainPlan,
        source: str,
        model: str,
        prompt_version: str,
        quality_issues: Sequence[QualityIssue],
        now: datetime,
        parent_version: Parent = ACTIVE,
        note: str | None = None,
        activate: bool = True,
    ) -> PlanVersion:
        """Append the next version; ``parent_version="active"`` records the version it follows."""
        lineage_id, last, active = await self._lock_lineage(lineage, now)
        version = last + 1
        values: dict[str, Any] = {"last_version": version, "updated_at": now}
        if activate:
            values["active_version"] = version
        await self.conn.execute(
            update(_lineages).where(_lineages.c.id == lineage_id).values(values)
        )
        parent = active if parent_version == ACTIVE else parent_version
        await self.conn.execute(
            _versions.insert().values(
                lineage_id=lineage_id,
                can_do_id=lineage.can_do_id,
                profile_hash=lineage.profile_fingerprint,
                kit_hash=lineage.kit_fingerprint,
                version=version,
                plan_json=plan.model_dump(mode="json"),
                source=source,
                parent_version=parent,
                model=model,
                prompt_version=prompt_version,
                quality_issues=issues_to_json(quality_issues),
                note=note,
                created_at=now,
            )
        )
        return PlanVersion(
            can_do_id=lineage.can_do_id,
            profile_hash=lineage.profile_fingerprint,
            kit_hash=lineage.kit_fingerprint,
            version=version,
            plan=plan,
            source=source,
            parent_version=parent,
            model=model,
            prompt_version=prompt_version,
            quality_issues=list(quality_issues),
            note=note,
            created_at=now,
            is_active=activate,
        )

    async def _lock_lineage(self, lineage: Lineage, now: datetime) -> tuple[int, int, int | None]:
        """Get-or-create the lineage row and lock it; (id, last version, active version)."""
        await self.conn.execute(
            self._insert(_lineages)
            .values(
                can_do_id=lineage.can_do_id,
                profile_hash=lineage.profile_fingerprint,
                kit_hash=lineage.kit_fingerprint,
                last_version=0,
                active_version=None,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[
                    _lineages.c.can_do_id,
                    _lineages.c.profile_hash,
                    _lineages.c.kit_hash,
                ]
            )
        )
        row = (
            await self.conn.execute(
                select(_lineages.c.id, _lineages.c.last_version, _lineages.c.active_version)
                .where(sql.lineage_match(_lineages, lineage))
                .with_for_update()
            )
        ).one()
        return int(row.id), int(row.last_version), row.active_version

    async def history(self, *, lineage: Lineage) -> list[PlanVersion]:
        query = (
            _versions_query()
            .where(sql.lineage_match(_lineages, lineage))
            .order_by(_versions.c.version)
        )
        return [_plan_version(row) for row in (await self.conn.execute(query)).all()]

    async def get(self, *, lineage: Lineage, version: int) -> PlanVersion | None:
        query = (
            _versions_query()
            .where(sql.lineage_match(_lineages, lineage))
            .where(_versions.c.version == version)
        )
        row = (await self.conn.execute(query)).one_or_none()
        return None if row is None else _plan_version(row)

    async def active(self, *, lineage: Lineage) -> PlanVersion | None:
        query = (
            _versions_query()
            .where(sql.lineage_match(_lineages, lineage))
            .where(_versions.c.version == _lineages.c.active_version)
        )
        row = (await self.conn.execute(query)).one_or_none()
        return None if row is None else _plan_version(row)

    async def lineages(self, *, can_do_id: str | None = None) -> list[LineageRecord]:
        query = select(_lineages).order_by(
            _lineages.c.can_do_id, _lineages.c.profile_hash, _lineages.c.kit_hash
        )
        if can_do_id is not None:
            query = query.where(_lineages.c.can_do_id == can_do_id)
        return [
            LineageRecord(
                can_do_id=row.can_do_id,
                profile_hash=row.profile_hash,
                kit_hash=row.kit_hash,
                last_version=row.last_version,
                active_version=row.active_version,
                created_at=row.created_at,
            )
            for row in (await self.conn.execute(query)).all()
        ]


def _versions_query() -> Any:
    return select(_versions, _lineages.c.active_version).join(
        _lineages, _lineages.c.id == _versions.c.lineage_id
    )


def _plan_version(row: Row[Any]) -> PlanVersion:
    return PlanVersion(
        can_do_id=row.can_do_id,
        profile_hash=row.profile_hash,
        kit_hash=row.kit_hash,
        version=row.version,
        plan=DomainPlan.model_validate(row.plan_json),
        source=row.source,
        parent_version=row.parent_version,
        model=row.model,
        prompt_version=row.prompt_version,
        quality_issues=issues_from_json(row.quality_issues),
        note=row.note,
        created_at=row.created_at,
        is_active=row.version == row.active_version,
    )
