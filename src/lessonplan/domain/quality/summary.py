"""Summaries of issues for events, metrics and exit codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from lessonplan.domain.issues import QualityIssue


def has_errors(issues: Iterable[QualityIssue]) -> bool:
    return any(issue.severity == "error" for issue in issues)


def summarize(issues: Iterable[QualityIssue]) -> dict[str, Any]:
    """Counts for events and metrics: ``{"total", "errors", "warnings", "by_code"}``."""
    issues = list(issues)
    severities = Counter(issue.severity for issue in issues)
    return {
        "total": len(issues),
        "errors": severities["error"],
        "warnings": severities["warning"],
        "by_code": dict(sorted(Counter(issue.code for issue in issues).items())),
    }
