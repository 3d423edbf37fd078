"""The lesson as one self-contained HTML page (inline CSS with a print stylesheet)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from lessonplan.domain.lesson import Lesson
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.exports.formats import Copy
from lessonplan.exports.ruby import ruby_html, ruby_mixed, ruby_text
from lessonplan.exports.view import lesson_context


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lessonplan.exports", "templates"),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ruby"] = ruby_html
    env.filters["ruby_text"] = ruby_text
    env.filters["mixed"] = ruby_mixed
    return env


def render_html(
    lesson: Lesson,
    *,
    descriptor: CanDoDescriptor | None = None,
    copy: Copy = "teacher",
    for_print: bool = False,
) -> str:
    """``for_print``: the page as the PDF lays it out (no on-screen toggles)."""
    template = environment().get_template("lesson.html.j2")
    return template.render(
        **lesson_context(lesson, descriptor=descriptor, copy=copy), for_print=for_print
    )
