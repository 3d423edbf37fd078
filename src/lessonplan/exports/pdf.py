"""The lesson as a printable PDF (WeasyPrint over the HTML export; Noto CJK fonts)."""

from __future__ import annotations

from lessonplan.domain.lesson import Lesson
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.exports.formats import Copy
from lessonplan.exports.html import render_html


def render_pdf(
    lesson: Lesson, *, descriptor: CanDoDescriptor | None = None, copy: Copy = "teacher"
) -> bytes:
    from weasyprint import HTML

    page = render_html(lesson, descriptor=descriptor, copy=copy, for_print=True)
    data = HTML(string=page).write_pdf()
    assert data is not None  # write_pdf without a target returns the bytes
    return bytes(data)
