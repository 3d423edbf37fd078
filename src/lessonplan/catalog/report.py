"""What an import read: the descriptors of its well-formed rows and, row by row, what it could not
read. Pure values."""

from __future__ import annotations

from dataclasses import dataclass, field

from lessonplan.domain.models import CanDoDescriptor


@dataclass(frozen=True)
class RowProblem:
    """One row (CSV line number, or 1-based JSON item) that was not imported, and why."""

    row: int
    reason: str
    label: str = "row"

    def __str__(self) -> str:
        return f"{self.label} {self.row}: {self.reason}"


@dataclass
class ImportReport:
    """The rows an import read (``descriptors``), those it could not (``problems``), and notes
    on rows it read with a remark (an unknown topic kept as written)."""

    format: str
    descriptors: list[CanDoDescriptor] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def refusal(self, name: str) -> str:
        """The one line an all-or-nothing import fails with: how many rows were bad, which."""
        label = self.problems[0].label if self.problems else "row"
        return f"{name}: {len(self.problems)} bad {label}(s), nothing imported: {self.summary()}"

    def summary(self, limit: int = 5) -> str:
        shown = " | ".join(str(p) for p in self.problems[:limit])
        more = len(self.problems) - limit
        return shown + (f" | and {more} more" if more > 0 else "")

    def as_json(self, *, imported: int | None = None) -> dict[str, object]:
        return {
            "format": self.format,
            "read": len(self.descriptors),
            "imported": imported if imported is not None else 0,
            "bad_rows": [{"row": p.row, "reason": p.reason} for p in self.problems],
            "notes": [{"row": p.row, "note": p.reason} for p in self.notes],
        }
