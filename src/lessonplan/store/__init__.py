"""Persistence: tables, engines, migrations and the :class:`Store` repository.

PostgreSQL is the production store; SQLite the embedded default. Everything above this package
talks to the database through :class:`Store` only.
"""

from lessonplan.store.engine import create_engine, upgrade_to_head
from lessonplan.store.records import CacheEntry, CacheStats, GenerationEvent, Lineage, PlanVersion
from lessonplan.store.repository import Store

__all__ = [
    "CacheEntry",
    "CacheStats",
    "GenerationEvent",
    "Lineage",
    "PlanVersion",
    "Store",
    "create_engine",
    "upgrade_to_head",
]
