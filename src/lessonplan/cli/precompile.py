"""``lessonplan precompile`` (in process, ``--queue``, ``--dry-run``), ``precompile status RUN``
and ``lessonplan worker``. procrastinate is imported only by the commands that use the queue."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lessonplan.cli import render
from lessonplan.cli.app import (
    DbOpt,
    JsonOpt,
    KitOpt,
    LlmOpt,
    QueryOpt,
    SkillOpt,
    SourceOpt,
    TopicOpt,
    _catalog_query,
    _guard,
    _level,
)
from lessonplan.cli.runner import fail, print_json, run

if TYPE_CHECKING:
    from lessonplan.domain.models import LearnerProfile
    from lessonplan.service.runtime import Runtime

precompile_app: typer.Typer = typer.Typer(
    help="Warm the plan cache (or compile lessons) for many descriptors.",
    invoke_without_command=True,
)

ProfilesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--profile", help="Learner profile JSON file (repeat for several).", show_default=False
    ),
]


def _profiles(paths: list[Path] | None) -> list[LearnerProfile]:
    from lessonplan.domain.models import LearnerProfile
    from lessonplan.inputs import load_profile

    if not paths:
        return [LearnerProfile.anonymous()]
    return [load_profile(p) for p in paths]


@precompile_app.callback()
def precompile(
    ctx: typer.Context,
    level: Annotated[str | None, typer.Option("--level")] = None,
    source: SourceOpt = None,
    topic: TopicOpt = None,
    skill: SkillOpt = None,
    query: QueryOpt = None,
    profile: ProfilesOpt = None,
    kit: KitOpt = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    lessons: Annotated[bool, typer.Option("--lessons", help="Compile whole lessons.")] = False,
    queue: Annotated[
        bool, typer.Option("--queue", help="Enqueue one job per key for `lessonplan worker`s.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print jobs, expected LLM calls, tokens and cost.")
    ] = False,
    max_cost_usd: Annotated[
        float | None,
        typer.Option("--max-cost-usd", min=0, help="Stop and cancel pending jobs at this cost."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="With --queue: follow the run until it finishes.")
    ] = False,
    batch: Annotated[
        bool, typer.Option("--batch", help="Through the provider's Batch API, at batch prices.")
    ] = False,
    llm: LlmOpt = None,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Warm the plan cache for every descriptor, or those the filters select (the filters of
    `catalog list`: --source JF --level A2 --topic 買い物). `--queue` hands the work to
    `lessonplan worker` processes on PostgreSQL and prints a run id; see `precompile status RUN`."""
    if ctx.invoked_subcommand is not None:
        return
    level = _level(level)
    select = None
    if any(v is not None for v in (source, topic, skill, query)):
        select = _catalog_query(query=query, level=level, topic=topic, skill=skill, source=source)
    from lessonplan.domain.models import PrelessonKit
    from lessonplan.inputs import load_kit

    profiles = _guard(lambda: _profiles(profile))
    if batch and max_cost_usd is not None:
        fail(
            "--max-cost-usd does not apply to --batch: the whole selection is sent at once "
            "(see its estimated batch cost with --dry-run)",
            2,
        )
    if batch and len(profiles) > 1:
        fail("--batch takes one --profile per run", 2)
    loaded_kit = _guard(lambda: load_kit(kit) if kit else PrelessonKit())

    async def body(rt: Runtime) -> None:
        from lessonplan.service.precompile_queue import (
            estimate,
            plan_jobs,
            queue_unavailable_reason,
        )

        jobs = await plan_jobs(
            rt, level=level, select=select, profiles=profiles, kit=loaded_kit, lessons=lessons
        )
        if dry_run:
            found = await estimate(rt, jobs, lessons=lessons)
            data = found.as_dict()
            if json_out:
                print_json(data)
            else:
                render.console.print(render.estimate_table(data))
            return
        reason = queue_unavailable_reason(rt) if queue else None
        if reason is not None:
            render.err_console.print(f"queue unavailable: {reason}", markup=False, highlight=False)
        if batch and queue and reason is None:
            await _enqueue(rt, jobs, lessons, None, wait, json_out, batch=True)
            return
        if batch:
            await _batch(rt, level, select, profiles, loaded_kit, lessons, json_out)
            return
        if queue and reason is None:
            await _enqueue(rt, jobs, lessons, max_cost_usd, wait, json_out)
            return
        await _in_process(rt, jobs, concurrency, lessons, max_cost_usd, json_out)

    run(body, llm=llm, needs_llm=not dry_run, database_url=database_url)


async def _enqueue(
    rt: Runtime,
    jobs: list[Any],
    lessons: bool,
    max_cost_usd: float | None,
    wait: bool,
    json_out: bool,
    *,
    batch: bool = False,
) -> None:
    """``--queue``: one job per key; with ``--batch``, one job for the whole selection that a
    worker sends to the provider's Batch API and polls."""
    from lessonplan.queue.app import ensure_queue_schema, make_app
    from lessonplan.service.precompile_queue import enqueue_batch_run, enqueue_run

    if batch:
        from lessonplan.service.batch import batch_backend

        batch_backend(rt.provider)  # an LLM without a Batch API is refused here, not on a worker
    await ensure_queue_schema(rt.settings.database_url)
    app = make_app(rt.settings.database_url, pool_max=2)
    async with app.open_async():
        if batch:
            status = await enqueue_batch_run(rt, app, jobs, lessons=lessons)
        else:
            status = await enqueue_run(rt, app, jobs, lessons=lessons, max_cost_usd=max_cost_usd)
    if wait:
        status = await _follow(rt, status.run_id, json_out)
    if json_out:
        print_json(status.as_dict())
        return
    typer.echo(status.run_id)
    what = f"one batch job for {status.total} keys" if batch else f"{status.total} jobs"
    render.err_console.print(
        f"enqueued {what}; follow with `lessonplan precompile status {status.run_id}`",
        markup=False,
        highlight=False,
    )
    if status.stopped_reason:
        render.err_console.print(status.stopped_reason, markup=False, highlight=False)


async def _batch(
    rt: Runtime,
    level: str | None,
    select: Any,
    profiles: list[LearnerProfile],
    kit: Any,
    lessons: bool,
    json_out: bool,
) -> None:
    from rich.progress import BarColumn, Progress, TextColumn

    from lessonplan.service.batch import batch_summary, precompile_batch
    from lessonplan.service.precompile import selected_descriptors

    total = len(await selected_descriptors(rt, level=level, select=select))
    with Progress(
        TextColumn("precompile --batch"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=render.err_console,
        disable=json_out,
    ) as progress:
        task = progress.add_task("precompile", total=total)
        report = await precompile_batch(
            rt,
            level=level,
            select=select,
            profile=profiles[0] if profiles else None,
            kit=kit,
            lessons=lessons,
            on_done=lambda _uid, _src: progress.advance(task),
        )
    data: dict[str, Any] = {
        "total": report.total,
        "by_source": report.by_source,
        "failures": report.failures,
        "batches": batch_summary(report),
    }
    if json_out:
        print_json(data)
    else:
        render.console.print(render.precompile_table(data))
    if report.failures:
        raise typer.Exit(1)


async def _in_process(
    rt: Runtime,
    jobs: list[Any],
    concurrency: int,
    lessons: bool,
    max_cost_usd: float | None,
    json_out: bool,
) -> None:
    from rich.progress import BarColumn, Progress, TextColumn

    from lessonplan.service.precompile import precompile_keys

    with Progress(
        TextColumn("precompile"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=render.err_console,
        disable=json_out,
    ) as progress:
        task = progress.add_task("precompile", total=len(jobs))
        report = await precompile_keys(
            rt,
            [(job.can_do_id, job.profile, job.kit) for job in jobs],
            concurrency=concurrency,
            lessons=lessons,
            max_cost_usd=max_cost_usd,
            on_done=lambda _uid, _source: progress.advance(task),
        )
    data: dict[str, Any] = {
        "total": report.total,
        "by_source": report.by_source,
        "failures": report.failures,
        "cost_usd": round(report.cost_usd, 6),
    }
    if report.stopped_reason:
        data["stopped_reason"] = report.stopped_reason
    if json_out:
        print_json(data)
    else:
        render.console.print(render.precompile_table(data))
        if report.stopped_reason:
            render.err_console.print(report.stopped_reason, markup=False, highlight=False)
    if report.failures:
        raise typer.Exit(1)


async def _follow(rt: Runtime, run_id: str, json_out: bool) -> Any:
    """Poll the run until nothing is pending, with a progress bar on a terminal."""
    import asyncio

    from rich.progress import BarColumn, Progress, TextColumn

    from lessonplan.service.precompile_queue import run_status

    status = await run_status(rt, run_id)
    with Progress(
        TextColumn(run_id),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} {task.fields[extra]}"),
        console=render.err_console,
        disable=json_out or not render.err_console.is_terminal,
    ) as progress:
        task = progress.add_task(run_id, total=status.total, extra="")
        while True:
            d = status.as_dict()
            progress.update(
                task,
                completed=d["done"] + d["failed"] + d["cancelled"],
                extra=f"failed {d['failed']} · ${d['cost_usd']:.4f}",
            )
            if status.finished:
                return status
            await asyncio.sleep(1.0)
            status = await run_status(rt, run_id)


@precompile_app.command("status")
def status(
    run_id: Annotated[str, typer.Argument(help="The run id `precompile --queue` printed.")],
    follow: Annotated[bool, typer.Option("--follow", help="Poll until the run finishes.")] = False,
    json_out: JsonOpt = False,
    database_url: DbOpt = None,
) -> None:
    """Done, failed, pending and cost so far of a queued precompile run."""

    async def body(rt: Runtime) -> None:
        from lessonplan.service.precompile_queue import run_status

        found = await (_follow(rt, run_id, json_out) if follow else run_status(rt, run_id))
        data = found.as_dict()
        if json_out:
            print_json(data)
            return
        if render.console.is_terminal and not follow:
            from rich.progress import BarColumn, Progress, TextColumn

            with Progress(
                TextColumn(run_id),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                console=render.console,
            ) as progress:
                progress.add_task(
                    run_id,
                    total=data["total"],
                    completed=data["done"] + data["failed"] + data["cancelled"],
                )
        render.console.print(render.run_status_table(data))

    run(body, database_url=database_url)


def worker(
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Exit once the queue is empty.")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="Worker name in logs.")] = None,
    llm: LlmOpt = None,
    database_url: DbOpt = None,
) -> None:
    """Run a precompile worker on PostgreSQL (procrastinate): point any number of machines at
    one LESSONPLAN_DATABASE_URL."""

    async def body(rt: Runtime) -> None:
        from lessonplan.queue.app import run_worker
        from lessonplan.service.precompile_queue import queue_unavailable_reason

        reason = queue_unavailable_reason(rt)
        if reason is not None:
            from lessonplan.cli.runner import fail

            fail(reason.split(";")[0], 2)
        render.err_console.print(
            f"worker {name or ''} on PostgreSQL: concurrency {concurrency}",
            markup=False,
            highlight=False,
        )
        await rt.warm()  # its first task is not a cold compile
        await run_worker(rt, concurrency=concurrency, until_idle=until_idle, name=name)

    _ = sys  # stdout stays free for machine output
    run(body, llm=llm, needs_llm=True, database_url=database_url)
