"""A quality finding, typed: stored with plans, stages and lessons as plain JSON objects."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "info"]


class QualityIssue(BaseModel):
    """One finding: ``code`` for machines, ``message`` for people, ``path`` into the JSON.

    ``error`` is what the ``reject`` policy refuses and ``lessonplan check`` exits 1 for;
    ``warning`` is recorded; ``info`` is a remark (nothing to fix).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str
    severity: Severity
    message: str
    path: str = "$"

    def line(self) -> str:
        """``severity code path: message``, as ``lessonplan check`` prints it."""
        return f"{self.severity} {self.code} {self.path}: {self.message}"
