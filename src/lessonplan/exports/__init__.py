"""Lesson exports teachers and authors use: html, pdf (handout or teacher's copy), md, anki.

Each format's library (jinja2, weasyprint, genanki) is imported only when that format is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonplan.exports.formats import (
    COPIES,
    EXTENSIONS,
    FORMATS,
    MEDIA_TYPES,
    Copy,
    Export,
    ExportFormat,
    default_filename,
)

if TYPE_CHECKING:
    from lessonplan.domain.lesson import Lesson
    from lessonplan.domain.models import CanDoDescriptor


def export_lesson(
    lesson: Lesson,
    fmt: ExportFormat,
    *,
    descriptor: CanDoDescriptor | None = None,
    copy: Copy = "teacher",
    version: int | None = None,
) -> Export:
    """The lesson as one file of ``fmt``. ``copy`` (html, pdf): ``handout`` leaves out answers,
    model answers, partner cards, success criteria and line translations."""
    if fmt == "html":
        from lessonplan.exports.html import render_html

        data = render_html(lesson, descriptor=descriptor, copy=copy).encode()
    elif fmt == "pdf":
        from lessonplan.exports.pdf import render_pdf

        data = render_pdf(lesson, descriptor=descriptor, copy=copy)
    elif fmt == "md":
        from lessonplan.exports.markdown import render_markdown

        data = render_markdown(lesson, descriptor=descriptor).encode()
    elif fmt == "anki":
        from lessonplan.exports.anki import render_apkg

        data = render_apkg(lesson)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return Export(
        data=data,
        media_type=MEDIA_TYPES[fmt],
        filename=default_filename(lesson.lesson_id, fmt, version=version, copy=copy),
    )


__all__ = [
    "COPIES",
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "Copy",
    "Export",
    "ExportFormat",
    "default_filename",
    "export_lesson",
]
