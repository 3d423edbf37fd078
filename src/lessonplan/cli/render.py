"""Human-readable rendering of plans, lessons, versions and stats with rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the CLI imports this module for `--help` too: no pydantic models then
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


def ruby(text: TargetText) -> str:
    """The surface with each kanji run's reading in brackets: 薬[くすり]を飲[の]む."""
    if not text.furigana:
        return text.surface
    return "".join(
        f"{seg.text}[{seg.reading}]" if seg.reading else seg.text for seg in text.furigana
    )


def _has_ruby(text: TargetText) -> bool:
    return any(seg.reading for seg in text.furigana)


def _tt(text: TargetText, *, romaji: bool = False) -> str:
    """One target-language text for a teacher: the surface with furigana (or the surface and its
    romaji), then the meaning."""
    if romaji:
        parts = [escape(text.surface)]
        if text.romaji:
            parts.append(f"[dim]{escape(text.romaji)}[/dim]")
    elif _has_ruby(text):
        parts = [escape(ruby(text))]
    else:
        parts = [escape(text.surface)]
        if text.reading and text.reading != text.surface and not text.furigana:
            parts.append(f"[dim]({escape(text.reading)})[/dim]")
    if text.translation:
        parts.append(f"— {escape(text.translation)}")
    return " ".join(parts)


def _jlpt(surface: str) -> str:
    from lessonplan.exports.view import jlpt_level  # the exports' tag; loaded when shown

    return jlpt_level(surface)


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


def _content_panel(content: ContentStage, *, romaji: bool) -> Panel:
    body = [f"[bold]Objective:[/bold] {escape(content.objective)}"]
    if content.objective_ja:
        body.append(f"[bold]目標:[/bold] {escape(content.objective_ja)}")
    if content.lesson_kind == "vocabulary_and_grammar":
        body.append(
            "[yellow]Vocabulary-and-grammar lesson: no authored dialogue exists for this "
            "descriptor; the sentences are real examples (Tatoeba).[/yellow]"
        )
    body += ["", f"[bold]Words[/bold] ({len(content.words)})"]
    for w in content.words:
        marks = [m for m, on in (("kit", w.from_kit), ("known", w.known)) if on]
        level = _jlpt(w.text.surface)
        tags = " ".join(f"[{m}]" for m in ([level] if level else []) + marks)
        body.append(f"  • {_tt(w.text, romaji=romaji)}  [dim]{escape(tags)}[/dim]".rstrip())
    body += ["", "[bold]Grammar[/bold]"]
    for g in content.grammar:
        body.append(
            f"  {g.grammar_id} [bold]{escape(g.pattern_ja)}[/bold]: {escape(g.explanation)}"
        )
        body += [f"     例: {_tt(ex, romaji=romaji)}" for ex in g.examples]
    if content.phrases:
        body += ["", "[bold]Key expressions[/bold]"]
        body += [f"  • {_tt(p, romaji=romaji)}" for p in content.phrases]
    if content.dialogue is not None:
        d = content.dialogue
        body += ["", f"[bold]Dialogue[/bold]: {escape(d.scenario)}"]
        if d.setting:
            body.append(f"  [italic]{escape(d.setting)}[/italic]")
        for t in d.turns:
            line = escape(ruby(t.text)) if not romaji else escape(t.text.surface)
            body.append(f"  [bold]{escape(t.speaker)}[/bold] ({t.register}): {line}")
            if romaji and t.text.romaji:
                body.append(f"      [dim]{escape(t.text.romaji)}[/dim]")
            if t.text.translation:
                body.append(f"      {escape(t.text.translation)}")
    r = content.reading
    title = f"{r.title} ({r.title_en})" if r.title_en else r.title
    kind = f" — {r.text_type}" if r.text_type else ""
    body += ["", f"[bold]Reading[/bold]: {escape(title)}{escape(kind)}"]
    body += [f"  {_tt(sent, romaji=romaji)}" for sent in r.sentences]
    if content.culture_notes:
        body += ["", "[bold]Culture[/bold]"]
        for n in content.culture_notes:
            body.append(f"  • {escape(n.theme_en)} ({escape(n.theme_ja)}): {escape(n.body)}")
    return Panel("\n".join(body), title="Content", expand=False)


_KINDS = {
    "true_false": "true/false",
    "multiple_choice": "multiple choice",
    "short_answer": "short answer",
}


def _comprehension_panel(comp: ComprehensionStage) -> Panel:
    body: list[str] = []
    for q in comp.questions:
        body.append(
            f"{q.id}. " + escape(f"[{q.source}, {_KINDS.get(q.kind, q.kind)}] {q.question}")
        )
        if q.options and q.kind == "multiple_choice":
            body += [f"      {chr(97 + i)}) {escape(o)}" for i, o in enumerate(q.options)]
        body.append(f"    [green]→ {escape(q.answer)}[/green]  [dim]({escape(q.evidence)})[/dim]")
    return Panel("\n".join(body), title="Comprehension (answers for the teacher)", expand=False)


def _production_panel(prod: ProductionStage, *, romaji: bool) -> Panel:
    body: list[str] = []
    for t in prod.tasks:
        body.append(f"{t.id} " + escape(f"[{t.grammar_id}] {t.instruction}"))
        if t.vocabulary:
            body.append(f"    words: {escape('、'.join(t.vocabulary))}")
        if t.known_words:
            body.append(f"    recycles known words: {escape('、'.join(t.known_words))}")
        body.append(f"    model: {_tt(t.model_answer, romaji=romaji)}")
    return Panel("\n".join(body), title="Production", expand=False)


def _interaction_panel(inter: InteractionStage, *, romaji: bool) -> Panel:
    body: list[str] = []
    for rp in inter.role_plays:
        body.append(f"[bold]{rp.id} {escape(rp.title or rp.scenario)}[/bold] ({rp.register})")
        if rp.setting:
            body.append(f"  [italic]{escape(rp.setting)}[/italic]")
        body.append(
            f"  Learner card — you are {escape(rp.learner_role)}, talking to "
            f"{escape(rp.partner_role)}: {escape(rp.goal)}"
        )
        if rp.useful_expressions:
            body.append("  Useful expressions:")
            body += [f"    • {_tt(e, romaji=romaji)}" for e in rp.useful_expressions]
        if rp.partner_lines:
            body.append(f"  Partner card ({escape(rp.partner_role)}) — lines to use:")
            body += [f"    • {_tt(e, romaji=romaji)}" for e in rp.partner_lines]
        else:
            body.append(f"  Partner card ({escape(rp.partner_role)}): improvise.")
        body.append("  Success criteria:")
        body += [f"    ✓ {escape(c)}" for c in rp.success_criteria]
    return Panel("\n".join(body), title="Interaction (role-play cards)", expand=False)


def lesson_view(lesson: Lesson, *, romaji: bool = False) -> Group:
    from lessonplan.domain.lesson import (
        ComprehensionStage,
        ContentStage,
        InteractionStage,
        ProductionStage,
    )

    """The lesson as a teacher reads it; ``romaji`` shows romaji instead of furigana."""
    header = Text.from_markup(
        f"[bold]Lesson {lesson.lesson_id}[/bold] v{lesson.version} · {escape(lesson.can_do_id)} · "
        f"learner {escape(lesson.learner_id)} · status [bold]{lesson.status}[/bold] · "
        f"plan v{lesson.plan_version} ({lesson.plan_source}) · "
        f"review [bold]{lesson.review_state}[/bold]"
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
        parts.append(_content_panel(content, romaji=romaji))
    comp = lesson.stage_data("comprehension")
    if isinstance(comp, ComprehensionStage):
        parts.append(_comprehension_panel(comp))
    prod = lesson.stage_data("production")
    if isinstance(prod, ProductionStage):
        parts.append(_production_panel(prod, romaji=romaji))
    inter = lesson.stage_data("interaction")
    if isinstance(inter, InteractionStage):
        parts.append(_interaction_panel(inter, romaji=romaji))
    issues = [
        (name, issue) for name, rec in lesson.stages.items() for issue in rec.quality_issues
    ] + [("lesson", issue) for issue in lesson.quality_issues]
    if issues:
        lines = [
            f"[yellow]{i.severity}[/yellow] {where}: {i.code} "
            f"{escape(i.path)} — {escape(i.message)}"
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
        ("prompt tokens from the provider's cache", _cached_share(stats)),
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
        if name in ("descriptions", "titles"):  # one row a language, named like the column
            for tag, text in value.items():
                table.add_row(f"{name[:-1]}_{tag}", Text(text))
            continue
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
    for b in report.get("batches", []):
        resumed = ", resumed" if b["resumed"] else ""
        table.add_row(
            f"batch {b['batch_id']}", f"{b['items']} items, {b['errored']} errored{resumed}"
        )
    return table


def _cached_share(stats: dict[str, Any]) -> str:
    cached = int(stats.get("cached_prompt_tokens", 0))
    prompt = int(stats.get("prompt_tokens", 0))
    share = f" ({cached / prompt:.0%})" if prompt else ""
    return f"{cached}{share}"


def estimate_table(data: dict[str, Any]) -> Table:
    """``precompile --dry-run``: what a run would call and cost."""
    table = Table(title=f"dry run: {data['jobs']} jobs on {data['model']}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("cache hits", str(data["cache_hits"]))
    table.add_row("expected LLM calls", str(data["expected_llm_calls"]))
    table.add_row("  plan calls", str(data["plan_calls"]))
    if data["stage_calls"]:
        table.add_row("  stage calls (tokens not estimated)", str(data["stage_calls"]))
    table.add_row("estimated prompt tokens", str(data["estimated_prompt_tokens"]))
    table.add_row("estimated completion tokens", str(data["estimated_completion_tokens"]))
    cost = data["estimated_cost_usd"]
    if data["priced"]:
        table.add_row("estimated cost, sync", f"${cost['sync']:.4f}")
        table.add_row("estimated cost, batch", f"${cost['batch']:.4f}")
    else:
        table.add_row("estimated cost", f"no price for {data['model']} (LESSONPLAN_PRICE_TABLE)")
    return table


def run_status_table(data: dict[str, Any]) -> Table:
    """``precompile status RUN``."""
    state = "finished" if data["finished"] else "running"
    table = Table(title=f"{data['run_id']}: {state}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for name in ("total", "done", "failed", "pending", "cancelled"):
        table.add_row(name, str(data[name]))
    table.add_row("cost so far", f"${data['cost_usd']:.4f}")
    if data["max_cost_usd"] is not None:
        table.add_row("max cost", f"${data['max_cost_usd']:.4f}")
    if data["stopped_reason"]:
        table.add_row("stopped", Text(data["stopped_reason"], style="yellow"))
    for uid, error in data["failures"].items():
        table.add_row(Text(uid, style="red"), Text(error))
    return table
