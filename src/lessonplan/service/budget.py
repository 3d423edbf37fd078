"""``LESSONPLAN_DAILY_BUDGET_USD``: the HTTP service stops generating once today's cost (UTC,
from the cost ledger of generation events) reaches it."""

from __future__ import annotations

from datetime import datetime, timedelta

from lessonplan.errors import BudgetExceededError
from lessonplan.service.runtime import Runtime


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def spent_today(rt: Runtime) -> float:
    await rt.flush()  # buffered events count too
    from lessonplan.service.stats import summarize_rollup

    rollup = await rt.store.event_rollup(since=day_start(rt.now()))
    return float(summarize_rollup(rollup)["cost_usd"])


async def check_daily_budget(rt: Runtime) -> None:
    """Raise :class:`BudgetExceededError` (Retry-After: until midnight UTC) once spent."""
    budget = rt.settings.daily_budget_usd
    if budget is None:
        return
    spent = await spent_today(rt)
    if spent >= budget:
        now = rt.now()
        tomorrow = day_start(now) + timedelta(days=1)
        raise BudgetExceededError(
            f"LESSONPLAN_DAILY_BUDGET_USD {budget:g} reached: ${spent:.4f} spent today (UTC); "
            "generation resumes at midnight UTC",
            retry_after=(tomorrow - now).total_seconds(),
        )
