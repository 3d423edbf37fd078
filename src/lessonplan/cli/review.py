"""``lessonplan review``: move a lesson version through the review workflow, or show its history.

::

    lessonplan review L-3f9a…                        # versions, states and history
    lessonplan review L-3f9a… in_review --by Sato
    lessonplan review L-3f9a… rejected --note "The role-play needs a goal."
    lessonplan review L-3f9a… published --version 2
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer

from lessonplan.cli import render
from lessonplan.cli.runner import print_json, run
from lessonplan.errors import UnknownLessonError

if TYPE_CHECKING:
    from lessonplan.service.runtime import Runtime


def review_command(
    lesson_id: Annotated[str, typer.Argument(help="The lesson id (L-…).")],
    state: Annotated[
        str | None,
        typer.Argument(
            help="Move to: in_review, approved, published, rejected (with --note) or draft. "
            "Without it, show the versions and their history.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The version (the latest by default).", min=1)
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Why: required to reject or unpublish.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who is reviewing (default: the OS user).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="SQLAlchemy URL (LESSONPLAN_DATABASE_URL).", show_default=False
        ),
    ] = None,
) -> None:
    """Review a lesson version: draft → in_review → approved → published, or rejected."""

    async def body(rt: Runtime) -> None:
        from lessonplan.domain.review import parse_state
        from lessonplan.service.review import change_review_state

        if state is not None:
            event = await change_review_state(
                rt,
                lesson_id=lesson_id,
                version=version,
                to_state=parse_state(state),
                note=note,
                actor=f"{by or _os_user()} (cli)",
            )
            if json_out:
                print_json(event.model_dump(mode="json"))
            else:
                render.console.print(
                    f"{event.lesson_id} v{event.version}: {event.from_state} → "
                    f"[bold]{event.to_state}[/bold] by {render.escape(event.actor)}"
                )
            return
        versions = await rt.store.lesson_versions(lesson_id=lesson_id)
        if not versions:
            raise UnknownLessonError(f"unknown lesson {lesson_id!r}", lesson_id=lesson_id)
        history = await rt.store.review_history(lesson_id=lesson_id, version=version)
        if json_out:
            print_json(
                {
                    "lesson_id": lesson_id,
                    "versions": [
                        {"version": v.version, "review_state": v.review_state, "status": v.status}
                        for v in versions
                    ],
                    "history": [e.model_dump(mode="json") for e in history],
                }
            )
            return
        table = render.Table(title=f"{lesson_id}: versions")
        for col in ("version", "review state", "status", "plan", "created"):
            table.add_column(col)
        for v in versions:
            table.add_row(
                str(v.version),
                v.review_state,
                v.status,
                f"v{v.plan_version} ({v.plan_source})",
                f"{v.created_at:%Y-%m-%d %H:%M}",
            )
        render.console.print(table)
        log = render.Table(title="review history")
        for col in ("when", "version", "from", "to", "by", "note"):
            log.add_column(col)
        for e in history:
            log.add_row(
                f"{e.at:%Y-%m-%d %H:%M}",
                str(e.version),
                e.from_state or "—",
                e.to_state,
                render.escape(e.actor),
                render.escape(e.note or ""),
            )
        render.console.print(log)

    run(body, database_url=database_url)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
