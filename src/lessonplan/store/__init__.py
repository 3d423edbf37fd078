"""Persistence: tables, engines, migrations, the unit of work and the :class:`Store`.

PostgreSQL is the production store; SQLite the embedded default. Everything above this package
talks to the database through :class:`Store` (``async with store.transaction() as tx``) only.
"""

from lessonplan.domain.hashing import Lineage
from lessonplan.store.engine import create_engine, upgrade_to_head
from lessonplan.store.records import (
    CacheEntry,
    CacheStats,
    GenerationEvent,
    LineageRecord,
    PlanVersion,
)
from lessonplan.store.repository import Store
from lessonplan.store.unit_of_work import Transaction

__all__ = [
    "CacheEntry",
    "CacheStats",
    "GenerationEvent",
    "Lineage",
    "LineageRecord",
    "PlanVersion",
    "Store",
    "Transaction",
    "create_engine",
    "upgrade_to_head",
]
