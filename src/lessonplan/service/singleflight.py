"""In-process single-flight: concurrent calls for one key share one execution.

The first caller for a key starts the work as its own task; callers arriving while it runs await
the same task and get its result or its error. A cancelled caller (a client that went away) only
cancels the work when nobody else is still waiting for it, and then waits until the work has
stopped (its bookkeeping done) before it re-raises. Cross-process exclusion is layered on
top by the store's advisory lock on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Flight(Generic[T]):
    task: asyncio.Task[T]
    waiters: int = 0


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._flights: dict[str, _Flight[T]] = {}

    def inflight(self, key: str) -> bool:
        return key in self._flights

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """Run ``work`` once per key at a time; returns ``(result, joined)``, ``joined`` being
        true when this caller shared another caller's execution."""
        flight = self._flights.get(key)
        joined = flight is not None
        if flight is None:

            async def _work() -> T:
                return await work()

            task = asyncio.ensure_future(_work())
            flight = _Flight(task=task)
            self._flights[key] = flight
            task.add_done_callback(lambda _t: self._forget(key, flight))
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.task), joined
        except asyncio.CancelledError:
            if flight.waiters <= 1 and not flight.task.done():
                flight.task.cancel()
                await asyncio.wait({flight.task})
            raise
        finally:
            flight.waiters -= 1

    async def cancel_all(self) -> None:
        """Cancel every running flight and wait until each has stopped (at shutdown)."""
        tasks = {flight.task for flight in self._flights.values() if not flight.task.done()}
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    def _forget(self, key: str, flight: _Flight[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.task.cancelled():
            flight.task.exception()  # retrieved: no "exception was never retrieved" noise
