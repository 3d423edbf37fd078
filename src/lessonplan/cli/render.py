"""Human-readable rendering of plans, lessons, versions and stats with rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lessonplan.domain.lesson import (
    ComprehensionStage,
    ContentStage,
    InteractionStage,
    Lesson,
    ProductionStage,
    TargetText,
)
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, PlanProvenance
from lessonplan.store.records import PlanVersion

console = Console()
err_console = Console(stderr=True)


def _tt(text: TargetText) -> str:
    parts = [text.surface]
    if text.reading and text.reading != text.surface:
        parts.append(f"({text.reading})")
    if text.romaji:
        parts.append(f"[dim]{text.romaji}[/dim]")
    if text.translation:
        parts.append(f"— {text.translation}")
    return " ".join(parts)


def provenance_line(p: PlanProvenance) -> str:
    model = p.model
    if model == "offline":
        model = "offline planner (deterministic, bundled data; not an LLM)"
    bits = [f"source: [bold]{p.source}[/bold]", f"model: {model}"]
    if p.plan_version is not None:
        bits.append(f"plan version: {p.plan_version}")
    if p.attempts:
        bits.append(f"attempts: {p.attempts}")
    if p.prompt_tokens or p.completion_tokens:
        bits.append(f"tokens: {p.prompt_tokens}+{p.completion_tokens}")
    bits.append(f"{p.duration_ms:.0f} ms")
    if p.path:
        bits.append("path: " + " → ".join(p.path))
    return " · ".join(bits)


def plan_panel(plan: DomainPlan, provenance: PlanProvenance | None = None) -> Panel:
    lines: list[Any] = [
        Text.from_markup(
            f"[bold]{plan.communicative_function_en}[/bold]\n{plan.communicative_function_ja}"
        )
    ]
    if provenance is not None:
        lines.append(Text.from_markup(provenance_line(provenance)))
    scen = Table(title="Scenarios", show_header=True, expand=False)
    scen.add_column("name")
    scen.add_column("setting")
    scen.add_column("roles")
    for s in plan.scenarios:
        scen.add_row(s.name, s.setting, ", ".join(f"{r.label} ({r.register})" for r in s.roles))
    lines.append(scen)
    vocab = Table(title="Vocabulary buckets", show_header=True)
    vocab.add_column("bucket")
    vocab.add_column("items")
    for b in plan.lex_buckets:
        vocab.add_row(f"{b.name} ({len(b.items)})", "、".join(b.items))
    lines.append(vocab)
    grammar = Table(title="Grammar functions", show_header=True)
    grammar.add_column("id")
    grammar.add_column("pattern")
    grammar.add_column("label")
    for g in plan.grammar_functions:
        grammar.add_row(g.id, g.pattern_ja, g.label)
    lines.append(grammar)
    lines.append(
        Text(
            "Success criteria: "
            + "; ".join(plan.evaluation.success_criteria)
            + "\nDiscourse markers: "
            + "、".join(plan.evaluation.discourse_markers)
            + "\nCultural themes: "
            + "; ".join(plan.cultural_themes_en)
        )
    )
    return Panel(Group(*lines), title=f"Plan {plan.uid} ({plan.level})", expand=False)


def lesson_view(lesson: Lesson) -> Group:
    header = Text.from_markup(
        f"[bold]Lesson {lesson.lesson_id}[/bold] v{lesson.version} · {lesson.can_do_id} · "
        f"learner {lesson.learner_id} · status [bold]{lesson.status}[/bold] · "
        f"plan v{lesson.plan_version} ({lesson.plan_source})"
    )
    status = Table(title="Stages", show_header=True)
    for col in ("stage", "status", "source", "model", "ms", "attempts", "error"):
        status.add_column(col)
    for name, rec in lesson.stages.items():
        status.add_row(
            name,
            rec.status,
            rec.source,
            rec.model,
            f"{rec.duration_ms:.0f}",
            str(rec.attempts),
            rec.error or "",
        )
    parts: list[Any] = [header, status]
    content = lesson.stage_data("content")
    if isinstance(content, ContentStage):
        body = [f"[bold]Objective:[/bold] {content.objective}", "", "[bold]Words[/bold]"]
        body += [f"  • {_tt(w.text)}" for w in content.words[:12]]
        if len(content.words) > 12:
            body.append(f"  … and {len(content.words) - 12} more")
        body += ["", "[bold]Grammar[/bold]"]
        for g in content.grammar:
            body.append(f"  {g.grammar_id} {g.pattern_ja}: {g.explanation}")
            body += [f"     例: {_tt(ex)}" for ex in g.examples[:1]]
        body += ["", f"[bold]Dialogue[/bold] ({content.dialogue.scenario})"]
        body += [f"  {t.speaker}: {_tt(t.text)}" for t in content.dialogue.turns]
        body += ["", f"[bold]Reading[/bold]: {content.reading.title}"]
        body += [f"  {_tt(s)}" for s in content.reading.sentences]
        parts.append(Panel("\n".join(body), title="Content", expand=False))
    comp = lesson.stage_data("comprehension")
    if isinstance(comp, ComprehensionStage):
        body = [f"{q.id}. {q.question}  [dim]→ {q.answer}[/dim]" for q in comp.questions]
        parts.append(Panel("\n".join(body), title="Comprehension", expand=False))
    prod = lesson.stage_data("production")
    if isinstance(prod, ProductionStage):
        body = [
            f"{t.id} [{t.grammar_id}] {t.instruction}\n    model: {_tt(t.model_answer)}"
            for t in prod.tasks
        ]
        parts.append(Panel("\n".join(body), title="Production", expand=False))
    inter = lesson.stage_data("interaction")
    if isinstance(inter, InteractionStage):
        body = []
        for rp in inter.role_plays:
            body.append(
                f"{rp.id} {rp.scenario}: you are {rp.learner_role} with {rp.partner_role} "
                f"({rp.register}) — {rp.goal}"
            )
            body += [f"    ✓ {c}" for c in rp.success_criteria]
        parts.append(Panel("\n".join(body), title="Interaction", expand=False))
    issues = [
        (name, issue) for name, rec in lesson.stages.items() for issue in rec.quality_issues
    ] + [("lesson", issue) for issue in lesson.quality_issues]
    if issues:
        lines = [
            f"[yellow]{i.severity}[/yellow] {where}: {i.code} {i.path} — {i.message}"
            for where, i in issues
        ]
        parts.append(Panel("\n".join(lines), title="Quality issues", expand=False))
    return Group(*parts)


def versions_table(versions: list[PlanVersion]) -> Table:
    table = Table(title="Plan versions", show_header=True)
    for col in ("version", "active", "source", "parent", "model", "prompt", "issues", "created"):
        table.add_column(col)
    for v in versions:
        table.add_row(
            str(v.version),
            "●" if v.is_active else "",
            v.source,
            "" if v.parent_version is None else str(v.parent_version),
            v.model,
            v.prompt_version,
            str(len(v.quality_issues)),
            v.created_at.strftime("%Y-%m-%d %H:%M:%S") if v.created_at else "",
        )
    return table


def stats_table(stats: dict[str, Any]) -> Table:
    table = Table(title="lessonplan stats", show_header=False)
    table.add_column("figure")
    table.add_column("value")
    gen = stats["plan_generation_ms"]
    rows = [
        ("plan requests", stats["plan_requests"]),
        ("by source", _fmt(stats["plan_requests_by_source"])),
        ("cache hit rate", f"{stats['hit_rate']:.1%}"),
        (
            "plan generation p50 / p95",
            f"{gen['p50']:.0f} ms / {gen['p95']:.0f} ms ({gen['count']})",
        ),
        (
            "LLM calls (plan / stage)",
            f"{stats['llm_calls']} ({stats['llm_plan_calls']} / {stats['llm_stage_calls']})",
        ),
        ("calls by outcome", _fmt(stats["llm_calls_by_outcome"])),
        (
            "tokens (prompt + completion)",
            f"{stats['prompt_tokens']} + {stats['completion_tokens']}",
        ),
        ("cost", f"${stats['cost_usd']:.4f}"),
        (
            "cost saved (hits / reuse)",
            f"${stats['cost_saved_usd']:.4f} "
            f"(${stats['cost_saved_by_hits_usd']:.4f} / "
            f"${stats['cost_saved_by_reuse_usd']:.4f})",
        ),
        ("error rate", f"{stats['error_rate']:.1%}"),
        ("errors by type", _fmt(stats["errors_by_type"])),
        ("quality issues by code", _fmt(stats["quality_issues_by_code"])),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    return table


def _fmt(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items()) or "—"


def descriptor_table(descriptor: CanDoDescriptor) -> Table:
    table = Table(title=f"Can-Do descriptor {descriptor.uid}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in descriptor.model_dump().items():
        table.add_row(name, Text(str(value)) if value not in (None, "") else "—")
    return table


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return _fmt(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else str(value)


def figures_table(title: str, figures: dict[str, Any]) -> Table:
    """Named figures, one a row: ``hit_rate`` reads "hit rate"; dicts as ``k: v`` lists."""
    table = Table(title=title, show_header=False)
    table.add_column("figure")
    table.add_column("value")
    for name, value in figures.items():
        shown = f"{value:.1%}" if name.endswith("rate") and isinstance(value, float) else None
        table.add_row(name.replace("_", " "), shown or _value(value))
    return table


def precompile_table(report: dict[str, Any]) -> Table:
    table = Table(title=f"precompiled {report['total']} descriptors", show_header=True)
    table.add_column("descriptor / source")
    table.add_column("result")
    for source, count in report["by_source"].items():
        table.add_row(source, str(count))
    for uid, error in report["failures"].items():
        table.add_row(Text(uid, style="red"), Text(error))
    return table
