"""Structured diff between two plan versions, plus RFC 6902 JSON patches.

:func:`diff_plans` answers what a teacher asks ("which words and scenarios changed?"): parts are
matched by name (scenarios, buckets) or by pattern and id (grammar functions, whose ids are
renumbered on every normalisation), and lists are compared as sets. Order-only changes are
reported in ``reordered``. :func:`json_patch` is the exact machine form.
"""

from __future__ import annotations

from typing import Any

import jsonpatch
from pydantic import BaseModel, Field

from lessonplan.domain.models import DomainPlan, GrammarFunction, LexBucket, Scenario


class FieldChange(BaseModel):
    field: str
    old: Any = None
    new: Any = None


class ItemsDiff(BaseModel):
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed)


class ScenarioChange(BaseModel):
    name: str
    changes: list[FieldChange] = Field(default_factory=list)
    roles_added: list[str] = Field(default_factory=list)
    roles_removed: list[str] = Field(default_factory=list)


class BucketChange(BaseModel):
    name: str
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class GrammarChange(BaseModel):
    id: str
    pattern_ja: str
    changes: list[FieldChange] = Field(default_factory=list)


class PlanDiff(BaseModel):
    """What changed from ``old`` to ``new``, part by part."""

    fields: list[FieldChange] = Field(default_factory=list)
    scenarios_added: list[Scenario] = Field(default_factory=list)
    scenarios_removed: list[Scenario] = Field(default_factory=list)
    scenarios_changed: list[ScenarioChange] = Field(default_factory=list)
    buckets_added: list[LexBucket] = Field(default_factory=list)
    buckets_removed: list[LexBucket] = Field(default_factory=list)
    buckets_changed: list[BucketChange] = Field(default_factory=list)
    grammar_added: list[GrammarFunction] = Field(default_factory=list)
    grammar_removed: list[GrammarFunction] = Field(default_factory=list)
    grammar_changed: list[GrammarChange] = Field(default_factory=list)
    success_criteria: ItemsDiff = Field(default_factory=ItemsDiff)
    discourse_markers: ItemsDiff = Field(default_factory=ItemsDiff)
    cultural_themes_en: ItemsDiff = Field(default_factory=ItemsDiff)
    cultural_themes_ja: ItemsDiff = Field(default_factory=ItemsDiff)
    reordered: list[str] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.to_lines()

    def to_lines(self) -> list[str]:
        """One line per change: ``part + added``, ``part - removed``, ``part.field: old → new``."""
        lines = [f"{c.field}: {_show(c.old)} → {_show(c.new)}" for c in self.fields]
        lines += [f"scenarios + {s.name} ({_roles(s)})" for s in self.scenarios_added]
        lines += [f"scenarios - {s.name}" for s in self.scenarios_removed]
        for sc in self.scenarios_changed:
            where = f"scenarios[{sc.name}]"
            lines += [f"{where}.{c.field}: {_show(c.old)} → {_show(c.new)}" for c in sc.changes]
            lines += [f"{where}.roles + {label}" for label in sc.roles_added]
            lines += [f"{where}.roles - {label}" for label in sc.roles_removed]
        lines += [f"lex_buckets + {b.name}: {', '.join(b.items)}" for b in self.buckets_added]
        lines += [f"lex_buckets - {b.name}" for b in self.buckets_removed]
        for bc in self.buckets_changed:
            lines += [f"lex_buckets[{bc.name}] + {item}" for item in bc.added]
            lines += [f"lex_buckets[{bc.name}] - {item}" for item in bc.removed]
        lines += [
            f"grammar_functions + {g.id} {g.pattern_ja} ({g.label})" for g in self.grammar_added
        ]
        lines += [f"grammar_functions - {g.id} {g.pattern_ja}" for g in self.grammar_removed]
        for gc in self.grammar_changed:
            where = f"grammar_functions[{gc.id}]"
            lines += [f"{where}.{c.field}: {_show(c.old)} → {_show(c.new)}" for c in gc.changes]
        for part in ("success_criteria", "discourse_markers"):
            lines += _items_lines(f"evaluation.{part}", getattr(self, part))
        for part in ("cultural_themes_en", "cultural_themes_ja"):
            lines += _items_lines(part, getattr(self, part))
        lines += [f"{part}: order changed" for part in self.reordered]
        return lines


def _show(value: Any) -> str:
    return f"{value!r}" if isinstance(value, str) else str(value)


def _roles(scenario: Scenario) -> str:
    return ", ".join(f"{r.label}/{r.register}" for r in scenario.roles)


def _items_lines(part: str, diff: ItemsDiff) -> list[str]:
    return [f"{part} + {item}" for item in diff.added] + [
        f"{part} - {item}" for item in diff.removed
    ]


def _items_diff(old: list[str], new: list[str]) -> ItemsDiff:
    old_set, new_set = set(old), set(new)
    return ItemsDiff(
        added=list(dict.fromkeys(x for x in new if x not in old_set)),
        removed=list(dict.fromkeys(x for x in old if x not in new_set)),
    )


def _field_changes(old: BaseModel, new: BaseModel, names: tuple[str, ...]) -> list[FieldChange]:
    return [
        FieldChange(field=name, old=getattr(old, name), new=getattr(new, name))
        for name in names
        if getattr(old, name) != getattr(new, name)
    ]


def _reordered(path: str, old: list[Any], new: list[Any]) -> list[str]:
    """``path`` when the two lists hold the same members in another order."""
    return [path] if old != new and sorted(map(str, old)) == sorted(map(str, new)) else []


def _diff_scenario(old: Scenario, new: Scenario) -> ScenarioChange | None:
    change = ScenarioChange(name=new.name, changes=_field_changes(old, new, ("setting",)))
    old_roles = {r.label: r for r in old.roles}
    new_roles = {r.label: r for r in new.roles}
    change.roles_added = [f"{r.label}/{r.register}" for r in new.roles if r.label not in old_roles]
    change.roles_removed = [r.label for r in old.roles if r.label not in new_roles]
    for label, role in new_roles.items():
        if label in old_roles and old_roles[label].register != role.register:
            field = f"roles[{label}].register"
            change.changes.append(
                FieldChange(field=field, old=old_roles[label].register, new=role.register)
            )
    return change if change.changes or change.roles_added or change.roles_removed else None


def _match_grammar(
    old: list[GrammarFunction], new: list[GrammarFunction]
) -> tuple[
    list[tuple[GrammarFunction, GrammarFunction]], list[GrammarFunction], list[GrammarFunction]
]:
    """Pair functions by pattern first (ids shift when one is inserted), then by id."""
    pairs: list[tuple[GrammarFunction, GrammarFunction]] = []
    old_left, new_left = list(old), []
    for gf in new:
        match = next((o for o in old_left if o.pattern_ja == gf.pattern_ja), None)
        if match is None:
            new_left.append(gf)
        else:
            old_left.remove(match)
            pairs.append((match, gf))
    added = []
    for gf in new_left:
        match = next((o for o in old_left if o.id == gf.id), None)
        if match is None:
            added.append(gf)
        else:
            old_left.remove(match)
            pairs.append((match, gf))
    return pairs, added, old_left


def diff_plans(old: DomainPlan, new: DomainPlan) -> PlanDiff:
    """A readable, structured diff from ``old`` to ``new``."""
    diff = PlanDiff(
        fields=_field_changes(
            old, new, ("uid", "level", "communicative_function_en", "communicative_function_ja")
        )
    )
    old_sc = {s.name: s for s in old.scenarios}
    new_sc = {s.name: s for s in new.scenarios}
    diff.scenarios_added = [s for s in new.scenarios if s.name not in old_sc]
    diff.scenarios_removed = [s for s in old.scenarios if s.name not in new_sc]
    diff.scenarios_changed = [
        c for s in new.scenarios if s.name in old_sc and (c := _diff_scenario(old_sc[s.name], s))
    ]
    diff.reordered += _reordered("scenarios", list(old_sc), list(new_sc))

    old_b = {b.name: b for b in old.lex_buckets}
    new_b = {b.name: b for b in new.lex_buckets}
    diff.buckets_added = [b for b in new.lex_buckets if b.name not in old_b]
    diff.buckets_removed = [b for b in old.lex_buckets if b.name not in new_b]
    diff.reordered += _reordered("lex_buckets", list(old_b), list(new_b))
    for bucket in new.lex_buckets:
        if bucket.name in old_b:
            before = old_b[bucket.name].items
            items = _items_diff(before, bucket.items)
            if not items.is_empty:
                diff.buckets_changed.append(BucketChange(name=bucket.name, **items.model_dump()))
            diff.reordered += _reordered(f"lex_buckets[{bucket.name}]", before, bucket.items)

    pairs, diff.grammar_added, diff.grammar_removed = _match_grammar(
        old.grammar_functions, new.grammar_functions
    )
    for old_gf, new_gf in pairs:
        changes = _field_changes(old_gf, new_gf, ("id", "label", "pattern_ja", "slots", "notes_en"))
        if changes:
            diff.grammar_changed.append(
                GrammarChange(id=new_gf.id, pattern_ja=new_gf.pattern_ja, changes=changes)
            )

    for part in ("success_criteria", "discourse_markers"):
        before, after = getattr(old.evaluation, part), getattr(new.evaluation, part)
        setattr(diff, part, _items_diff(before, after))
        diff.reordered += _reordered(f"evaluation.{part}", before, after)
    for part in ("cultural_themes_en", "cultural_themes_ja"):
        before, after = getattr(old, part), getattr(new, part)
        setattr(diff, part, _items_diff(before, after))
        diff.reordered += _reordered(part, before, after)
    return diff


def json_patch(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """RFC 6902 operations that turn ``old`` into ``new``."""
    return list(jsonpatch.make_patch(old, new).patch)


def apply_json_patch(document: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply RFC 6902 operations to a copy of ``document`` (a manual edit given as a patch)."""
    result: dict[str, Any] = jsonpatch.apply_patch(document, operations, in_place=False)
    return result
