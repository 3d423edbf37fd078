"""Rendering helpers for the studio's templates: the Jinja2 environment, furigana as ``<ruby>``,
and quality issues placed beside the line they concern (pure apart from reading templates)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import FuriganaSegment, Lesson, StageName, TargetText
from lessonplan.domain.review import move_label
from lessonplan.exports.ruby import ruby_segments

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def ruby(text: TargetText | None) -> Markup:
    """The surface with ``<ruby>`` furigana over every kanji run, from the segments the text
    layer stored with it (laid out by the exports' renderer, so pages and files agree)."""
    if text is None:
        return Markup("")
    return ruby_segments(text.furigana or [FuriganaSegment(text=text.surface)])


@pass_context
def jtext(context: Context, text: TargetText | None, *, translation: bool = True) -> Markup:
    """A line of the target language as the lesson page shows it, tagged with the page's
    ``lang`` (Japanese unless the page says otherwise): ruby furigana, the romaji (hidden until
    the reader asks for it) and the translation (collapsible)."""
    if text is None:
        return Markup("")
    lang = context.get("lang") or "ja"
    parts = [Markup('<span class="ja" lang="{}">{}</span>').format(lang, ruby(text))]
    if text.romaji:
        parts.append(Markup('<span class="romaji">{}</span>').format(text.romaji))
    if translation and text.translation:
        parts.append(
            Markup(
                '<details class="translation"><summary>translation</summary>{}</details>'
            ).format(text.translation)
        )
    return Markup(" ").join(parts)


class IssueIndex:
    """A stage's quality issues by JSON path, so a template can show each beside its line and
    list the rest (issues about the stage as a whole) at the top."""

    def __init__(self, issues: Iterable[QualityIssue]) -> None:
        self._issues = list(issues)
        self._shown: set[int] = set()

    def at(self, path: str) -> list[QualityIssue]:
        """Issues at ``path`` or inside it (``$.dialogue.turns[2]`` takes ``...turns[2].text``)."""
        found = []
        for i, issue in enumerate(self._issues):
            if i in self._shown:
                continue
            if issue.path == path or issue.path.startswith((path + ".", path + "[")):
                self._shown.add(i)
                found.append(issue)
        return found

    def remaining(self) -> list[QualityIssue]:
        """Issues no line has shown yet (about the stage as a whole): call it last."""
        left = [issue for i, issue in enumerate(self._issues) if i not in self._shown]
        self._shown.update(range(len(self._issues)))
        return left

    def __len__(self) -> int:
        return len(self._issues)


def stage_issues(lesson: Lesson, stage: StageName) -> IssueIndex:
    """The stage's own issues, and lesson-level ones that point into the stage."""
    record = lesson.stages.get(stage)
    own = list(record.quality_issues) if record else []
    prefix = f"$.stages.{stage}.data"
    for issue in lesson.quality_issues:
        if issue.path.startswith(prefix):
            own.append(issue.model_copy(update={"path": "$" + issue.path[len(prefix) :]}))
    return IssueIndex(own)


def usd(value: float | None) -> str:
    if not value:
        return "$0"
    return f"${value:.4f}" if value < 1 else f"${value:,.2f}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ruby"] = ruby
    env.filters["usd"] = usd
    env.globals["jtext"] = jtext
    env.globals["move_label"] = move_label
    return env


def render(template: str, /, **context: Any) -> str:
    return environment().get_template(template).render(**context)
