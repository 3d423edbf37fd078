"""Canonical JSON and the hashes that key caches, lineages and lessons.

The plan cache key covers everything that changes the generator's answer: the descriptor's
content, the profile and kit *as the prompt carries them*, the metalanguage, the model, the
prompt-template and schema versions and the generation parameters.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: equal values give equal text."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(value: Any, length: int = 16) -> str:
    """A short stable hash of a JSON-able value (16 hex chars = 64 bits)."""
    return sha256_hex(canonical_json(value))[:length]


@dataclass(frozen=True, slots=True)
class Lineage:
    """Whose plan history: one descriptor, one profile and one kit *as the planner prompt carries
    them*. Plan versions are numbered per lineage.

    ``profile_fingerprint`` is not the lesson's whole-profile hash (``Lesson.profile_hash``): two
    profiles that differ only in fields the planner never sees share a lineage, not a lesson.
    """

    can_do_id: str
    profile_fingerprint: str
    kit_fingerprint: str

    @property
    def profile_hash(self) -> str:
        """The old name of :attr:`profile_fingerprint` (kept for callers and JSON output)."""
        return self.profile_fingerprint

    @property
    def kit_hash(self) -> str:
        """The old name of :attr:`kit_fingerprint`."""
        return self.kit_fingerprint


@dataclass(frozen=True)
class PlanKey:
    """Everything that identifies one plan answer. ``key_hash`` is the cache's unique key."""

    can_do_id: str
    profile_hash: str
    kit_hash: str
    descriptor_hash: str
    metalanguage: str
    model: str
    prompt_version: str
    schema_version: str
    params: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def key_hash(self) -> str:
        return sha256_hex(
            canonical_json(
                {
                    "can_do_id": self.can_do_id,
                    "profile": self.profile_hash,
                    "kit": self.kit_hash,
                    "descriptor": self.descriptor_hash,
                    "metalanguage": self.metalanguage,
                    "model": self.model,
                    "prompt_version": self.prompt_version,
                    "schema_version": self.schema_version,
                    "params": self.params,
                }
            )
        )

    @property
    def lineage(self) -> Lineage:
        """The plan history this key's answers are appended to."""
        return Lineage(self.can_do_id, self.profile_hash, self.kit_hash)

    @property
    def lock_id(self) -> int:
        """A signed 64-bit integer for PostgreSQL advisory locks."""
        return int.from_bytes(bytes.fromhex(self.key_hash[:16]), "big", signed=True)

    def with_model(self, model: str, prompt_version: str | None = None) -> PlanKey:
        return PlanKey(
            can_do_id=self.can_do_id,
            profile_hash=self.profile_hash,
            kit_hash=self.kit_hash,
            descriptor_hash=self.descriptor_hash,
            metalanguage=self.metalanguage,
            model=model,
            prompt_version=prompt_version or self.prompt_version,
            schema_version=self.schema_version,
            params=self.params,
        )
