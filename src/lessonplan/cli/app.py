"""The ``lessonplan`` command line: thin commands that parse, call the service and render.

Imports of the service, the store, pydantic models and vendor SDKs live in the commands that use
them, so that ``lessonplan --help`` starts like any small typer app.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lessonplan.cli import render
from lessonplan.cli.review import review_command
from lessonplan.cli.runner import OneLineErrors, fail, print_json, run
from lessonplan.errors import BadInputError, LessonplanError, UnknownLessonError

if TYPE_CHECKING:
    from lessonplan.domain.lesson import Lesson
    from lessonplan.domain.models import LearnerProfile, PrelessonKit
    from lessonplan.service.runtime import Runtime

app = typer.Typer(
    name="lessonplan",
    help="Compile language lessons from Can-Do descriptors: cached, reusable, versioned plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)
catalog_app = typer.Typer(help="The Can-Do descriptor catalog.", no_args_is_help=True)
cache_app = typer.Typer(help="The plan cache.", no_args_is_help=True)
lesson_app = typer.Typer(help="Stored lessons.", no_args_is_help=True)
learner_app = typer.Typer(help="Stored learner profiles.", no_args_is_help=True)
events_app = typer.Typer(help="The generation event log.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(cache_app, name="cache")
app.add_typer(lesson_app, name="lesson")
app.add_typer(learner_app, name="learner")
app.add_typer(events_app, name="events")
app.command("review")(review_command)

ProfileOpt = Annotated[
    Path | None, typer.Option("--profile", help="Learner profile JSON file.", show_default=False)
]
KitOpt = Annotated[
    Path | None, typer.Option("--kit", help="Pre-lesson kit JSON file.", show_default=False)
]
LearnerOpt = Annotated[
    str | None, typer.Option("--learner", help="Use the stored profile of this learner.")
]
LlmOpt = Annotated[
    str | None,
    typer.Option("--llm", help="offline | openai:MODEL | anthropic:MODEL (LESSONPLAN_LLM)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL (LESSONPLAN_DATABASE_URL).", show_default=False
    ),
]
MetaOpt = Annotated[
    str | None,
    typer.Option("--metalanguage", help="Language of instructions and translations (default en)."),
]
VariantOpt = Annotated[
    str | None, typer.Option("--prompt", help="Planner prompt variant: compact | full.")
]
RomajiOpt = Annotated[
    bool, typer.Option("--romaji", help="Show romaji under each line instead of furigana.")
]


def _inputs(profile: Path | None, kit: Path | None) -> tuple[LearnerProfile | None, PrelessonKit]:
    from lessonplan.domain.models import PrelessonKit
    from lessonplan.inputs import load_kit, load_profile

    loaded_profile = load_profile(profile) if profile else None
    loaded_kit = load_kit(kit) if kit else PrelessonKit()
    return loaded_profile, loaded_kit


def _level(level: str | None) -> str | None:
    """``--level``: A1…C2 (any case), or bad input."""
    if level is None:
        return None
    from lessonplan.domain.models import LEVELS

    if level.upper() not in LEVELS:
        fail(f"unknown level {level!r}: use A1…C2", 2)
    return level.upper()


def plan_of(data: Any) -> Any:
    """The DomainPlan in ``data``: a plan itself, or an object holding it under ``plan`` (the
    output of ``plan --json``, ``lesson show --json``, a version of ``versions --json``)."""
    if isinstance(data, dict) and "lex_buckets" not in data and isinstance(data.get("plan"), dict):
        return data["plan"]
    return data


def _guard(fn: Any) -> Any:
    """Input-file errors raised before the runtime opens get the same one-line treatment."""
    try:
        return fn()
    except BadInputError as exc:
        fail(str(exc), exc.exit_code)


@app.command()
def init(database_url: DbOpt = None) -> None:
    """Create or upgrade the database and load the bundled catalog (idempotent)."""
    from lessonplan.planners.offline import load_catalog

    async def body(rt: Runtime) -> None:
        count = await rt.store.upsert_descriptors(descriptors=load_catalog())
        total = await rt.store.count_descriptors()
        typer.echo(f"database ready at {rt.store.url}: {total} descriptors ({count} bundled)")

    run(body, database_url=database_url)


QueryOpt = Annotated[
    str | None,
    typer.Option("--query", "-q", help="Words that must all occur (English or Japanese)."),
]
TopicOpt = Annotated[
    str | None, typer.Option("--topic", help="Topic, in Japanese or English (買い物, Shopping).")
]
SkillOpt = Annotated[
    str | None,
    typer.Option(
        "--skill", help="Skill domain: 受容/reception, 産出/production, やりとり/interaction."
    ),
]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Source: JF, JFまるごと, …")]


def _catalog_query(
    *,
    query: str | None,
    level: str | None,
    topic: str | None,
    skill: str | None,
    source: str | None,
    limit: int | None = None,
    offset: int = 0,
) -> Any:
    from lessonplan.catalog.search import CatalogQuery

    return _guard(
        lambda: CatalogQuery.build(
            query=query,
            level=_level(level),
            topic=topic,
            skill=skill,
            source=source,
            limit=limit,
            offset=offset,
        )
    )


@catalog_app.command("list")
def catalog_list(
    level: Annotated[str | None, typer.Option("--level", help="A1…C2")] = None,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    skill: SkillOpt = None,
    source: SourceOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, max=500, help="Rows per page (0: every row).")
    ] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Rows to skip.")] = 0,
    page: Annotated[
        int | None, typer.Option("--page", min=1, help="Page number (with --limit).")
    ] = None,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """List the descriptors of the catalog: search, filter, page.

    --query matches every word in any language (uid, descriptions, titles, topics,
    category); the filters combine. --json prints the page as a JSON list; the total goes to
    stderr.
    """
    if page is not None:
        offset = (page - 1) * (limit or 0)
    catalog_query = _catalog_query(
        query=query,
        level=level,
        topic=topic,
        skill=skill,
        source=source,
        limit=limit or None,
        offset=offset,
    )

    async def body(rt: Runtime) -> None:
        items, total = await rt.store.search_descriptors(query=catalog_query)
        shown = f"{offset + 1}–{offset + len(items)} of {total}" if items else f"0 of {total}"
        if json_out:
            print_json([d.model_dump(mode="json") for d in items])
            typer.echo(f"descriptors {shown}", err=True)
            return
        table = render.Table(title=f"descriptors {shown}")
        for col in ("uid", "level", "topic", "skill", "description"):
            table.add_column(col)
        for d in items:
            table.add_row(
                d.uid,
                d.level,
                d.primary_topic_en or d.primary_topic_ja,
                d.skill_domain,
                d.display_description[:80],
            )
        render.console.print(table)
        if offset + len(items) < total:
            typer.echo(f"more: --offset {offset + len(items)}", err=True)

    run(body, database_url=database_url)


@catalog_app.command("show")
def catalog_show(
    uid: Annotated[str, typer.Argument(help="The descriptor's uid, e.g. JF:105.")],
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Show one descriptor, every field."""
    from lessonplan.service.resolve import resolve_descriptor

    async def body(rt: Runtime) -> None:
        descriptor = await resolve_descriptor(rt, uid)
        if json_out:
            print_json(descriptor.model_dump(mode="json"))
        else:
            render.console.print(render.descriptor_table(descriptor))

    run(body, database_url=database_url)


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="JF Can-do CSV, plain CSV, or JSON list.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="jf | csv | json (default: by extension and header)."),
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--lenient",
            help="Strict: any bad row and nothing is written (default for csv/json). "
            "Lenient: import the good rows, name the bad ones (default for jf).",
            show_default=False,
        ),
    ] = None,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Import descriptors in one transaction; bad rows are named, row by row.

    --format jf reads the JF Standard Can-do list as the Japan Foundation distributes it
    (columns No, 種別, 種類, レベル, 言語活動, カテゴリー, 第1トピック, JF Can-do (日本語),
    JF Can-do (English)), irregular rows included; uids are JF:<No> and JFまるごと:<No>.
    A plain .csv has a header row naming its columns: uid and level (A1…C2) are required and
    one description: description_en, description_ja or description_<language> (description_fr,
    description_pt-BR, any language tag); primary_topic_en, primary_topic_ja,
    skill_domain, type, category, course, title_en, title_ja, source, target_language and
    metalanguage are optional (``description`` and ``topic`` are accepted for description_en
    and primary_topic_en). Empty cells are left unset; other columns are an error. A .json
    file holds a list of descriptors (or {"descriptors": [...]}). An existing uid is updated.
    """
    from lessonplan.catalog import FORMATS, read_catalog_file

    if fmt is not None and fmt.lower() not in FORMATS:
        fail(f"unknown --format {fmt!r}: use {', '.join(FORMATS)}", 2)
    report = _guard(lambda: read_catalog_file(file, fmt=fmt.lower() if fmt else None))
    is_strict = strict if strict is not None else report.format != "jf"
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    if report.problems and (is_strict or not report.descriptors):
        if json_out:
            print_json(report.as_json())
        for problem in report.problems:
            typer.echo(f"bad {problem}", err=True)
        fail(report.refusal(str(file)), 2)

    async def body(rt: Runtime) -> None:
        count = await rt.store.upsert_descriptors(descriptors=report.descriptors)
        for problem in report.problems:
            typer.echo(f"skipped {problem}", err=True)
        if json_out:
            print_json(report.as_json(imported=count))
            return
        skipped = f"; {len(report.problems)} bad rows skipped" if report.problems else ""
        typer.echo(f"imported {count} descriptors from {file} ({report.format}){skipped}")

    run(body, database_url=database_url)


@learner_app.command("save")
def learner_save(
    profile: Annotated[Path, typer.Argument(help="Profile JSON file.")], database_url: DbOpt = None
) -> None:
    """Store a learner's profile so `--learner ID` (and the API's learner_id) can use it."""
    from lessonplan.inputs import load_profile

    loaded = _guard(lambda: load_profile(profile))

    async def body(rt: Runtime) -> None:
        await rt.store.save_profile(profile=loaded, now=rt.now())
        typer.echo(f"saved profile of learner {loaded.learner_id}")

    run(body, database_url=database_url)


@app.command()
def plan(
    can_do_id: str,
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    llm: LlmOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass cache reads.")] = False,
    json_out: JsonOpt = False,
    prompt: VariantOpt = None,
    metalanguage: MetaOpt = None,
    database_url: DbOpt = None,
) -> None:
    """Get the DomainPlan for a descriptor (cache first)."""
    from lessonplan.service.plans import PlanInputs, get_plan
    from lessonplan.service.resolve import resolve_descriptor, resolve_profile

    loaded_profile, loaded_kit = _guard(lambda: _inputs(profile, kit))

    async def body(rt: Runtime) -> None:
        descriptor = await resolve_descriptor(rt, can_do_id)
        learner_profile = await resolve_profile(rt, loaded_profile, learner)
        result = await get_plan(
            rt,
            PlanInputs(descriptor, learner_profile, loaded_kit, rt.settings.metalanguage),
            use_cache=not no_cache,
        )
        if json_out:
            print_json(
                {
                    "can_do_id": descriptor.uid,
                    "source": result.source,
                    "provenance": result.provenance.model_dump(mode="json"),
                    "timings_ms": {"plan": round(result.provenance.duration_ms, 2)},
                    "quality_issues": [i.model_dump(mode="json") for i in result.quality_issues],
                    "plan": result.plan.model_dump(mode="json"),
                }
            )
            return
        render.console.print(render.plan_panel(result.plan, result.provenance))
        for issue in result.quality_issues:
            render.console.print(
                f"[yellow]{issue.severity}[/yellow] {issue.code} {issue.path}: {issue.message}"
            )

    run(
        body,
        llm=llm,
        needs_llm=True,
        database_url=database_url,
        prompt=prompt,
        metalanguage=metalanguage,
    )


@app.command()
def compile(
    can_do_id: str,
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    llm: LlmOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass plan cache reads.")] = False,
    json_out: JsonOpt = False,
    romaji: RomajiOpt = False,
    prompt: VariantOpt = None,
    metalanguage: MetaOpt = None,
    database_url: DbOpt = None,
) -> None:
    """Compile a lesson: plan, then content, comprehension, production and interaction."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from lessonplan.domain.lesson import STAGES
    from lessonplan.service.compile import compile_lesson, resolve_descriptor

    loaded_profile, loaded_kit = _guard(lambda: _inputs(profile, kit))

    async def body(rt: Runtime) -> None:
        if json_out:
            result = await compile_lesson(
                rt,
                can_do_id,
                profile=loaded_profile,
                learner_id=learner,
                kit=loaded_kit,
                use_cache=not no_cache,
            )
        else:
            await resolve_descriptor(rt, can_do_id)  # a bad id fails before any progress shows
            steps = ["inputs", "plan", *STAGES, "lesson"]
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=render.err_console,
                transient=False,
            ) as progress:
                tasks = {s: progress.add_task(f"{s}", total=1) for s in steps}

                def on_progress(step: str, data: dict[str, Any]) -> None:
                    name = data.get("stage", step) if step == "stage" else step
                    detail = data.get("source") or data.get("status") or ""
                    if data.get("status") == "failed":
                        detail = f"[red]failed[/red] {data.get('error') or ''}"
                    progress.update(
                        tasks[name], completed=1, description=f"{name} [dim]{detail}[/dim]"
                    )

                result = await compile_lesson(
                    rt,
                    can_do_id,
                    profile=loaded_profile,
                    learner_id=learner,
                    kit=loaded_kit,
                    use_cache=not no_cache,
                    on_progress=on_progress,
                )
        # Its bookkeeping is written before the lesson is: writing to a reader that is slow to
        # drain its pipe blocks this process, and must not do so inside a transaction.
        await rt.flush()
        if json_out:
            print_json(
                {
                    "lesson_id": result.lesson.lesson_id,
                    "version": result.lesson.version,
                    "status": result.lesson.status,
                    "source": result.plan.source,
                    "plan": {
                        "source": result.plan.source,
                        "provenance": result.plan.provenance.model_dump(mode="json"),
                        "quality_issues": [
                            i.model_dump(mode="json") for i in result.plan.quality_issues
                        ],
                    },
                    "timings_ms": {k: round(v, 2) for k, v in result.timings_ms.items()},
                    "lesson": await _lesson_json(rt, result.lesson),
                }
            )
            return
        render.console.print(render.lesson_view(result.lesson, romaji=romaji))
        render.console.print(render.provenance_line(result.plan.provenance))

    run(
        body,
        llm=llm,
        needs_llm=True,
        database_url=database_url,
        prompt=prompt,
        metalanguage=metalanguage,
    )


@lesson_app.command("list")
def lesson_list(
    learner: Annotated[str | None, typer.Option("--learner", help="Only this learner's.")] = None,
    can_do_id: Annotated[
        str | None, typer.Option("--can-do", help="Only this descriptor's.")
    ] = None,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """List stored lessons (most recently updated first) with their latest version."""

    async def body(rt: Runtime) -> None:
        summaries = await rt.store.list_lessons(learner_id=learner, can_do_id=can_do_id)
        rows = [
            {
                "lesson_id": s.lesson_id,
                "version": s.version,
                "can_do_id": s.can_do_id,
                "learner_id": s.learner_id,
                "status": s.status,
                "plan_version": s.plan_version,
                "review_state": s.review_state,
            }
            for s in summaries
        ]
        if json_out:
            print_json(rows)
            return
        table = render.Table(title=f"{len(rows)} lessons")
        for col in rows[0] if rows else ("lesson_id", "version", "review_state"):
            table.add_column(col)
        for row in rows:
            table.add_row(*(str(row[c]) for c in row))
        render.console.print(table)

    run(body, database_url=database_url)


@lesson_app.command("show")
def lesson_show(
    lesson_id: str,
    version: Annotated[int | None, typer.Option("--version", help="A stored version.")] = None,
    json_out: JsonOpt = False,
    romaji: RomajiOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Show a stored lesson (latest version unless --version)."""

    async def body(rt: Runtime) -> None:
        lesson = await rt.store.get_lesson(lesson_id=lesson_id, version=version)
        if lesson is None:
            which = f" version {version}" if version is not None else ""
            raise UnknownLessonError(f"unknown lesson {lesson_id!r}{which}")
        if json_out:
            print_json(await _lesson_json(rt, lesson))
        else:
            render.console.print(render.lesson_view(lesson, romaji=romaji))

    run(body, database_url=database_url)


async def _lesson_json(rt: Runtime, lesson: Lesson) -> dict[str, Any]:
    """A lesson as ``--json`` prints it; a lesson of a non-Japanese descriptor also names its
    ``target_language``, so ``lessonplan check`` of the file checks it in that language."""
    data = lesson.model_dump(mode="json")
    descriptor = await rt.store.get_descriptor(uid=lesson.can_do_id)
    if descriptor is not None and not descriptor.is_japanese:
        data["target_language"] = descriptor.target_language
    return data


@app.command()
def export(
    lesson_id: str,
    fmt: Annotated[
        str, typer.Option("--format", help="html | pdf | md | anki.", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File to write ('-' for stdout); default from the id."),
    ] = None,
    version: Annotated[int | None, typer.Option("--version", help="A stored version.")] = None,
    copy: Annotated[
        str, typer.Option("--copy", help="html/pdf: teacher (answers) | handout (none).")
    ] = "teacher",
    database_url: DbOpt = None,
) -> None:
    """Export a stored lesson: html, pdf (teacher's copy or handout), md, or an Anki deck."""
    from lessonplan.exports.formats import COPIES, FORMATS

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: use {', '.join(FORMATS)}", 2)
    if copy not in COPIES:
        fail(f"unknown copy {copy!r}: use teacher or handout", 2)

    async def body(rt: Runtime) -> None:
        from lessonplan.exports import export_lesson
        from lessonplan.service.exports import lesson_for_export

        lesson, descriptor = await lesson_for_export(rt, lesson_id=lesson_id, version=version)
        made = export_lesson(
            lesson,
            fmt,  # checked against FORMATS above
            descriptor=descriptor,
            copy=copy,
            version=version,
        )
        if output is not None and str(output) == "-":
            sys.stdout.buffer.write(made.data)
            sys.stdout.flush()
            return
        target = output or Path(made.filename)
        try:
            target.write_bytes(made.data)
        except OSError as exc:
            raise BadInputError(f"cannot write {target}: {exc.strerror}") from None
        typer.echo(f"wrote {target} ({len(made.data)} bytes)")

    run(body, database_url=database_url)


@app.command()
def regenerate(
    lesson_id: str,
    stage: Annotated[
        str, typer.Option("--stage", help="content|comprehension|production|interaction")
    ],
    new_plan: Annotated[
        bool, typer.Option("--new-plan", help="Make a new plan version first.")
    ] = False,
    llm: LlmOpt = None,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Regenerate one stage, reusing the lesson's plan (no plan call) unless --new-plan."""
    from lessonplan.domain.lesson import STAGES
    from lessonplan.service.regenerate import regenerate_stage

    if stage not in STAGES:
        fail(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}", 2)

    async def body(rt: Runtime) -> None:
        result = await regenerate_stage(rt, lesson_id, stage, new_plan=new_plan)
        record = result.lesson.stages[result.stage]
        if json_out:
            print_json(
                {
                    "lesson_id": result.lesson.lesson_id,
                    "version": result.lesson.version,
                    "stage": result.stage,
                    "stage_status": record.status,
                    "plan_source": result.plan_source,
                    "source": result.plan_source,
                    "plan_version": result.lesson.plan_version,
                    "timings_ms": result.timings_ms,
                    "lesson": result.lesson.model_dump(mode="json"),
                }
            )
            return
        render.console.print(
            f"lesson {result.lesson.lesson_id} v{result.lesson.version}: {result.stage} "
            f"{record.status} (plan {result.plan_source}, v{result.lesson.plan_version})"
            + (f" — {record.error}" if record.error else "")
        )

    run(body, llm=llm, needs_llm=True, database_url=database_url)


def _lineage_body(
    can_do_id: str, profile: Path | None, kit: Path | None, learner: str | None, action: Any
) -> Any:
    from lessonplan.service.plans import PlanInputs
    from lessonplan.service.resolve import resolve_descriptor, resolve_profile
    from lessonplan.service.versions import lineage_for

    loaded_profile, loaded_kit = _guard(lambda: _inputs(profile, kit))

    async def body(rt: Runtime) -> None:
        descriptor = await resolve_descriptor(rt, can_do_id)
        learner_profile = await resolve_profile(rt, loaded_profile, learner)
        inputs = PlanInputs(descriptor, learner_profile, loaded_kit, rt.settings.metalanguage)
        await action(rt, lineage_for(rt, inputs), inputs)

    return body


@app.command()
def versions(
    can_do_id: str,
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    json_out: JsonOpt = False,
    llm: LlmOpt = None,
    database_url: DbOpt = None,
) -> None:
    """List the plan versions of a lineage (descriptor × profile × kit)."""
    from lessonplan.service.versions import list_versions, version_json

    async def action(rt: Runtime, lineage: Any, _inputs: Any) -> None:
        items = await list_versions(rt, lineage)
        if json_out:
            print_json([version_json(v) for v in items])
        elif not items:
            render.console.print(f"no plan versions yet for {can_do_id} with this profile and kit")
        else:
            render.console.print(render.versions_table(items))

    run(_lineage_body(can_do_id, profile, kit, learner, action), llm=llm, database_url=database_url)


@app.command()
def diff(
    can_do_id: str,
    v1: int,
    v2: int,
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    json_out: JsonOpt = False,
    llm: LlmOpt = None,
    database_url: DbOpt = None,
) -> None:
    """Show what changed between two plan versions (--json adds an RFC 6902 JSON Patch)."""
    from lessonplan.service.versions import diff_versions

    async def action(rt: Runtime, lineage: Any, _inputs: Any) -> None:
        result = await diff_versions(rt, lineage, v1, v2)
        if json_out:
            print_json(result.to_json())
            return
        lines = result.diff.to_lines()
        render.console.print(f"plan {can_do_id}: version {v1} → {v2}")
        for line in lines or ["(no differences)"]:
            style = (
                "green"
                if line.lstrip().startswith("+")
                else ("red" if line.lstrip().startswith("-") else "")
            )
            render.console.print(line, style=style or None, markup=False, highlight=False)

    run(_lineage_body(can_do_id, profile, kit, learner, action), llm=llm, database_url=database_url)


@app.command()
def rollback(
    can_do_id: str,
    version: int,
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    json_out: JsonOpt = False,
    llm: LlmOpt = None,
    database_url: DbOpt = None,
) -> None:
    """Make a new version that copies VERSION (history is never rewritten)."""
    from lessonplan.service.versions import rollback as do_rollback
    from lessonplan.service.versions import version_json

    async def action(rt: Runtime, lineage: Any, _inputs: Any) -> None:
        new = await do_rollback(rt, lineage, version)
        if json_out:
            print_json(version_json(new))
        else:
            render.console.print(f"version {new.version} now active (copy of version {version})")

    run(_lineage_body(can_do_id, profile, kit, learner, action), llm=llm, database_url=database_url)


@app.command()
def edit(
    can_do_id: str,
    plan_file: Annotated[
        Path,
        typer.Argument(
            help="Edited DomainPlan JSON, or what `plan --json` / `lesson show --json` prints."
        ),
    ],
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    json_out: JsonOpt = False,
    llm: LlmOpt = None,
    database_url: DbOpt = None,
) -> None:
    """Store an edited plan as a new version (validated; uid, level and ids set by the system)."""
    from lessonplan.inputs import read_json_file
    from lessonplan.service.versions import manual_edit, version_json

    data = plan_of(_guard(lambda: read_json_file(plan_file, "plan")))

    async def action(rt: Runtime, lineage: Any, inputs: Any) -> None:
        new = await manual_edit(rt, lineage, inputs, data, note=note)
        if json_out:
            print_json(version_json(new))
        else:
            render.console.print(
                f"version {new.version} stored and active "
                f"({len(new.quality_issues)} quality issues)"
            )

    run(_lineage_body(can_do_id, profile, kit, learner, action), llm=llm, database_url=database_url)


@cache_app.command("stats")
def cache_stats(json_out: JsonOpt = False, database_url: DbOpt = None) -> None:
    """Entries, hits and the hit rate of the plan cache."""
    from lessonplan.service.stats import compute_stats

    async def body(rt: Runtime) -> None:
        stats = await compute_stats(rt)
        data = {
            **stats["cache"],
            "hit_rate": stats["hit_rate"],
            "plan_requests": stats["plan_requests"],
            "cache_hits": stats["cache_hits"],
            "cost_saved_by_hits_usd": stats["cost_saved_by_hits_usd"],
        }
        if json_out:
            print_json(data)
        else:
            render.console.print(render.figures_table("plan cache", data))

    run(body, database_url=database_url)


@cache_app.command("purge")
def cache_purge(
    grace_hours: Annotated[float | None, typer.Option("--grace-hours")] = None,
    database_url: DbOpt = None,
) -> None:
    """Delete entries expired for longer than the grace period (kept for stale-if-error)."""

    async def body(rt: Runtime) -> None:
        grace = grace_hours if grace_hours is not None else rt.settings.cache_purge_grace_hours
        from datetime import timedelta

        count = await rt.store.cache_purge(now=rt.now(), grace=timedelta(hours=grace))
        typer.echo(f"purged {count} expired entries")

    run(body, database_url=database_url)


@cache_app.command("invalidate")
def cache_invalidate(
    can_do_id: Annotated[str | None, typer.Argument()] = None, database_url: DbOpt = None
) -> None:
    """Drop cache entries (of one descriptor, or all)."""
    from lessonplan.service.resolve import resolve_descriptor

    async def body(rt: Runtime) -> None:
        if can_do_id is not None:
            await resolve_descriptor(rt, can_do_id)  # an unknown descriptor is bad input
        count = await rt.store.cache_invalidate(can_do_id=can_do_id)
        typer.echo(f"invalidated {count} entries" + (f" of {can_do_id}" if can_do_id else ""))

    run(body, database_url=database_url)


@app.command()
def prompt(
    can_do_id: str,
    profile: ProfileOpt = None,
    kit: KitOpt = None,
    learner: LearnerOpt = None,
    variant: Annotated[str, typer.Option("--variant", help="compact | full")] = "compact",
    model: Annotated[str, typer.Option("--model", help="Tokenizer model.")] = "gpt-4o-mini",
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Print the planner prompt as it would be sent, with its exact token count."""
    from lessonplan.prompts.planner import build_planner_request
    from lessonplan.prompts.tokens import count_request_tokens, count_tokens
    from lessonplan.service.resolve import resolve_descriptor, resolve_profile

    if variant not in ("compact", "full", "simplified"):
        fail(f"unknown prompt variant {variant!r}: use compact or full", 2)
    loaded_profile, loaded_kit = _guard(lambda: _inputs(profile, kit))

    async def body(rt: Runtime) -> None:
        descriptor = await resolve_descriptor(rt, can_do_id)
        learner_profile = await resolve_profile(rt, loaded_profile, learner)
        request = build_planner_request(descriptor, learner_profile, loaded_kit, variant=variant)  # type: ignore[arg-type]
        tokens = count_request_tokens(request, model=model)
        if json_out:
            print_json(
                {
                    "variant": variant,
                    "model": model,
                    "tokens": tokens,
                    "system_tokens": count_tokens(request.system, model),
                    "user_tokens": count_tokens(request.user, model),
                    "system": request.system,
                    "user": request.user,
                }
            )
            return
        render.console.print("[bold]--- system ---[/bold]")
        render.console.print(request.system, markup=False, highlight=False)
        render.console.print("[bold]--- user ---[/bold]")
        render.console.print(request.user, markup=False, highlight=False)
        render.console.print(f"[bold]{variant} prompt: {tokens} tokens ({model})[/bold]")

    run(body, database_url=database_url)


@app.command()
def stats(json_out: JsonOpt = False, database_url: DbOpt = None) -> None:
    """Hit rate, generation time, calls, tokens, cost and saving, errors and quality issues."""
    from lessonplan.service.stats import compute_stats

    async def body(rt: Runtime) -> None:
        data = await compute_stats(rt)
        if json_out:
            print_json(data)
        else:
            render.console.print(render.stats_table(data))

    run(body, database_url=database_url)


@events_app.command("purge")
def events_purge(
    days: Annotated[
        float | None,
        typer.Option(
            "--days", min=0, help="Keep this many days (LESSONPLAN_EVENT_RETENTION_DAYS)."
        ),
    ] = None,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Delete generation events older than the retention; stats keep counting them (rollups)."""

    async def body(rt: Runtime) -> None:
        from lessonplan.service.stats import purge_events

        keep = rt.settings.event_retention_days if days is None else days
        deleted = await purge_events(rt, keep_days=keep)
        if json_out:
            print_json({"deleted": deleted, "kept_days": keep})
        elif keep <= 0:
            typer.echo("retention is 0 (keep every event): nothing deleted")
        else:
            typer.echo(f"deleted {deleted} events older than {keep:g} days")

    run(body, database_url=database_url)


async def _check_providers(settings: Any) -> None:
    """Build (and close) every configured provider: a missing API key stops ``serve`` now."""
    from lessonplan.providers.factory import make_provider

    for spec in [settings.llm, *settings.fallback_llm_specs]:
        await make_provider(spec, settings=settings).aclose()


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="One line per request on stderr (uvicorn's access log); off behind a proxy "
            "that logs requests itself.",
        ),
    ] = True,
    database_url: DbOpt = None,
) -> None:
    """Run the HTTP API (uvicorn). Without any API key configured it binds loopback only."""
    import os
    import tempfile

    import uvicorn

    from lessonplan.api.security import is_loopback
    from lessonplan.cli.runner import load_settings

    try:
        settings = load_settings(database_url=database_url)
        ring = settings.key_ring()
    except (LessonplanError, ValueError) as exc:
        fail(str(exc), 2)
    if not ring.configured:
        if not is_loopback(host):
            fail(
                f"--host {host}: no API key is configured, so the API may only listen on "
                "loopback (127.0.0.1 / ::1); set LESSONPLAN_API_KEYS and/or "
                "LESSONPLAN_CLIENT_KEYS to serve other hosts",
                2,
            )
        render.err_console.print(
            f"no API key configured: serving loopback only ({host}); admin routes are closed",
            markup=False,
            highlight=False,
        )
    import asyncio

    try:
        asyncio.run(_check_providers(settings))
    except LessonplanError as exc:
        fail(str(exc), exc.exit_code)
    if workers > 1 and settings.database_url.startswith("sqlite"):
        render.err_console.print(
            f"warning: --workers {workers} on SQLite: single-flight is per process there "
            "(identical concurrent misses in different workers each call the LLM); use "
            "PostgreSQL for cross-process single-flight",
            markup=False,
            highlight=False,
        )
    if database_url:
        os.environ["LESSONPLAN_DATABASE_URL"] = database_url  # the workers read the environment
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its metrics here; /metrics aggregates them across workers.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="lessonplan-metrics-")

    shown = f"[{host}]" if ":" in host else host
    render.err_console.print(
        f"studio: http://{shown}:{port}/  ·  API docs: http://{shown}:{port}/docs",
        markup=False,
        highlight=False,
    )
    from lessonplan.api.server import HTTP_PROTOCOL

    uvicorn.run(
        "lessonplan.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        http=HTTP_PROTOCOL,  # TCP_NODELAY on every worker's connections
    )


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="A lesson or plan JSON file.", show_default=False)],
    json_out: JsonOpt = False,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Target language of the document (es, pt-BR...); default: the document's "
            "target_language, else its descriptor's, else ja.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a lesson or plan JSON (ours or a teacher's): one line per issue, exit 1 on errors."""
    from lessonplan.domain.quality.document import DocumentError, check_document
    from lessonplan.inputs import read_json_file
    from lessonplan.planners.offline import load_catalog

    data = _guard(lambda: read_json_file(file, "lesson or plan"))
    try:
        issues = check_document(
            data, descriptors={d.uid: d for d in load_catalog()}, target_language=language
        )
    except DocumentError as exc:
        fail(f"{file}: {exc}", 2)
    if json_out:
        print_json([issue.model_dump() for issue in issues])
    else:
        for issue in issues:
            typer.echo(issue.line())
        errors = sum(issue.severity == "error" for issue in issues)
        typer.echo(f"{file}: {len(issues)} issues, {errors} errors", err=True)
    if any(issue.severity == "error" for issue in issues):
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m lessonplan.cli.app`: run the importable module's app
    from lessonplan.cli.app import main as _main

    _main()
else:
    from lessonplan.cli import precompile as _precompile  # its commands need the options above

    app.add_typer(_precompile.precompile_app, name="precompile")
    app.command()(_precompile.worker)
