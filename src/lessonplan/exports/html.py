"""The lesson as one self-contained HTML page (inline CSS with a print stylesheet)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from lessonplan.domain.lesson import Lesson
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.exports.formats import Copy
from lessonplan.exports.ruby import ruby_html, ruby_mixed, ruby_text
from lessonplan.exports.view import lesson_context


@pass_context
def _ruby(context: Context, surface: str) -> Markup:
    """Furigana for a Japanese lesson's text; another language's text as it is (its digits get
    no Japanese readings)."""
    if context.get("japanese", True):
        return ruby_html(surface)
    return escape(surface)


@pass_context
def _ruby_text(context: Context, surface: str) -> str:
    return ruby_text(surface) if context.get("japanese", True) else surface


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lessonplan.exports", "templates"),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ruby"] = _ruby
    env.filters["ruby_text"] = _ruby_text
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
