"""A quality finding, typed: stored with plans, stages and lessons as plain JSON objects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

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


def issues_to_json(issues: Iterable[QualityIssue]) -> list[dict[str, Any]]:
    """Issues as the JSON objects the store keeps."""
    return [issue.model_dump(mode="json") for issue in issues]


def issues_from_json(raw: object) -> list[QualityIssue]:
    """Stored issue objects back as typed issues.

    Rows written by older versions may hold an object this model does not describe; it is kept
    readable as a ``warning`` with the stored text rather than failing the whole read.
    """
    if not isinstance(raw, list):
        return []
    issues: list[QualityIssue] = []
    for item in raw:
        if isinstance(item, QualityIssue):
            issues.append(item)
            continue
        try:
            issues.append(QualityIssue.model_validate(item))
        except ValidationError:
            data = item if isinstance(item, dict) else {}
            issues.append(
                QualityIssue(
                    code=str(data.get("code") or "stored.unreadable"),
                    severity="warning",
                    message=str(data.get("message") or item),
                    path=str(data.get("path") or "$"),
                )
            )
    return issues
