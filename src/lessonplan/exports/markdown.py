"""The lesson as Markdown for authors who keep lessons in git.

Furigana are written ``漢字(かんじ)`` (ASCII brackets right after the kanji run): plain text that
reads in any editor, diffs line by line and renders the same in every Markdown viewer, where
``<ruby>`` HTML would triple each line in a diff and is dropped by some renderers.
:func:`lessonplan.exports.ruby.strip_furigana` gives back the surface exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from lessonplan.domain.lesson import Lesson, TargetText
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.exports.ruby import ruby_text
from lessonplan.exports.view import jlpt_level, lesson_context, lesson_criteria


def _plain(text: str) -> str:
    return text


def _line(text: TargetText, ruby: Callable[[str], str] = ruby_text) -> str:
    out = ruby(text.surface)
    if text.translation:
        out += f" — {text.translation}"
    return out


def render_markdown(lesson: Lesson, *, descriptor: CanDoDescriptor | None = None) -> str:
    ctx = lesson_context(lesson, descriptor=descriptor)
    japanese, (opening, closing), sep = ctx["japanese"], ctx["quotes"], ctx["list_sep"]
    # Furigana for Japanese only: another language's text is written as it is (its digits
    # get no Japanese readings).
    ruby = ruby_text if japanese else _plain

    def line(text: TargetText) -> str:
        return _line(text, ruby)

    plan = lesson.plan
    out: list[str] = [
        f"# {lesson.can_do_id} ({plan.level}): {plan.communicative_function_en}",
        "",
        ruby(plan.communicative_function_ja),
        "",
        f"Lesson `{lesson.lesson_id}` v{lesson.version} · learner `{lesson.learner_id}` · "
        f"plan v{lesson.plan_version} ({lesson.plan_source})",
    ]
    if descriptor is not None:
        out += ["", f"> Can-Do: {descriptor.description_en}"]
        if descriptor.description_ja:
            out.append(f"> {ruby(descriptor.description_ja)}")
    content = ctx["content"]
    out += ["", "## 1. Content", ""]
    if content is None:
        out.append("_Not generated._")
    else:
        out.append(f"**Objective:** {content.objective}")
        if content.objective_ja:
            out += ["", ruby(content.objective_ja)]
        if japanese:
            out += ["", "### Words", "", "| word | reading | JLPT | meaning |", "|---|---|---|---|"]
        else:  # no readings nor romaji outside Japanese
            out += ["", "### Words", "", "| word | meaning |", "|---|---|"]
        for w in content.words:
            marks = "".join(f" _{m}_" for m, on in (("kit", w.from_kit), ("known", w.known)) if on)
            reading = (
                f" {w.text.reading} ({w.text.romaji}) | {jlpt_level(w.text.surface)} |"
                if japanese
                else ""
            )
            out.append(f"| {ruby(w.text.surface)}{marks} |{reading} {w.text.translation} |")
        out += ["", "### Grammar", ""]
        for g in content.grammar:
            out.append(f"- **{ruby(g.pattern_ja)}** ({g.grammar_id}): {g.explanation}")
            out += [f"  - {line(ex)}" for ex in g.examples]
        if content.phrases:
            out += ["", "### Key expressions", ""]
            out += [f"- {line(p)}" for p in content.phrases]
        if content.dialogue is not None:
            d = content.dialogue
            out += ["", f"### Dialogue: {d.scenario}", ""]
            if d.setting:
                out += [f"_{d.setting}_", ""]
            for t in d.turns:
                out.append(f"- **{ruby(t.speaker)}** ({t.register}): {line(t.text)}")
        r = content.reading
        title = ruby(r.title) + (f" ({r.title_en})" if r.title_en else "")
        out += ["", f"### Reading: {title}", ""]
        if r.text_type:
            out += [f"_{r.text_type}_", ""]
        out += [f"- {line(s)}" for s in r.sentences]
        if content.culture_notes:
            out += ["", "### Culture", ""]
            for n in content.culture_notes:
                ja = f" ({ruby(n.theme_ja)})" if n.theme_ja else ""
                out.append(f"- **{n.theme_en}**{ja}: {n.body}")
    comp = ctx["comprehension"]
    out += ["", "## 2. Comprehension", ""]
    if comp is None:
        out.append("_Not generated._")
    else:
        for i, q in enumerate(comp.questions, 1):
            out.append(f"{i}. {q.question} ({q.source}, {q.kind})")
            if q.options and q.kind == "multiple_choice":
                out += [f"   - {o}" for o in q.options]
            evidence = f" {opening}{ruby(q.evidence)}{closing}" if q.evidence else ""
            out.append(f"   - **Answer:** {q.answer}{evidence}")
    prod = ctx["production"]
    out += ["", "## 3. Production", ""]
    if prod is None:
        out.append("_Not generated._")
    else:
        for i, t in enumerate(prod.tasks, 1):
            out.append(f"{i}. {t.instruction} ({t.grammar_id})")
            if t.vocabulary:
                out.append("   - Words: " + sep.join(ruby(v) for v in t.vocabulary))
            out.append(f"   - **Model answer:** {line(t.model_answer)}")
    inter = ctx["interaction"]
    out += ["", "## 4. Interaction", ""]
    if inter is None:
        out.append("_Not generated._")
    else:
        for rp in inter.role_plays:
            out += ["", f"### {rp.title or rp.scenario} ({rp.register})", ""]
            if rp.setting:
                out += [f"_{rp.setting}_", ""]
            out.append(
                f"You are **{ruby(rp.learner_role)}**, talking to "
                f"{ruby(rp.partner_role)}. {rp.goal}"
            )
            if rp.useful_expressions:
                out += ["", "Useful expressions:", ""]
                out += [f"- {line(e)}" for e in rp.useful_expressions]
            if rp.partner_lines:
                out += ["", f"Partner card ({ruby(rp.partner_role)}):", ""]
                out += [f"- {line(e)}" for e in rp.partner_lines]
            out += ["", "Success criteria:", ""]
            out += [f"- {c}" for c in rp.success_criteria]
    criteria = lesson_criteria(plan, inter)
    if criteria:  # those no role-play card above shows
        out += ["", "## Success criteria", ""]
        out += [f"- {c}" for c in criteria]
    return "\n".join(out) + "\n"
