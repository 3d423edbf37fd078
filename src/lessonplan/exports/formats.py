"""What each export format is: its file extension and media type (no heavy import here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ExportFormat = Literal["html", "pdf", "md", "anki"]
Copy = Literal["handout", "teacher"]
FORMATS: tuple[ExportFormat, ...] = ("html", "pdf", "md", "anki")
COPIES: tuple[Copy, ...] = ("teacher", "handout")

EXTENSIONS: dict[ExportFormat, str] = {"html": "html", "pdf": "pdf", "md": "md", "anki": "apkg"}
# .apkg has no registered media type: it is a zip that Anki opens.
MEDIA_TYPES: dict[ExportFormat, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "anki": "application/octet-stream",
}


@dataclass(frozen=True)
class Export:
    """One exported file: its bytes, media type and the file name it is offered under."""

    data: bytes
    media_type: str
    filename: str


def default_filename(
    lesson_id: str, fmt: ExportFormat, *, version: int | None = None, copy: Copy = "teacher"
) -> str:
    parts = [lesson_id]
    if version is not None:
        parts.append(f"v{version}")
    if fmt in ("html", "pdf") and copy == "handout":
        parts.append("handout")
    return "-".join(parts) + "." + EXTENSIONS[fmt]
