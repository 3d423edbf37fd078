"""Queued precompile runs: the run, one row per job (plan key), their states and cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text

from lessonplan.store.repos.base import Repository

STATES = ("pending", "done", "failed", "cancelled")


@dataclass
class RunStatus:
    run_id: str
    created_at: datetime
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    cost_usd: float = 0.0
    max_cost_usd: float | None = None
    stopped_reason: str | None = None
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.counts.get("pending", 0) == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "created_at": self.created_at.isoformat(),
            "total": self.total,
            "done": self.counts.get("done", 0),
            "failed": self.counts.get("failed", 0),
            "pending": self.counts.get("pending", 0),
            "cancelled": self.counts.get("cancelled", 0),
            "cost_usd": round(self.cost_usd, 6),
            "max_cost_usd": self.max_cost_usd,
            "stopped_reason": self.stopped_reason,
            "finished": self.finished,
            "failures": self.failures,
        }


class RunRepository(Repository):
    async def create(
        self, *, run_id: str, now: datetime, lessons: bool, max_cost_usd: float | None
    ) -> None:
        await self.conn.execute(
            text(
                "INSERT INTO precompile_runs (run_id, created_at, total, lessons, max_cost_usd) "
                "VALUES (:run_id, :now, 0, :lessons, :max_cost)"
            ),
            {"run_id": run_id, "now": now, "lessons": lessons, "max_cost": max_cost_usd},
        )

    async def add_job(self, *, run_id: str, job_key: str, can_do_id: str, now: datetime) -> None:
        await self.conn.execute(
            text(
                "INSERT INTO precompile_jobs (run_id, job_key, can_do_id, state, updated_at) "
                "VALUES (:run_id, :key, :uid, 'pending', :now) ON CONFLICT DO NOTHING"
            ),
            {"run_id": run_id, "key": job_key, "uid": can_do_id, "now": now},
        )
        await self.conn.execute(
            text(
                "UPDATE precompile_runs SET total = (SELECT count(*) FROM precompile_jobs "
                "WHERE run_id = :run_id) WHERE run_id = :run_id"
            ),
            {"run_id": run_id},
        )

    async def set_queue_job(self, *, run_id: str, job_key: str, queue_job_id: int) -> None:
        await self.conn.execute(
            text(
                "UPDATE precompile_jobs SET queue_job_id = :qid "
                "WHERE run_id = :run_id AND job_key = :key"
            ),
            {"run_id": run_id, "key": job_key, "qid": queue_job_id},
        )

    async def finish_key(
        self,
        *,
        job_key: str,
        run_id: str,
        state: str,
        source: str | None,
        cost_usd: float,
        error: str | None,
        now: datetime,
    ) -> None:
        """This run's row takes the cost; other runs waiting on the same key (their enqueue met
        this job's queueing lock) are finished with it at no cost."""
        await self.conn.execute(
            text(
                "UPDATE precompile_jobs SET state = :state, source = :source, "
                "cost_usd = CASE WHEN run_id = :run_id "
                "THEN CAST(:cost AS double precision) ELSE 0.0 END, "
                "error = :error, attempts = attempts + 1, updated_at = :now "
                "WHERE job_key = :key AND (run_id = :run_id OR state = 'pending')"
            ),
            {
                "key": job_key,
                "run_id": run_id,
                "state": state,
                "source": source,
                "cost": cost_usd,
                "error": error,
                "now": now,
            },
        )

    async def is_pending(self, *, run_id: str, job_key: str) -> bool:
        row = (
            await self.conn.execute(
                text("SELECT state FROM precompile_jobs WHERE run_id = :run_id AND job_key = :key"),
                {"run_id": run_id, "key": job_key},
            )
        ).first()
        return row is not None and row.state == "pending"

    async def cancel_pending(self, *, run_id: str, reason: str, now: datetime) -> list[int]:
        """Mark the run's pending jobs cancelled; the queue job ids to cancel."""
        rows = (
            await self.conn.execute(
                text(
                    "UPDATE precompile_jobs SET state = 'cancelled', updated_at = :now "
                    "WHERE run_id = :run_id AND state = 'pending' RETURNING queue_job_id"
                ),
                {"run_id": run_id, "now": now},
            )
        ).all()
        await self.conn.execute(
            text("UPDATE precompile_runs SET stopped_reason = :reason WHERE run_id = :run_id"),
            {"run_id": run_id, "reason": reason},
        )
        return [r.queue_job_id for r in rows if r.queue_job_id is not None]

    async def cost(self, *, run_id: str) -> float:
        row = (
            await self.conn.execute(
                text(
                    "SELECT coalesce(sum(cost_usd), 0) AS c FROM precompile_jobs WHERE run_id = :r"
                ),
                {"r": run_id},
            )
        ).one()
        return float(row.c)

    async def status(self, *, run_id: str) -> RunStatus | None:
        run = (
            await self.conn.execute(
                text(
                    "SELECT run_id, created_at, total, max_cost_usd, stopped_reason "
                    "FROM precompile_runs WHERE run_id = :r"
                ),
                {"r": run_id},
            )
        ).first()
        if run is None:
            return None
        status = RunStatus(
            run_id=run.run_id,
            created_at=run.created_at,
            total=run.total,
            max_cost_usd=run.max_cost_usd,
            stopped_reason=run.stopped_reason,
        )
        rows = (
            await self.conn.execute(
                text(
                    "SELECT state, count(*) AS n, coalesce(sum(cost_usd), 0) AS c "
                    "FROM precompile_jobs WHERE run_id = :r GROUP BY state"
                ),
                {"r": run_id},
            )
        ).all()
        for row in rows:
            status.counts[row.state] = int(row.n)
            status.cost_usd += float(row.c)
        failed = (
            await self.conn.execute(
                text(
                    "SELECT can_do_id, error FROM precompile_jobs "
                    "WHERE run_id = :r AND state = 'failed' ORDER BY can_do_id LIMIT 50"
                ),
                {"r": run_id},
            )
        ).all()
        status.failures = {row.can_do_id: row.error or "" for row in failed}
        return status
